"""The smithy-rpc-v2-cbor protocol against botocore with CloudWatch's model: requests botocore
writes parse back to the same input; responses and errors fogbank writes parse in botocore."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import cache

import cbor2
import pytest
from botocore.awsrequest import HeadersDict
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import cbor
from fogbank.protocol.base import HttpRequest, HttpResponse

WHEN = datetime(2024, 2, 29, 12, 0, 1, 500000, tzinfo=UTC)


@cache
def model() -> ServiceModel:
    service = ServiceModel(Loader().load_service_model("cloudwatch", "service-2"), service_name="cloudwatch")
    assert service.metadata["protocol"] == "smithy-rpc-v2-cbor"
    return service


def op(name: str) -> OperationModel:
    return model().operation_model(name)


def botocore_request(operation: OperationModel, params: dict) -> HttpRequest:
    r = create_serializer("smithy-rpc-v2-cbor", include_validation=False).serialize_to_request(params, operation)
    headers = {k.lower(): v for k, v in r["headers"].items()}
    return HttpRequest(r["method"], r["url_path"], headers=headers, body=r["body"])


def parse_response(operation: OperationModel, resp: HttpResponse) -> dict:
    return create_parser("smithy-rpc-v2-cbor").parse(
        {"status_code": resp.status, "headers": HeadersDict(resp.headers), "body": resp.body},
        operation.output_shape,
    )


def test_request_path_headers_and_put_metric_data_round_trip() -> None:
    params = {
        "Namespace": "App",
        "MetricData": [
            {
                "MetricName": "Latency",
                "Dimensions": [{"Name": "Host", "Value": "a"}],
                "Timestamp": WHEN,
                "Value": 12.5,
                "Values": [1.0, 2.0],
                "Counts": [3.0, 4.0],
                "Unit": "Milliseconds",
                "StorageResolution": 1,
            }
        ],
    }
    req = botocore_request(op("PutMetricData"), params)
    assert req.path == "/service/GraniteServiceVersion20100801/operation/PutMetricData"
    assert req.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert cbor.parse_request(op("PutMetricData"), req, {}) == params


def test_get_metric_data_response_with_timestamps_and_doubles() -> None:
    output = {
        "MetricDataResults": [
            {
                "Id": "m1",
                "Label": "Latency",
                "Timestamps": [WHEN, WHEN.replace(microsecond=0)],
                "Values": [1.5, -2.0],
                "StatusCode": "Complete",
            }
        ],
        "NextToken": "t",
    }
    resp = cbor.serialize_response(op("GetMetricData"), output, "rid")
    assert resp.get_header("smithy-protocol") == "rpc-v2-cbor"
    assert resp.get_header("content-type") == "application/cbor"
    parsed = parse_response(op("GetMetricData"), resp)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid"
    assert parsed == output


def test_empty_output_is_an_empty_map_botocore_accepts() -> None:
    resp = cbor.serialize_response(op("PutMetricData"), None, "rid")
    assert cbor2.loads(resp.body) == {}
    resp = cbor.serialize_response(op("DescribeAlarms"), {}, "rid")
    assert parse_response(op("DescribeAlarms"), resp)["ResponseMetadata"]["RequestId"] == "rid"


def test_blobs_travel_as_byte_strings() -> None:
    output = {"MetricWidgetImage": b"\x89PNG\r\n"}
    resp = cbor.serialize_response(op("GetMetricWidgetImage"), output, "rid")
    assert cbor2.loads(resp.body) == output
    assert parse_response(op("GetMetricWidgetImage"), resp)["MetricWidgetImage"] == output["MetricWidgetImage"]


def test_float_specials_are_native() -> None:
    body = cbor2.dumps({"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": math.inf}]})
    parsed = cbor.parse_request(op("PutMetricData"), HttpRequest("POST", "/", body=body), {})
    assert parsed["MetricData"][0]["Value"] == math.inf


@pytest.mark.parametrize(
    "body",
    [
        b"\xa1",  # truncated map
        b"\xa1\x69Namespace\x61",  # truncated string
        b"\x7f\xff",  # empty indefinite string is fine, but the map is missing
        b"\xff",  # lone break
        b"\xa1\x69Namespace\x05",  # integer where a string is modelled
        b"\xa1\x69Namespace\x62\xc3\x28",  # invalid UTF-8
        b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff",  # absurd array length
        b"\xa1\x6aMetricData\xc1\x00",  # a timestamp where a list is modelled
        b"\xd9\xd9\xf7" * 3 + b"\x00",  # self-describe tags then an integer
    ],
)
def test_malformed_cbor_is_a_serialization_exception(body: bytes) -> None:
    with pytest.raises(BadRequest) as err:
        cbor.parse_request(op("PutMetricData"), HttpRequest("POST", "/", body=body), {})
    assert err.value.code == "SerializationException"


def test_timestamp_member_accepts_tag_1() -> None:
    body = cbor2.dumps({"StartTime": WHEN, "EndTime": 1700000000}, datetime_as_timestamp=True)
    parsed = cbor.parse_request(op("GetMetricData"), HttpRequest("POST", "/", body=body), {})
    assert parsed["StartTime"] == WHEN
    assert parsed["EndTime"] == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_errors_with_query_compatible_codes() -> None:
    error = ServiceError("Alarm a not found", code="ResourceNotFound", status=404)
    resp = cbor.serialize_error(model(), error, "rid", op("DescribeAlarms"))
    assert resp.status == 404
    assert resp.get_header("smithy-protocol") == "rpc-v2-cbor"
    body = cbor2.loads(resp.body)
    assert body["__type"] == "ResourceNotFound"
    assert resp.get_header("x-amzn-query-error") == "ResourceNotFound;Sender"
    parsed = parse_response(op("DescribeAlarms"), resp)
    assert parsed["Error"]["Code"] == "ResourceNotFound"
    assert parsed["Error"]["Message"] == "Alarm a not found"
    assert parsed["ResponseMetadata"]["RequestId"] == "rid"


def test_error_named_by_shape_sends_its_query_code() -> None:
    error = ServiceError("bad dashboard", code="DashboardInvalidInputError",
                         fields={"dashboardValidationMessages": [{"DataPath": "/w", "Message": "no"}]})
    resp = cbor.serialize_error(model(), error, "rid")
    assert resp.get_header("x-amzn-query-error") == "InvalidParameterInput;Sender"
    assert cbor2.loads(resp.body)["dashboardValidationMessages"] == [{"DataPath": "/w", "Message": "no"}]
    parsed = parse_response(op("PutDashboard"), resp)
    assert parsed["Error"]["Code"] == "InvalidParameterInput"
    assert parsed["Error"]["QueryErrorCode"] == "DashboardInvalidInputError"


def test_server_faults_are_receiver_faults() -> None:
    resp = cbor.serialize_error(model(), ServiceError("down", code="InternalServiceError", status=500), "rid")
    assert resp.status == 500
    assert cbor2.loads(resp.body)["__type"] == "InternalServiceFault"
    assert resp.get_header("x-amzn-query-error") == "InternalServiceError;Receiver"
