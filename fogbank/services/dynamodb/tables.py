"""Tables: the registry of table records (cached, written through), CreateTable's checks and
the TableDescription that Describe/Create/Update/Delete answer with.

Status: a table is ACTIVE as soon as it is created (CreateTable's own answer says CREATING, as
AWS's does; the next DescribeTable says ACTIVE), and an added GSI is backfilled within the
UpdateTable call (its answer says CREATING, the next Describe ACTIVE). DeleteTable answers
DELETING and the table is gone at once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb.errors import (
    LimitExceededException,
    invalid_parameters,
    table_not_found,
    validation,
)
from fogbank.services.dynamodb.schema import Table

MAX_GSIS = 20
MAX_LSIS = 5
MAX_TABLES = 2500
MAX_PROJECTED = 100
#: Beyond this many items DescribeTable estimates TableSizeBytes from a sample (AWS itself
#: refreshes these figures only every six hours).
EXACT_SIZE_LIMIT = 20000


def table_arn(ctx: Ctx, name: str) -> str:
    """A table's ARN."""
    return f"arn:aws:dynamodb:{ctx.region}:{ctx.account}:table/{name}"


def stream_arn(ctx: Ctx, name: str, label: str) -> str:
    """A table stream's ARN."""
    return f"{table_arn(ctx, name)}/stream/{label}"


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class Registry:
    """Table records by (account, region, name), cached in memory and written through."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], Table | None] = {}

    def clear(self) -> None:
        """Forget the cache (after a reset)."""
        self._cache.clear()

    def find(self, ctx: Ctx, name: str) -> Table | None:
        """The table, or None."""
        cache_key = (ctx.account, ctx.region, name)
        if cache_key in self._cache:
            return self._cache[cache_key]
        raw = ctx.store.get(keys.table_key(ctx.account, ctx.region, name))
        table = Table(keys.load(raw)) if raw is not None else None
        self._cache[cache_key] = table
        return table

    @staticmethod
    def read(ctx: Ctx, name: str) -> Table | None:
        """The table as stored now, bypassing the cache (for readers outside the provider)."""
        raw = ctx.store.get(keys.table_key(ctx.account, ctx.region, name))
        return Table(keys.load(raw)) if raw is not None else None

    def get(self, ctx: Ctx, name: str, control: bool = False) -> Table:
        """The table, or ResourceNotFoundException (named for control-plane calls)."""
        table = self.find(ctx, name)
        if table is None:
            raise table_not_found(name if control else None)
        return table

    def save(self, ctx: Ctx, record: dict[str, Any], txn: Any = None) -> Table:
        """Write a table record (inside ``txn`` when given) and refresh the cache."""
        (txn or ctx.store).put(keys.table_key(ctx.account, ctx.region, record["name"]), keys.dump(record))
        table = Table(record)
        self._cache[(ctx.account, ctx.region, record["name"])] = table
        return table

    def drop(self, ctx: Ctx, name: str) -> None:
        """Remove a table record and everything stored under the table."""
        a, r = ctx.account, ctx.region
        with ctx.store.transaction() as txn:
            txn.delete(keys.table_key(a, r, name))
            txn.delete_prefix(keys.items_prefix(a, r, name))
            txn.delete_prefix((keys.SERVICE, a, r, "index", name))
            txn.delete_prefix(keys.ttl_prefix(a, r, name))
            # the Streams API finds a stream through its table, so its records go with it
            txn.delete_prefix(keys.stream_prefix(a, r, name))
            txn.delete_prefix(keys.pitr_prefix(a, r, name))
        self._cache[(a, r, name)] = None

    def names(self, ctx: Ctx) -> list[str]:
        """Every table name of the caller's account and region, in order."""
        prefix = keys.tables_prefix(ctx.account, ctx.region)
        return [key[len(prefix)] for key, _ in ctx.store.scan(prefix=prefix)]


# --- CreateTable's checks ---------------------------------------------------------------------


def _check_key_schema(schema: list[dict[str, str]], where: str = "") -> None:
    if not schema or len(schema) > 2:
        raise validation(f"1 validation error detected: Value '{schema}' at '{where or 'keySchema'}' failed to satisfy constraint: Member must have length less than or equal to 2")
    if schema[0]["KeyType"] != "HASH":
        raise invalid_parameters("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2:
        if schema[1]["KeyType"] != "RANGE":
            raise invalid_parameters("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        if schema[0]["AttributeName"] == schema[1]["AttributeName"]:
            raise invalid_parameters("Both the Hash Key and the Range Key element in the KeySchema have the same name")


def _check_projection(projection: dict[str, Any], index: str) -> dict[str, Any]:
    kind = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if kind is None:
        raise invalid_parameters(f"Unknown ProjectionType: null for index: {index}")
    if kind != "INCLUDE" and non_key:
        raise invalid_parameters(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if kind == "INCLUDE" and not non_key:
        raise invalid_parameters("NonKeyAttributes must not be empty")
    out: dict[str, Any] = {"ProjectionType": kind}
    if non_key:
        out["NonKeyAttributes"] = list(non_key)
    return out


def _throughput(given: dict[str, Any] | None, billing: str, index: str | None = None) -> tuple[int, int]:
    if billing == "PAY_PER_REQUEST":
        if given and (given.get("ReadCapacityUnits") or given.get("WriteCapacityUnits")):
            raise invalid_parameters(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        return 0, 0
    if not given:
        if index is not None:
            raise invalid_parameters(f"ProvisionedThroughput must be specified for index: {index}")
        raise invalid_parameters(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    rcu, wcu = given.get("ReadCapacityUnits", 0), given.get("WriteCapacityUnits", 0)
    if rcu < 1 or wcu < 1:
        raise validation("One or more parameter values were invalid: Provisioned throughput must be greater than 0")
    return rcu, wcu


def new_record(ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
    """A table record from a CreateTable request, after every check CreateTable makes."""
    name = request["TableName"]
    schema = [dict(k) for k in request["KeySchema"]]
    _check_key_schema(schema)
    attrs = [dict(a) for a in request.get("AttributeDefinitions") or []]
    defined = {a["AttributeName"]: a["AttributeType"] for a in attrs}
    if len(defined) != len(attrs):
        raise invalid_parameters("Duplicate AttributeName in AttributeDefinitions")
    billing = request.get("BillingMode") or "PROVISIONED"
    rcu, wcu = _throughput(request.get("ProvisionedThroughput"), billing)
    used = {k["AttributeName"] for k in schema}
    missing = [k["AttributeName"] for k in schema if k["AttributeName"] not in defined]
    table_hash = schema[0]["AttributeName"]
    seen: set[str] = set()
    lsis = []
    lsi_input = request.get("LocalSecondaryIndexes")
    if lsi_input is not None and not lsi_input:
        raise invalid_parameters("List of LocalSecondaryIndexes is empty")
    for lsi in lsi_input or []:
        iname = lsi["IndexName"]
        ks = [dict(k) for k in lsi["KeySchema"]]
        _check_key_schema(ks)
        if len(schema) < 2:
            raise invalid_parameters(
                "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
            )
        if len(ks) < 2:
            raise invalid_parameters(f"Index KeySchema does not have a range key for index: {iname}")
        if ks[0]["AttributeName"] != table_hash:
            raise invalid_parameters(
                "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                f"{iname}. index hash key: {ks[0]['AttributeName']}, table hash key: {table_hash}"
            )
        if iname in seen:
            raise invalid_parameters(f"Duplicate index name: {iname}")
        seen.add(iname)
        used.update(k["AttributeName"] for k in ks)
        missing += [k["AttributeName"] for k in ks if k["AttributeName"] not in defined]
        lsis.append({"IndexName": iname, "KeySchema": ks, "Projection": _check_projection(lsi["Projection"], iname)})
    if len(lsis) > MAX_LSIS:
        raise LimitExceededException(f"One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}")
    gsis = []
    gsi_input = request.get("GlobalSecondaryIndexes")
    if gsi_input is not None and not gsi_input:
        raise invalid_parameters("List of GlobalSecondaryIndexes is empty")
    for gsi in gsi_input or []:
        gsis.append(new_gsi(gsi, billing, defined, seen, ctx.clock.now()))
        used.update(k["AttributeName"] for k in gsi["KeySchema"])
        missing += [k["AttributeName"] for k in gsi["KeySchema"] if k["AttributeName"] not in defined]
    if len(gsis) > MAX_GSIS:
        raise LimitExceededException(f"Subscriber limit exceeded: The number of global secondary indexes exceeds the limit of {MAX_GSIS}")
    if missing:
        raise invalid_parameters(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(dict.fromkeys(missing))}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if set(defined) != used:
        raise invalid_parameters(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
        )
    now = ctx.clock.now()
    record: dict[str, Any] = {
        "name": name,
        "id": str(uuid.uuid4()),
        "created": now,
        "key_schema": schema,
        "attrs": attrs,
        "billing": billing,
        "billing_changed": now if billing == "PAY_PER_REQUEST" else None,
        "rcu": rcu,
        "wcu": wcu,
        "gsis": gsis,
        "lsis": lsis,
        "stream": None,
        "streams": [],
        "ttl": None,
        "tags": {t["Key"]: t["Value"] for t in request.get("Tags") or []},
        "deletion_protection": bool(request.get("DeletionProtectionEnabled")),
        "table_class": request.get("TableClass") or "STANDARD",
        "sse": request.get("SSESpecification"),
    }
    return record


def new_gsi(gsi: dict[str, Any], billing: str, defined: dict[str, str], seen: set[str], now: float) -> dict[str, Any]:
    """A GSI entry of a table record, after CreateTable's/UpdateTable's checks."""
    iname = gsi["IndexName"]
    ks = [dict(k) for k in gsi["KeySchema"]]
    _check_key_schema(ks)
    if iname in seen:
        raise invalid_parameters(f"Duplicate index name: {iname}")
    seen.add(iname)
    rcu, wcu = _throughput(gsi.get("ProvisionedThroughput"), billing, iname)
    return {
        "IndexName": iname,
        "KeySchema": ks,
        "Projection": _check_projection(gsi["Projection"], iname),
        "rcu": rcu,
        "wcu": wcu,
        "created": now,
    }


# --- descriptions ------------------------------------------------------------------------------


def _stats(ctx: Ctx, prefix: tuple) -> tuple[int, int]:
    count = ctx.store.count(prefix)
    size = 0
    sampled = 0
    for _, raw in ctx.store.scan(prefix=prefix, limit=min(count, EXACT_SIZE_LIMIT)):
        size += int(raw[: raw.index(b" ")])
        sampled += 1
    if sampled and sampled < count:
        size = size * count // sampled
    return count, size


def _throughput_description(record: dict[str, Any], rcu: int, wcu: int) -> dict[str, Any]:
    out: dict[str, Any] = {"NumberOfDecreasesToday": record.get("decreases", 0), "ReadCapacityUnits": rcu, "WriteCapacityUnits": wcu}
    if record.get("increased"):
        out["LastIncreaseDateTime"] = _stamp(record["increased"])
    if record.get("decreased"):
        out["LastDecreaseDateTime"] = _stamp(record["decreased"])
    return out


def describe(ctx: Ctx, table: Table, status: str = "ACTIVE", with_stats: bool = True) -> dict[str, Any]:
    """The TableDescription of a table, as DescribeTable (and friends) answer it."""
    record = table.record
    a, r, name = ctx.account, ctx.region, table.name
    arn = table_arn(ctx, name)
    count, size = _stats(ctx, keys.items_prefix(a, r, name)) if with_stats else (0, 0)
    out: dict[str, Any] = {
        "AttributeDefinitions": record["attrs"],
        "TableName": name,
        "KeySchema": record["key_schema"],
        "TableStatus": status,
        "CreationDateTime": _stamp(record["created"]),
        "ProvisionedThroughput": _throughput_description(record, record["rcu"], record["wcu"]),
        "TableSizeBytes": size,
        "ItemCount": count,
        "TableArn": arn,
        "TableId": record["id"],
        "DeletionProtectionEnabled": record.get("deletion_protection", False),
    }
    if record["billing"] == "PAY_PER_REQUEST" or record.get("billing_changed"):
        out["BillingModeSummary"] = {"BillingMode": record["billing"]}
        if record.get("billing_changed"):
            out["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] = _stamp(record["billing_changed"])
    if record.get("table_class") and record["table_class"] != "STANDARD":
        out["TableClassSummary"] = {"TableClass": record["table_class"]}
    sse = record.get("sse")
    if sse and sse.get("Enabled"):
        out["SSEDescription"] = {
            "Status": "ENABLED",
            "SSEType": sse.get("SSEType", "KMS"),
            "KMSMasterKeyArn": sse.get("KMSMasterKeyId") or f"arn:aws:kms:{r}:{a}:key/aws-dynamodb",
        }
    for kind, field in (("LSI", "LocalSecondaryIndexes"), ("GSI", "GlobalSecondaryIndexes")):
        entries = record["lsis"] if kind == "LSI" else record["gsis"]
        if not entries:
            continue
        described = []
        for entry in entries:
            iname = entry["IndexName"]
            icount, isize = _stats(ctx, keys.index_prefix(a, r, name, iname)) if with_stats else (0, 0)
            one: dict[str, Any] = {
                "IndexName": iname,
                "KeySchema": entry["KeySchema"],
                "Projection": entry["Projection"],
                "IndexSizeBytes": isize,
                "ItemCount": icount,
                "IndexArn": f"{arn}/index/{iname}",
            }
            if kind == "GSI":
                one["IndexStatus"] = entry.get("status", "ACTIVE")
                if entry.get("status") == "CREATING":
                    one["Backfilling"] = False
                one["ProvisionedThroughput"] = _throughput_description({}, entry["rcu"], entry["wcu"])
            described.append(one)
        out[field] = described
    stream = record.get("stream")
    if stream:
        if stream.get("enabled"):
            out["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["view"]}
        out["LatestStreamLabel"] = stream["label"]
        out["LatestStreamArn"] = stream_arn(ctx, name, stream["label"])
    restore = record.get("restore")
    if restore:
        summary: dict[str, Any] = {"SourceTableArn": restore["source"], "RestoreDateTime": _stamp(restore["time"]),
                                   "RestoreInProgress": False}
        if restore.get("backup"):
            summary["SourceBackupArn"] = restore["backup"]
        out["RestoreSummary"] = summary
    return out
