"""Helpers shared by the DynamoDB service tests: table shapes and error assertions."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def make_table(client: Any, name: str = "t", range_type: str | None = "S", **extra: Any) -> dict[str, Any]:
    """Create a table keyed (pk S[, sk range_type]); PAY_PER_REQUEST unless throughput is given."""
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    attrs = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_type:
        schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        attrs.append({"AttributeName": "sk", "AttributeType": range_type})
    attrs += extra.pop("more_attrs", [])
    params: dict[str, Any] = {"TableName": name, "KeySchema": schema, "AttributeDefinitions": attrs}
    if "ProvisionedThroughput" not in extra:
        params["BillingMode"] = "PAY_PER_REQUEST"
    params.update(extra)
    return client.create_table(**params)["TableDescription"]


def error_of(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    """(code, HTTP status, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")


def s(value: str) -> dict[str, str]:
    """A string AttributeValue."""
    return {"S": value}


def n(value: Any) -> dict[str, str]:
    """A number AttributeValue."""
    return {"N": str(value)}
