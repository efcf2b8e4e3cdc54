"""DynamoDB (and DynamoDB Streams, whose actions are ``dynamodb:*`` too): table, index and stream
ARNs; batch and transaction calls ask once per table (transactions once per item's own action);
``dynamodb:LeadingKeys``, ``dynamodb:Attributes``, ``dynamodb:Select`` and ``dynamodb:ReturnValues``."""

from __future__ import annotations

import re
from typing import Any

from fogbank.auth.actions import Table, Target, arn, request_tags
from fogbank.context import Ctx

_TRANSACT = {"Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem", "Delete": "dynamodb:DeleteItem",
             "ConditionCheck": "dynamodb:ConditionCheckItem", "Get": "dynamodb:GetItem"}


def table_arn(ctx: Ctx, name: str) -> str:
    """The ARN of a table given by name or ARN."""
    return name if name.startswith("arn:") else arn("dynamodb", ctx.region, ctx.account, f"table/{name}")


def _table(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    resource = table_arn(ctx, value)
    if request.get("IndexName"):
        resource += f"/index/{request['IndexName']}"
    return [(resource, None, None)]


def _each_table(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(table_arn(ctx, name), None, None) for name in value]


def _as_is(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    return [(value, None, None)]


def _transact(ctx: Ctx, request: dict[str, Any]) -> list[Target]:
    out = []
    for item in request.get("TransactItems") or []:
        for kind, body in item.items():
            out.append(Target(_TRANSACT.get(kind, f"dynamodb:{kind}"), table_arn(ctx, body.get("TableName", "")),
                              context=_leading(body.get("Key") or body.get("Item"))))
    return out


_PARTIQL_TABLE = re.compile(r'(?:\bfrom|\binto|^\s*update)\s+"?([A-Za-z0-9_.-]+)"?', re.IGNORECASE)


def _statement(ctx: Ctx, text: str) -> Target:
    """A PartiQL statement is authorised as ``dynamodb:PartiQL<Verb>`` on the table it names."""
    verb = (text.strip().split(None, 1) or ["select"])[0].capitalize()
    found = _PARTIQL_TABLE.search(text)
    table = found.group(1) if found else "*"
    return Target(f"dynamodb:PartiQL{verb}", table_arn(ctx, table))


def _partiql(ctx: Ctx, request: dict[str, Any]) -> list[Target]:
    if "Statement" in request:
        return [_statement(ctx, request["Statement"])]
    items = request.get("Statements") or request.get("TransactStatements") or []
    return [_statement(ctx, item.get("Statement", "")) for item in items]


def _scalar(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        inner = next(iter(value.values()))
        if isinstance(inner, str | int | float):
            return str(inner)
        if isinstance(inner, bytes):
            return inner.decode("latin-1")
    return None


def _leading(key: Any) -> dict[str, Any]:
    # The partition key is the first attribute of a Key as boto3 sends it (hash key first).
    if isinstance(key, dict) and key:
        value = _scalar(next(iter(key.values())))
        if value is not None:
            return {"dynamodb:LeadingKeys": [value]}
    return {}


def _context(ctx: Ctx, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        out.update(_leading(request.get("Key")))
    elif operation == "PutItem":
        out.update(_leading(request.get("Item")))
    if request.get("AttributesToGet"):
        out["dynamodb:Attributes"] = list(request["AttributesToGet"])
    for member, key in (("Select", "dynamodb:Select"), ("ReturnValues", "dynamodb:ReturnValues"),
                        ("ReturnConsumedCapacity", "dynamodb:ReturnConsumedCapacity")):
        if request.get(member):
            out[key] = request[member]
    out.update(request_tags(request))
    return out


_MEMBERS = (("TableName", _table), ("RequestItems", _each_table), ("StreamArn", _as_is), ("ResourceArn", _as_is),
            ("BackupArn", _as_is), ("GlobalTableName", _table), ("TableArn", _as_is), ("ShardIterator", None),
            ("SourceTableArn", _as_is), ("SourceTableName", _table))


def _iterator(ctx: Ctx, value: Any, request: dict[str, Any]) -> list[tuple[str, str | None, tuple[str, str] | None]]:
    # A shard iterator carries its stream; fogbank's are opaque, so GetRecords is asked on the table's streams.
    return [(arn("dynamodb", ctx.region, ctx.account, "table/*/stream/*"), None, None)]


TABLES = {
    "dynamodb": Table(prefix="dynamodb", members=tuple((n, b) for n, b in _MEMBERS if b is not None),
                      special={"TransactWriteItems": _transact, "TransactGetItems": _transact,
                               "ExecuteStatement": _partiql, "BatchExecuteStatement": _partiql,
                               "ExecuteTransaction": _partiql},
                      filters=frozenset({"ExclusiveStartTableName", "TimeRangeLowerBound", "TimeRangeUpperBound",
                                         "BackupType"}),
                      context=_context),
    "dynamodbstreams": Table(prefix="dynamodb", members=(("StreamArn", _as_is), ("ShardIterator", _iterator),
                                                         ("TableName", _table)),
                             filters=frozenset({"ExclusiveStartStreamArn"})),
}
