"""Model-driven input validation: which rules are checked and how each family words the answer."""

from __future__ import annotations

from typing import Any

import pytest

from fogbank.errors import InvalidInput, ServiceError
from fogbank.protocol.validate import ValidationFailed, java_str, settings, validate
from fogbank.spec.loader import SERVICES, service_model


def fails(service: str, operation: str, params: dict[str, Any], family: str | None = None) -> ValidationFailed:
    op = service_model(service).operation_model(operation)
    with pytest.raises(ValidationFailed) as info:
        validate(op, params, family or op.service_model.protocol)
    assert isinstance(info.value, InvalidInput)
    return info.value


def passes(service: str, operation: str, params: dict[str, Any], family: str | None = None) -> None:
    op = service_model(service).operation_model(operation)
    validate(op, params, family or op.service_model.protocol)


def test_valid_input_passes() -> None:
    passes("dynamodb", "GetItem", {"TableName": "orders", "Key": {"pk": {"S": "a"}}})
    passes("sqs", "SendMessage", {"QueueUrl": "http://q", "MessageBody": "hi"})
    passes("iam", "CreateUser", {"UserName": "alice", "Path": "/"})


def test_missing_required_member_json() -> None:
    err = fails("dynamodb", "GetItem", {"Key": {"pk": {"S": "a"}}})
    assert (err.code, err.status, err.kind) == ("ValidationException", 400, "missing")
    assert err.message == (
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_several_errors_are_counted_and_joined() -> None:
    err = fails("dynamodb", "CreateTable", {
        "TableName": "",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "BAD"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "FREE",
    })
    assert err.message == (
        "3 validation errors detected: "
        "Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1; "
        "Value 'BAD' at 'keySchema.1.member.keyType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HASH, RANGE]; "
        "Value 'FREE' at 'billingMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
    )
    assert err.member == "tableName"
    assert [v.path for v in err.violations] == ["tableName", "keySchema.1.member.keyType", "billingMode"]


def test_length_maximum_and_listed_pattern() -> None:
    err = fails("logs", "CreateLogGroup", {"logGroupName": "bad name!"})
    assert err.message == (
        "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
    )
    err = fails("logs", "CreateLogGroup", {"logGroupName": "g" * 513})
    assert err.message == (
        f"1 validation error detected: Value '{'g' * 513}' at 'logGroupName' failed to satisfy constraint: "
        "Member must have length less than or equal to 512"
    )


def test_unlisted_patterns_are_not_enforced() -> None:
    # Nothing in the overlay lists a pattern of Secrets Manager: none is checked.
    passes("secretsmanager", "DescribeSecret", {"SecretId": "any thing ~ goes"})


def test_number_range() -> None:
    passes("kinesis", "ListStreams", {"Limit": 5})
    err = fails("kinesis", "ListStreams", {"Limit": 0})
    assert err.message == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_blob_values_print_as_java_buffers() -> None:
    err = fails("kms", "Encrypt", {"KeyId": "alias/k", "Plaintext": b"x" * 4097})
    assert err.message == (
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=4097 cap=4097]' at 'plaintext' "
        "failed to satisfy constraint: Member must have length less than or equal to 4096"
    )


def test_sensitive_strings_are_not_echoed() -> None:
    err = fails("secretsmanager", "CreateSecret", {"Name": "s", "SecretString": "p" * 70000})
    assert "Value at 'secretString' failed to satisfy constraint" in err.message
    assert "ppp" not in err.message


def test_list_items_and_map_entries() -> None:
    err = fails("cloudformation", "CreateStack", {"StackName": "s", "Capabilities": ["CAPABILITY_IAM", "NOPE"]})
    assert err.message == (
        "1 validation error detected: Value '[CAPABILITY_IAM, NOPE]' at 'capabilities' failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must satisfy enum value set: ["
        + ", ".join(service_model("cloudformation").shape_for("Capability").enum) + "]]"
    )
    assert err.code == "ValidationError"
    err = fails("logs", "TagResource", {"resourceArn": "arn:aws:logs:us-east-1:1:log-group:g", "tags": {"": "v"}})
    assert "at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [" in err.message


def test_recursive_shapes_compile_and_check() -> None:
    deep: dict[str, Any] = {"S": "leaf"}
    for _ in range(50):
        deep = {"M": {"k": deep}}
    passes("dynamodb", "PutItem", {"TableName": "orders", "Item": {"pk": {"S": "a"}, "d": deep}})


def test_query_family_iam_uses_validation_error() -> None:
    err = fails("iam", "CreateUser", {"UserName": "no spaces allowed"})
    assert err.code == "ValidationError"
    assert err.message == (
        "1 validation error detected: Value 'no spaces allowed' at 'userName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    )
    assert fails("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::1:role/r"}).message.endswith(
        "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"
    )


def test_ec2_family_names_the_parameter() -> None:
    err = fails("ec2", "RunInstances", {"MinCount": 1})
    assert (err.code, err.status) == ("MissingParameter", 400)
    assert err.message == "The request must contain the parameter MaxCount"
    err = fails("ec2", "CreateVolume", {"AvailabilityZone": "us-east-1a", "VolumeType": "floppy"})
    assert err.code == "InvalidParameterValue"
    assert err.message.startswith("Value (floppy) for parameter volumeType is invalid.")


def test_sqs_over_query_answers_missing_parameter() -> None:
    err = fails("sqs", "SendMessage", {"MessageBody": "x"}, "query")
    assert (err.code, err.message) == ("MissingParameter", "The request must contain the parameter QueueUrl.")
    err = fails("sqs", "SendMessage", {"MessageBody": "x"}, "json")
    assert err.code == "ValidationException"


def test_sns_answers_invalid_parameter() -> None:
    err = fails("sns", "Publish", {})
    assert err.code == "InvalidParameter"
    assert err.message == "Invalid parameter: Message Reason: no value for required parameter"


def test_s3_checks_required_only_with_its_own_code() -> None:
    err = fails("s3", "PutObject", {"Bucket": "b"})
    assert err.code == "InvalidArgument"
    assert err.fields["ArgumentName"] == "Key"
    assert settings("s3", "rest-xml")["enum"] is False
    passes("s3", "PutObject", {"Bucket": "b", "Key": "k", "StorageClass": "NOT_A_CLASS"})


def test_lambda_rest_json_uses_validation_exception_and_function_name_pattern() -> None:
    err = fails("lambda", "GetFunction", {"FunctionName": "has space"})
    assert err.code == "ValidationException"
    assert "at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern" in err.message


def test_internal_calls_use_the_service_protocol() -> None:
    op = service_model("dynamodb").operation_model("GetItem")
    with pytest.raises(ValidationFailed) as info:
        validate(op, {"Key": {}}, "internal")
    assert info.value.code == "ValidationException"


def test_wrong_types_are_left_to_the_parser_not_crashed_on() -> None:
    passes("dynamodb", "GetItem", {"TableName": 12, "Key": "nope", "AttributesToGet": {"a": 1}})
    passes("kinesis", "ListStreams", {"Limit": "five"})


def test_java_str() -> None:
    assert java_str([1, "a", True]) == "[1, a, true]"
    assert java_str({"k": [b"ab"]}) == "{k=[java.nio.HeapByteBuffer[pos=0 lim=2 cap=2]]}"


def _every_operation() -> list[tuple[str, str]]:
    return [(name, op) for name in SERVICES for op in service_model(name).operation_names]


def test_every_operation_of_every_service_validates_empty_and_junk_input() -> None:
    junk = {"a": 1}
    for service, operation in _every_operation():
        op = service_model(service).operation_model(operation)
        for params in ({}, junk):
            try:
                validate(op, params, service_model(service).protocol)
            except ServiceError as err:
                assert isinstance(err, InvalidInput) and 400 <= err.status < 500
                assert err.message


def test_template_messages_quote_the_wire_name() -> None:
    # EC2 lists go on the wire under their query name: Tags -> Tag.N.
    err = fails("ec2", "CreateTags", {"Resources": ["i-1"]})
    assert err.message == "The request must contain the parameter Tag"
    err = fails("ec2", "DeleteVpc", {})
    assert err.message == "The request must contain the parameter VpcId"


def test_enums_a_service_checks_itself_are_skipped() -> None:
    # SQS answers InvalidAttributeName from its provider, not a validation error.
    passes("sqs", "GetQueueAttributes", {"QueueUrl": "q", "AttributeNames": ["All", "Nope"]})
    passes("sqs", "CreateQueue", {"QueueName": "q", "Attributes": {"Nope": "1"}})


def test_shapes_without_reachable_rules_compile_to_nothing() -> None:
    from botocore.model import ServiceModel

    from fogbank.protocol.validate import _Compiler, settings

    model = ServiceModel({
        "metadata": {"protocol": "json", "apiVersion": "2020-01-01", "endpointPrefix": "demo"},
        "operations": {},
        "shapes": {
            "Tree": {"type": "structure", "members": {"Name": {"shape": "Text"}, "Kids": {"shape": "Trees"},
                                                       "Attrs": {"shape": "Attrs"}}},
            "Trees": {"type": "list", "member": {"shape": "Tree"}},
            "Attrs": {"type": "map", "key": {"shape": "Text"}, "value": {"shape": "Tree"}},
            "Text": {"type": "string"},
            "Limited": {"type": "string", "max": 3},
            "Top": {"type": "structure", "members": {"Tree": {"shape": "Tree"}, "Tag": {"shape": "Limited"}}},
        },
    }, service_name="demo")
    compiler = _Compiler(settings("demo", "json"), "json")
    # A recursive shape without any rule costs nothing per request ...
    assert compiler.compile(model.shape_for("Tree")) is None
    # ... and a parent checks only the members that carry one.
    check = compiler.compile(model.shape_for("Top"))
    assert check is not None
    found: list = []
    check({"Tree": {"Kids": [{"Name": "x" * 10}]}, "Tag": "long"}, "", "", found)
    assert [(v.path, v.constraint) for v in found] == [("tag", "Member must have length less than or equal to 3")]
