"""The EC2 protocol against botocore: queryName/capitalised keys and ``Name.N`` lists on input,
unwrapped ``<OpResponse>`` with ``item`` lists on output, ``<Response><Errors>`` errors."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from fogbank.errors import BadRequest, ServiceError
from fogbank.protocol import ec2
from fogbank.protocol.base import HttpRequest, HttpResponse


@lru_cache(maxsize=1)
def model() -> ServiceModel:
    return ServiceModel(Loader().load_service_model("ec2", "service-2"), service_name="ec2")


def op(name: str) -> OperationModel:
    return model().operation_model(name)


def http_request(operation: OperationModel, params: dict[str, Any]) -> HttpRequest:
    r = create_serializer("ec2").serialize_to_request(params, operation)
    return HttpRequest(method=r["method"], path=r["url_path"], body=urlencode(r["body"]).encode(),
                       headers={k.lower(): v for k, v in r["headers"].items()})


def parse(operation: OperationModel | None, resp: HttpResponse) -> dict[str, Any]:
    return create_parser("ec2").parse(
        {"status_code": resp.status, "headers": dict(resp.headers), "body": resp.body},
        operation.output_shape if operation else None,
    )


T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("RunInstances", {
            "ImageId": "ami-1", "MinCount": 1, "MaxCount": 2, "InstanceType": "t3.micro",
            "SecurityGroupIds": ["sg-1", "sg-2"], "DryRun": False, "UserData": "IyEvYmluL3No",
            "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8, "DeleteOnTermination": True}}],
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}]}),
        ("DescribeInstances", {"InstanceIds": ["i-1"], "Filters": [{"Name": "tag:Name", "Values": ["a", "b"]}],
                               "MaxResults": 5}),
        ("CreateVpc", {"CidrBlock": "10.0.0.0/16", "AmazonProvidedIpv6CidrBlock": True}),
        ("DescribeSpotPriceHistory", {"StartTime": T0, "InstanceTypes": ["t3.micro"]}),
        ("ImportKeyPair", {"KeyName": "k", "PublicKeyMaterial": b"ssh-rsa AAAA"}),
    ],
)
def test_botocore_input_reads_back(operation: str, params: dict[str, Any]) -> None:
    o = op(operation)
    assert ec2.parse_request(o, http_request(o, params), {}) == params


def test_wire_names_are_ec2_style() -> None:
    o = op("RunInstances")
    req = http_request(o, {"ImageId": "a", "MinCount": 1, "MaxCount": 1, "SecurityGroupIds": ["sg-1"],
                           "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}]})
    assert b"SecurityGroupId.1=sg-1" in req.body
    assert b"TagSpecification.1.Tag.1.Key=k" in req.body
    got = ec2.parse_request(o, HttpRequest("POST", "/", body=b"ImageId=a&MinCount=1&MaxCount=1&SecurityGroupId.2=y"
                                                              b"&SecurityGroupId.1=x"), {})
    assert got["SecurityGroupIds"] == ["x", "y"]


@pytest.mark.parametrize("body", [b"MinCount=one", b"DryRun=yes", b"MinCount=1&ImageId=%C3%28"])
def test_bad_input_is_invalid_parameter_value(body: bytes) -> None:
    with pytest.raises(BadRequest) as info:
        ec2.parse_request(op("RunInstances"), HttpRequest("POST", "/", body=body), {})
    assert (info.value.code, info.value.status) in (("InvalidParameterValue", 400), ("MalformedQueryString", 404))


def test_type_errors_say_invalid_parameter_value() -> None:
    with pytest.raises(BadRequest) as info:
        ec2.parse_request(op("RunInstances"), HttpRequest("POST", "/", body=b"MaxCount=x"), {})
    assert info.value.code == "InvalidParameterValue"


@pytest.mark.parametrize(
    ("operation", "output"),
    [
        ("DescribeInstances", {"Reservations": [{
            "ReservationId": "r-1", "OwnerId": "000000000000",
            "Instances": [{"InstanceId": "i-1", "LaunchTime": T0, "State": {"Code": 16, "Name": "running"},
                           "Tags": [{"Key": "Name", "Value": "<web>"}], "EbsOptimized": False,
                           "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "default"}]}]}],
            "NextToken": "t"}),
        ("CreateVpc", {"Vpc": {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "IsDefault": False}}),
        ("DeleteVpc", {}),
        ("DescribeTags", {"Tags": []}),
        ("DeleteKeyPair", {"Return": True, "KeyPairId": "key-1"}),
    ],
)
def test_output_parses_back_in_botocore(operation: str, output: dict[str, Any]) -> None:
    o = op(operation)
    parsed = parse(o, ec2.serialize_response(o, output, "rid"))
    assert parsed.pop("ResponseMetadata")["RequestId"] == "rid"
    assert parsed == output


def test_response_envelope() -> None:
    body = ec2.serialize_response(op("DescribeTags"), {"Tags": [{"Key": "k", "Value": "v", "ResourceId": "i"}]},
                                  "rid").body.decode()
    assert body.startswith('<DescribeTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                           "<requestId>rid</requestId><tagSet><item>")
    body = ec2.serialize_response(op("DescribeInstances"), {"Reservations": [{"Instances": [
        {"InstanceId": "i", "LaunchTime": T0}]}]}, "r").body.decode()
    assert "<launchTime>2024-01-02T03:04:05.000Z</launchTime>" in body


def test_error_response() -> None:
    err = ServiceError("The instance ID 'i-1' does not exist", code="InvalidInstanceID.NotFound")
    resp = ec2.serialize_error(model(), err, "rid-2", op("DescribeInstances"))
    parsed = parse(op("DescribeInstances"), resp)
    assert resp.status == 400
    assert parsed["Error"] == {"Code": "InvalidInstanceID.NotFound",
                               "Message": "The instance ID 'i-1' does not exist"}
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-2"
    assert b"<Response><Errors><Error>" in resp.body
