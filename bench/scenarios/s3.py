"""S3 scenarios: writing and reading small (1 KiB) objects."""

from __future__ import annotations

from typing import Any

from bench.scenarios.base import Scenario, WrongAnswer, unique_name

BODY = b"x" * 1024
SEEDED = 20


def _create_bucket(client: Any) -> str:
    bucket = unique_name("bench")
    client.create_bucket(Bucket=bucket)
    return bucket


def _bucket_with_objects(client: Any) -> str:
    bucket = _create_bucket(client)
    for n in range(SEEDED):
        client.put_object(Bucket=bucket, Key=f"k{n}", Body=BODY)
    return bucket


def _put_object(client: Any, bucket: str, i: int) -> None:
    client.put_object(Bucket=bucket, Key=f"k{i}", Body=BODY)


def _get_object(client: Any, bucket: str, i: int) -> None:
    if client.get_object(Bucket=bucket, Key=f"k{i % SEEDED}")["Body"].read() != BODY:
        raise WrongAnswer("GetObject returned other bytes than were put")


SCENARIOS = (
    Scenario("s3.put_object", "s3", _create_bucket, _put_object),
    Scenario("s3.get_object", "s3", _bucket_with_objects, _get_object),
)
