"""The awsJson protocol against botocore: requests botocore writes parse back to the same input,
responses and errors fogbank writes parse in botocore to the same output."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import json_
from fogbank.protocol.base import HttpRequest, HttpResponse

WHEN = datetime(2023, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


@cache
def model(name: str) -> ServiceModel:
    return ServiceModel(Loader().load_service_model(name, "service-2"), service_name=name)


def botocore_request(op: OperationModel, params: dict) -> HttpRequest:
    """What botocore's JSON serialiser puts on the wire for ``params``."""
    r = create_serializer("json", include_validation=False).serialize_to_request(params, op)
    headers = {k.lower(): v for k, v in r["headers"].items()}
    return HttpRequest(method=r["method"], path=r["url_path"], headers=headers, body=r["body"])


def parse_response(op: Any, resp: HttpResponse) -> dict:
    return create_parser(op.metadata["protocol"]).parse(
        {"status_code": resp.status, "headers": HeadersDict(resp.headers), "body": resp.body}, op.output_shape
    )


def round_trip_request(service: str, operation: str, params: dict) -> dict:
    op = model(service).operation_model(operation)
    return json_.parse_request(op, botocore_request(op, params), {})


def round_trip_response(service: str, operation: str, output: dict) -> dict:
    op = model(service).operation_model(operation)
    resp = json_.serialize_response(op, output, "req-1")
    parsed = parse_response(op, resp)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    return parsed


def test_dynamodb_put_item_request_with_nested_attribute_values() -> None:
    params = {
        "TableName": "t",
        "Item": {
            "pk": {"S": "a"},
            "n": {"N": "1.5"},
            "b": {"B": b"\x00\x01"},
            "bs": {"BS": [b"x", b"y"]},
            "m": {"M": {"l": {"L": [{"BOOL": True}, {"NULL": True}]}}},
        },
        "ReturnValues": "ALL_OLD",
    }
    assert round_trip_request("dynamodb", "PutItem", params) == params


def test_dynamodb_describe_table_response_with_timestamps() -> None:
    output = {
        "Table": {
            "TableName": "t",
            "CreationDateTime": WHEN,
            "ItemCount": 3,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"LastIncreaseDateTime": WHEN, "ReadCapacityUnits": 5},
        }
    }
    assert round_trip_response("dynamodb", "DescribeTable", output) == output


def test_kms_blobs_both_ways() -> None:
    params = {"KeyId": "k", "Plaintext": b"\xff\x00secret", "EncryptionContext": {"a": "b"}}
    assert round_trip_request("kms", "Encrypt", params) == params
    output = {"CiphertextBlob": b"\x01\x02\x03", "KeyId": "arn", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    assert round_trip_response("kms", "Encrypt", output) == output


def test_headers_and_unknown_members_are_not_leaked() -> None:
    op = model("sqs").operation_model("GetQueueUrl")
    resp = json_.serialize_response(op, {"QueueUrl": "http://q", "Internal": "secret"}, "r")
    assert json.loads(resp.body) == {"QueueUrl": "http://q"}
    assert resp.get_header("content-type") == "application/x-amz-json-1.0"
    assert model("kms").metadata["jsonVersion"] == "1.1"
    resp = json_.serialize_response(model("kms").operation_model("ListKeys"), {}, "r")
    assert resp.get_header("content-type") == "application/x-amz-json-1.1"
    assert resp.body == b"{}"


def test_float_specials_travel_as_strings() -> None:
    op = model("cloudwatch").operation_model("PutMetricData")
    body = b'{"Namespace":"n","MetricData":[{"MetricName":"m","Value":"NaN","Values":[1,"Infinity"]}]}'
    parsed = json_.parse_request(op, HttpRequest("POST", "/", body=body), {})
    datum = parsed["MetricData"][0]
    assert math.isnan(datum["Value"])
    assert datum["Values"] == [1.0, math.inf]


def test_empty_body_is_an_empty_input() -> None:
    op = model("sqs").operation_model("ListQueues")
    assert json_.parse_request(op, HttpRequest("POST", "/", body=b""), {}) == {}


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"\xff\xfe\x00",
        b'{"QueueName": 5}',
        b'{"QueueName": "q", "Attributes": []}',
        b'{"QueueName": "q", "Attributes": {"DelaySeconds": 5}}',
        b"[1, 2]",
        b'"text"',
        b"[" * 100000,
        b'{"QueueName": "' + b"\xc3\x28" + b'"}',
    ],
)
def test_malformed_bodies_are_serialization_exceptions(body: bytes) -> None:
    op = model("sqs").operation_model("CreateQueue")
    with pytest.raises(BadRequest) as err:
        json_.parse_request(op, HttpRequest("POST", "/", body=body), {})
    assert err.value.code == "SerializationException"
    assert err.value.status == 400


@pytest.mark.parametrize(
    "body",
    [b'{"MaxNumberOfMessages": "10", "QueueUrl": "q"}', b'{"MaxNumberOfMessages": true, "QueueUrl": "q"}'],
)
def test_wrong_scalar_types_are_rejected(body: bytes) -> None:
    op = model("sqs").operation_model("ReceiveMessage")
    with pytest.raises(BadRequest, match="Integer|integer"):
        json_.parse_request(op, HttpRequest("POST", "/", body=body), {})


def test_bad_base64_and_bad_timestamp_are_rejected() -> None:
    op = model("kms").operation_model("Decrypt")
    with pytest.raises(BadRequest):
        json_.parse_request(op, HttpRequest("POST", "/", body=b'{"CiphertextBlob": "!!"}'), {})
    op = model("logs").operation_model("GetLogEvents")
    assert json_.parse_request(op, HttpRequest("POST", "/", body=b'{"startTime": 5}'), {}) == {"startTime": 5}
    op = model("cloudwatch").operation_model("GetMetricData")
    with pytest.raises(BadRequest):
        json_.parse_request(op, HttpRequest("POST", "/", body=b'{"StartTime": "soon"}'), {})


def test_errors_are_parsed_by_botocore_with_code_message_and_fields() -> None:
    service = model("dynamodb")
    op = service.operation_model("PutItem")
    error = ServiceError("Requested resource not found", code="ResourceNotFoundException")
    resp = json_.serialize_error(service, error, "rid", op)
    assert resp.status == 400
    parsed = parse_response(op, resp)
    assert parsed["Error"] == {"Code": "ResourceNotFoundException", "Message": "Requested resource not found"}
    assert parsed["ResponseMetadata"]["RequestId"] == "rid"
    body = json.loads(resp.body)
    assert body == {"__type": "ResourceNotFoundException", "message": "Requested resource not found"}


def test_error_fields_are_encoded_through_the_error_shape() -> None:
    service = model("dynamodb")
    error = ServiceError(
        "cancelled",
        code="TransactionCanceledException",
        fields={"CancellationReasons": [{"Code": "ConditionalCheckFailed", "Item": {"b": {"B": b"\x01"}}}]},
    )
    body = json.loads(json_.serialize_error(service, error, "rid").body)
    assert body["CancellationReasons"] == [{"Code": "ConditionalCheckFailed", "Item": {"b": {"B": "AQ=="}}}]


def test_sqs_errors_carry_the_query_code_for_botocore() -> None:
    service = model("sqs")
    op = service.operation_model("GetQueueUrl")
    error = ServiceError("The specified queue does not exist.", code="QueueDoesNotExist")
    resp = json_.serialize_error(service, error, "rid", op)
    assert resp.get_header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    assert json.loads(resp.body)["__type"] == "QueueDoesNotExist"
    parsed = parse_response(op, resp)["Error"]
    assert parsed["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert parsed["QueryErrorCode"] == "QueueDoesNotExist"
    assert parsed["Type"] == "Sender"


def test_error_raised_with_its_query_code_or_explicit_query_code() -> None:
    service = model("sqs")
    error = ServiceError("gone", code="AWS.SimpleQueueService.NonExistentQueue")
    resp = json_.serialize_error(service, error, "rid")
    assert json.loads(resp.body)["__type"] == "QueueDoesNotExist"
    assert resp.get_header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    error = ServiceError("boom", code="InternalError", status=500)
    error.query_code = "InternalError.Custom"  # type: ignore[attr-defined]
    resp = json_.serialize_error(service, error, "rid")
    assert resp.status == 500
    assert resp.get_header("x-amzn-query-error") == "InternalError.Custom;Receiver"


def test_services_without_query_compatibility_send_no_query_header() -> None:
    resp = json_.serialize_error(model("kms"), ServiceError("x", code="NotFoundException"), "rid")
    assert resp.get_header("x-amzn-query-error") is None


def test_through_a_real_boto3_client_error() -> None:
    """botocore's client maps the answer to the modelled exception class, as for AWS."""
    import boto3

    client = boto3.client("sqs", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    service = client.meta.service_model
    resp = json_.serialize_error(service, ServiceError("nope", code="QueueDoesNotExist"), "rid")
    parsed = parse_response(service.operation_model("GetQueueUrl"), resp)
    context: dict = {}
    from botocore.handlers import _handle_sqs_compatible_error

    _handle_sqs_compatible_error(parsed, context)
    assert client.exceptions.from_code(context["error_code_override"]) is client.exceptions.QueueDoesNotExist
