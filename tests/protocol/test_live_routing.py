"""Routing through a live server with boto3: S3's addressing styles, and honest answers for
operations that have no provider (501 NotImplemented, parsed by each protocol family's client)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError


def s3_at(fogbank: Any, endpoint: str, style: str) -> Any:
    """An S3 client that believes it talks to ``endpoint`` (its Host header says so) while its
    connections go to fogbank: ``*.localhost`` names need no resolver this way."""
    port = urlsplit(fogbank.endpoint).port
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test", config=BotoConfig(s3={"addressing_style": style},
                                                                          retries={"max_attempts": 1}))

    def pin(request: Any, **_: Any) -> None:
        url = urlsplit(request.url)
        request.headers["Host"] = url.netloc
        request.url = urlunsplit(url._replace(netloc=f"127.0.0.1:{port}"))

    client.meta.events.register("before-send", pin)
    return client


@pytest.mark.parametrize(("host", "style"), [
    ("s3.localhost", "virtual"),          # bucket.s3.localhost
    ("s3.localhost", "path"),             # s3.localhost/bucket: the endpoint name is no bucket
    ("localhost", "virtual"),             # bucket.localhost
    ("s3.eu-west-1.localhost", "virtual"),  # bucket.s3.eu-west-1.localhost
    ("s3.eu-west-1.localhost", "path"),     # s3.eu-west-1.localhost/bucket
])
def test_s3_addressing_styles(fogbank, aws, host: str, style: str) -> None:
    s3 = s3_at(fogbank, f"http://{host}:4566", style)
    s3.create_bucket(Bucket="styled")
    s3.put_object(Bucket="styled", Key="a/b.txt", Body=b"hello")
    assert s3.get_object(Bucket="styled", Key="a/b.txt")["Body"].read() == b"hello"
    # the same bucket, seen path style on the plain endpoint
    assert [o["Key"] for o in aws("s3").list_objects_v2(Bucket="styled")["Contents"]] == ["a/b.txt"]
    assert [b["Name"] for b in aws("s3").list_buckets()["Buckets"]] == ["styled"]


# one service without a provider per protocol family
UNIMPLEMENTED = [
    ("elasticache", "describe_cache_clusters", {}, "elasticache.DescribeCacheClusters"),  # query
    ("ec2", "describe_instances", {}, "ec2.DescribeInstances"),  # ec2
    ("cloudformation", "list_stacks", {}, "cloudformation.ListStacks"),  # query
    ("firehose", "list_delivery_streams", {}, "firehose.ListDeliveryStreams"),  # json 1.1
    ("ecs", "list_clusters", {}, "ecs.ListClusters"),  # json 1.1
    ("apigatewayv2", "get_apis", {}, "apigatewayv2.GetApis"),  # rest-json
    ("xray", "get_sampling_rules", {}, "xray.GetSamplingRules"),  # rest-json
]


@pytest.mark.parametrize(("service", "method", "params", "named"), UNIMPLEMENTED, ids=[u[3] for u in UNIMPLEMENTED])
def test_an_operation_without_provider_is_501_not_implemented(aws, service: str, method: str, params: dict,
                                                              named: str) -> None:
    with pytest.raises(ClientError) as info:
        getattr(aws(service), method)(**params)
    err = info.value.response
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert err["Error"]["Code"] == "NotImplemented"
    assert named in err["Error"]["Message"]
    assert err["ResponseMetadata"]["RequestId"]
