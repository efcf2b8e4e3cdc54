"""The query protocol against botocore: what botocore serialises fogbank reads back, and what
fogbank writes botocore parses back, for IAM, STS, SNS, CloudFormation, CloudWatch and SQS."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import query, query_compat
from fogbank.protocol.base import HttpRequest, HttpResponse


@cache
def model(name: str) -> ServiceModel:
    return ServiceModel(Loader().load_service_model(name, "service-2"), service_name=name)


def op(service: str, name: str) -> OperationModel:
    return model(service).operation_model(name)


def http_request(operation: OperationModel, params: dict[str, Any]) -> HttpRequest:
    """``params`` as botocore's query serialiser puts them on the wire."""
    r = create_serializer("query").serialize_to_request(params, query_compat.query_operation(operation))
    body = r["body"]
    if isinstance(body, dict):
        body = urlencode(body).encode()
    qs = r["query_string"] if isinstance(r["query_string"], str) else urlencode(r["query_string"])
    headers = {k.lower(): v for k, v in r["headers"].items()}
    return HttpRequest(method=r["method"], path=r["url_path"], query_string=qs, headers=headers, body=body)


def round_trip_input(operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    return query.parse_request(operation, http_request(operation, params), {})


def botocore_parse(operation: OperationModel, resp: HttpResponse) -> dict[str, Any]:
    parsed = create_parser("query").parse(
        {"status_code": resp.status, "headers": dict(resp.headers), "body": resp.body},
        query_compat.query_operation(operation).output_shape,
    )
    parsed.pop("ResponseMetadata")
    return parsed


def round_trip_output(operation: OperationModel, output: dict[str, Any]) -> dict[str, Any]:
    return botocore_parse(operation, query.serialize_response(operation, output, "req-1"))


def parse_error(resp: HttpResponse) -> dict[str, Any]:
    return create_parser("query").parse(
        {"status_code": resp.status, "headers": dict(resp.headers), "body": resp.body}, None
    )


T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
T1 = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("iam", "CreateRole", {"RoleName": "r", "AssumeRolePolicyDocument": "{}", "MaxSessionDuration": 3600,
                               "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]}),
        ("iam", "UpdateAccountPasswordPolicy", {"MinimumPasswordLength": 9, "RequireSymbols": True,
                                                "RequireNumbers": False}),
        ("iam", "CreatePolicy", {"PolicyName": "p", "PolicyDocument": '{"a": "&=+ %"}', "Tags": []}),
        ("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::1:role/r", "RoleSessionName": "s1", "DurationSeconds": 900,
                               "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/x"}]}),
        ("sns", "Publish", {"TopicArn": "arn:t", "Message": "héllo\nworld",
                            "MessageAttributes": {"s": {"DataType": "String", "StringValue": "v"},
                                                  "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}}}),
        ("sns", "CreateTopic", {"Name": "t", "Attributes": {"DisplayName": "d", "FifoTopic": "true"},
                                "Tags": [{"Key": "k", "Value": "v"}]}),
        ("cloudformation", "CreateStack", {"StackName": "s", "TemplateBody": "{}",
                                           "Parameters": [{"ParameterKey": "K", "ParameterValue": "V"}],
                                           "Capabilities": ["CAPABILITY_IAM"], "TimeoutInMinutes": 5,
                                           "DisableRollback": True}),
        ("cloudwatch", "PutMetricData", {"Namespace": "n", "MetricData": [
            {"MetricName": "m", "Timestamp": T1, "Value": 1.5, "Unit": "Count",
             "Dimensions": [{"Name": "d", "Value": "v"}], "Values": [1.0, 2.25], "Counts": [3.0, 4.0]}]}),
        ("cloudwatch", "GetMetricStatistics", {"Namespace": "n", "MetricName": "m", "StartTime": T0,
                                               "EndTime": T1, "Period": 60, "Statistics": ["Sum", "Average"]}),
    ],
)
def test_botocore_input_reads_back(service: str, operation: str, params: dict[str, Any]) -> None:
    assert round_trip_input(op(service, operation), params) == params


def test_sqs_query_input_uses_the_overlay_names() -> None:
    operation = op("sqs", "SendMessage")
    params = {"QueueUrl": "http://localhost:4566/000000000000/q", "MessageBody": "b", "DelaySeconds": 3,
              "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v", "StringListValues": ["x"]},
                                    "bin": {"DataType": "Binary", "BinaryValue": b"\x01\x02"}}}
    req = http_request(operation, params)
    assert b"MessageAttribute.1.Name=a" in req.body
    assert b"MessageAttribute.1.Value.StringListValue.1=x" in req.body
    assert query.parse_request(operation, req, {}) == params


def test_sqs_query_flattened_maps_and_lists() -> None:
    create = op("sqs", "CreateQueue")
    params = {"QueueName": "q", "Attributes": {"DelaySeconds": "5", "VisibilityTimeout": "30"},
              "tags": {"team": "x"}}
    req = http_request(create, params)
    assert b"Attribute.1.Name=DelaySeconds" in req.body and b"Tag.1.Key=team" in req.body
    assert query.parse_request(create, req, {}) == params
    recv = op("sqs", "ReceiveMessage")
    params = {"QueueUrl": "u", "AttributeNames": ["All"], "MessageAttributeNames": ["a", "b"],
              "MaxNumberOfMessages": 10, "WaitTimeSeconds": 0}
    assert round_trip_input(recv, params) == params


def test_hand_written_query_string_and_body_combine() -> None:
    req = HttpRequest("POST", "/", query_string="Action=GetRole&Version=2010-05-08",
                      headers={"content-type": "application/x-www-form-urlencoded"},
                      body=b"RoleName=a+b%26c")
    assert query.parse_request(op("iam", "GetRole"), req, {}) == {"RoleName": "a b&c"}


def test_empty_list_and_unknown_keys() -> None:
    req = HttpRequest("POST", "/", body=b"Action=CreatePolicy&PolicyName=p&PolicyDocument=d&Tags=&Bogus.1=x")
    assert query.parse_request(op("iam", "CreatePolicy"), req, {}) == {
        "PolicyName": "p", "PolicyDocument": "d", "Tags": []}


def test_list_members_are_read_in_numeric_order() -> None:
    body = "&".join(f"Statistics.member.{i}=S{i}" for i in (10, 2, 1)).encode()
    got = query.parse_request(op("cloudwatch", "GetMetricStatistics"), HttpRequest("POST", "/", body=body), {})
    assert got["Statistics"] == ["S1", "S2", "S10"]


@pytest.mark.parametrize(
    ("service", "operation", "body", "code"),
    [
        ("iam", "CreateRole", b"RoleName=r&MaxSessionDuration=abc", "ValidationError"),
        ("iam", "UpdateAccountPasswordPolicy", b"RequireSymbols=maybe", "ValidationError"),
        ("sqs", "SendMessage", b"QueueUrl=u&MessageBody=b&DelaySeconds=1.5", "InvalidParameterValue"),
        ("sns", "Publish", b"TopicArn=t&Message=m&MessageAttributes.entry.1.Name=b"
                           b"&MessageAttributes.entry.1.Value.BinaryValue=%%%", "InvalidParameter"),
        ("cloudwatch", "GetMetricStatistics", b"StartTime=yesterday", "InvalidParameterValue"),
        ("iam", "GetRole", b"RoleName=%FF%FE", "MalformedQueryString"),
        ("iam", "GetRole", b"RoleName=\xff", "MalformedQueryString"),
    ],
)
def test_bad_input_is_a_bad_request(service: str, operation: str, body: bytes, code: str) -> None:
    with pytest.raises(BadRequest) as info:
        query.parse_request(op(service, operation), HttpRequest("POST", "/", body=body), {})
    assert info.value.code == code
    assert info.value.status == (404 if code == "MalformedQueryString" else 400)


def test_deep_nesting_does_not_crash() -> None:
    key = "MetricData.member.1." + "x." * 5000 + "y"
    got = query.parse_request(op("cloudwatch", "PutMetricData"),
                              HttpRequest("POST", "/", body=f"Namespace=n&{key}=1".encode()), {})
    assert got == {"Namespace": "n", "MetricData": [{}]}


@pytest.mark.parametrize(
    ("service", "operation", "output"),
    [
        ("iam", "GetRole", {"Role": {
            "Path": "/", "RoleName": "r", "RoleId": "AROA1", "Arn": "arn:aws:iam::1:role/r", "CreateDate": T0,
            "AssumeRolePolicyDocument": "<&>\"'", "MaxSessionDuration": 3600,
            "Tags": [{"Key": "a", "Value": "1"}], "RoleLastUsed": {"LastUsedDate": T1, "Region": "us-east-1"}}}),
        ("iam", "ListRoles", {"Roles": [], "IsTruncated": False}),
        ("iam", "GetAccountSummary", {"SummaryMap": {"Users": 3, "Roles": 0}}),
        ("sts", "AssumeRole", {"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t",
                                               "Expiration": T1},
                               "AssumedRoleUser": {"AssumedRoleId": "A:s", "Arn": "arn"}, "PackedPolicySize": 7}),
        ("sns", "GetTopicAttributes", {"Attributes": {"TopicArn": "arn:t", "Policy": "{\"x\": 1}"}}),
        ("cloudformation", "DescribeStacks", {"Stacks": [{
            "StackName": "s", "CreationTime": T0, "StackStatus": "CREATE_COMPLETE", "DisableRollback": False,
            "Outputs": [{"OutputKey": "K", "OutputValue": "V"}], "Parameters": [],
            "Tags": [{"Key": "k", "Value": "v"}]}]}),
        ("cloudwatch", "GetMetricStatistics", {"Label": "m", "Datapoints": [
            {"Timestamp": T0, "Sum": 2.5, "Average": 1e-07, "Maximum": float("inf"), "Unit": "Count"}]}),
        ("sqs", "ReceiveMessage", {"Messages": [{
            "MessageId": "id", "ReceiptHandle": "rh", "MD5OfBody": "x", "Body": "a\r\nb <c>",
            "Attributes": {"SentTimestamp": "1", "ApproximateReceiveCount": "2"},
            "MessageAttributes": {"b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
                                  "s": {"DataType": "String", "StringValue": "v"}}}]}),
        ("sqs", "GetQueueAttributes", {"Attributes": {"DelaySeconds": "0"}}),
        ("sqs", "ListQueues", {"QueueUrls": ["http://a/1", "http://a/2"], "NextToken": "n"}),
        ("sqs", "SendMessageBatch", {
            "Successful": [{"Id": "1", "MessageId": "m", "MD5OfMessageBody": "x"}],
            "Failed": [{"Id": "2", "SenderFault": True, "Code": "C", "Message": "M"}]}),
    ],
)
def test_output_parses_back_in_botocore(service: str, operation: str, output: dict[str, Any]) -> None:
    assert round_trip_output(op(service, operation), output) == output


def test_response_envelope() -> None:
    resp = query.serialize_response(op("sts", "GetCallerIdentity"),
                                    {"UserId": "u", "Account": "000000000000", "Arn": "arn"}, "rid-9")
    body = resp.body.decode()
    assert body.startswith('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                           "<GetCallerIdentityResult>")
    assert body.endswith("<ResponseMetadata><RequestId>rid-9</RequestId></ResponseMetadata>"
                         "</GetCallerIdentityResponse>")
    assert resp.get_header("content-type") == "text/xml"
    sqs = query.serialize_response(op("sqs", "CreateQueue"), {"QueueUrl": "u"}, "r").body.decode()
    assert sqs.startswith('<CreateQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">'
                          "<CreateQueueResult><QueueUrl>u</QueueUrl></CreateQueueResult>")


def test_operation_without_output() -> None:
    resp = query.serialize_response(op("iam", "DeleteRole"), {}, "rid")
    assert botocore_parse(op("iam", "DeleteRole"), resp) == {}
    assert b"<DeleteRoleResponse" in resp.body


def test_error_response() -> None:
    err = ServiceError("Role r cannot be found.", code="NoSuchEntity", status=404)
    resp = query.serialize_error(model("iam"), err, "rid-1", op("iam", "GetRole"))
    parsed = parse_error(resp)
    assert resp.status == 404
    assert parsed["Error"] == {"Type": "Sender", "Code": "NoSuchEntity", "Message": "Role r cannot be found."}
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-1"


def test_server_error_is_receiver_fault_with_fields() -> None:
    err = ServiceError("boom", code="InternalFailure", status=500, fields={"Detail": "x<y"})
    parsed = parse_error(query.serialize_error(model("sns"), err, "r"))
    assert parsed["Error"] == {"Type": "Receiver", "Code": "InternalFailure", "Message": "boom", "Detail": "x<y"}


def test_sqs_error_codes_come_from_the_overlay() -> None:
    err = ServiceError("The specified queue does not exist.", code="QueueDoesNotExist", status=400)
    resp = query.serialize_error(model("sqs"), err, "r")
    assert parse_error(resp)["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert b'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"' in resp.body
    err = ServiceError("bad handle", code="ReceiptHandleIsInvalid", status=400)
    resp = query.serialize_error(model("sqs"), err, "r")
    assert (resp.status, parse_error(resp)["Error"]["Code"]) == (404, "ReceiptHandleIsInvalid")
    # Codes the overlay does not know pass through unchanged.
    err = ServiceError("bad", code="InvalidParameterValue")
    assert parse_error(query.serialize_error(model("sqs"), err, "r"))["Error"]["Code"] == "InvalidParameterValue"


def test_query_view_of_sqs_model() -> None:
    view = query_compat.query_service(model("sqs"))
    assert view.protocol == "query"
    assert view is query_compat.query_service(model("sqs"))
    assert model("sqs").protocol == "json"  # the shared model is left alone
    assert view.shape_for_error_code("AWS.SimpleQueueService.NonExistentQueue").name == "QueueDoesNotExist"
    assert query_compat.query_error(model("sqs"), "QueueNameExists") == ("QueueAlreadyExists", 400)
    assert query_compat.query_error(model("iam"), "NoSuchEntity") is None


_WIRE_KEYS = ["MetricData.member.1.Value", "MetricData.member.1.Timestamp", "MetricData.member.x",
              "MetricData.member.1.Dimensions.member.1.Name", "MetricData", "MetricData.member.1",
              "Namespace", "MetricData.member.1.StatisticValues.Sum", "MetricData.member.2.Values.member.1",
              "MetricData.member.1.StorageResolution", "MetricData.member.1.Values"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from(_WIRE_KEYS), st.text(max_size=8)), max_size=6), st.binary(max_size=40))
def test_fuzzed_bodies_parse_or_fail_cleanly(pairs: list[tuple[str, str]], noise: bytes) -> None:
    operation = op("cloudwatch", "PutMetricData")
    for body in (urlencode(pairs).encode(), noise, urlencode(pairs).encode() + b"&" + noise):
        try:
            got = query.parse_request(operation, HttpRequest("POST", "/", body=body), {})
        except BadRequest as exc:
            assert exc.code in ("InvalidParameterValue", "MalformedQueryString")
        else:
            assert isinstance(got, dict)


def test_sqs_system_attribute_names_use_the_singular_key() -> None:
    body = b"QueueUrl=u&MessageSystemAttributeName.1=SenderId&MessageSystemAttributeName.2=All&AttributeName.1=All"
    got = query.parse_request(op("sqs", "ReceiveMessage"), HttpRequest("POST", "/", body=body), {})
    assert got == {"QueueUrl": "u", "MessageSystemAttributeNames": ["SenderId", "All"], "AttributeNames": ["All"]}
