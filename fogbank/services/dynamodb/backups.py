"""On-demand backups and point-in-time recovery (PITR).

A backup is a copy of a table's record and of its item documents, taken in one read of the
store; restoring writes them into a new table and rebuilds its index entries. With PITR on,
the write path keeps, for each change, the item as it was just before (``writes._remember``):
the table as of time T is then, for every item changed after T, the version kept with its
first change after T, and for every other item, the item as it is now.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb import tables
from fogbank.services.dynamodb.errors import (
    BackupNotFoundException,
    InvalidRestoreTimeException,
    LimitExceededException,
    PointInTimeRecoveryUnavailableException,
    TableAlreadyExistsException,
    invalid_parameters,
)
from fogbank.services.dynamodb.expressions import item_size
from fogbank.services.dynamodb.schema import Table

#: PITR keeps this many days unless RecoveryPeriodInDays says otherwise
DEFAULT_RECOVERY_DAYS = 35
BATCH = 1000


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


# --- on-demand backups ----------------------------------------------------------------------


def create(ctx: Ctx, table: Table, name: str) -> dict[str, Any]:
    """Copy ``table`` into a new backup named ``name``; the backup's record."""
    now = ctx.clock.now()
    backup_id = f"{int(now * 1000):014d}-{secrets.token_hex(4)}"
    a, r = ctx.account, ctx.region
    source_arn = tables.table_arn(ctx, table.name)
    prefix = keys.items_prefix(a, r, table.name)
    target = keys.backup_items_prefix(a, r, backup_id)
    count = size = 0
    with ctx.store.transaction() as txn:
        for store_key, raw in txn.scan(prefix=prefix):
            txn.put(target + store_key[len(prefix):], raw)
            count += 1
            size += int(raw[: raw.index(b" ")])
        record = {
            "id": backup_id,
            "arn": f"{source_arn}/backup/{backup_id}",
            "name": name,
            "created": now,
            "count": count,
            "size": size,
            "table": table.record,
            "table_arn": source_arn,
        }
        txn.put(keys.backup_key(a, r, backup_id), keys.dump(record))
    return record


def find(ctx: Ctx, arn: str) -> dict[str, Any]:
    """The backup record of ``arn`` in the caller's account and region, or BackupNotFoundException."""
    backup_id = arn.rsplit("/", 1)[-1]
    raw = ctx.store.get(keys.backup_key(ctx.account, ctx.region, backup_id))
    record = keys.load(raw) if raw is not None else None
    if record is None or record["arn"] != arn:
        raise BackupNotFoundException(f"Backup not found: {arn}")
    return record


def delete(ctx: Ctx, record: dict[str, Any]) -> None:
    """Remove a backup and the items it holds."""
    with ctx.store.transaction() as txn:
        txn.delete(keys.backup_key(ctx.account, ctx.region, record["id"]))
        txn.delete_prefix(keys.backup_items_prefix(ctx.account, ctx.region, record["id"]))


def every(ctx: Ctx) -> list[dict[str, Any]]:
    """Every backup record of the caller's account and region, oldest first."""
    found = [keys.load(raw) for _, raw in ctx.store.scan(prefix=keys.backups_prefix(ctx.account, ctx.region))]
    return sorted(found, key=lambda b: (b["created"], b["id"]))


def details(record: dict[str, Any], status: str = "AVAILABLE") -> dict[str, Any]:
    """A backup's BackupDetails."""
    return {
        "BackupArn": record["arn"],
        "BackupName": record["name"],
        "BackupSizeBytes": record["size"],
        "BackupStatus": status,
        "BackupType": "USER",
        "BackupCreationDateTime": _stamp(record["created"]),
    }


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """A backup's entry in ListBackups."""
    table = record["table"]
    out = {"TableName": table["name"], "TableId": table["id"], "TableArn": record["table_arn"]}
    out.update(details(record))
    return out


def description(record: dict[str, Any], status: str = "AVAILABLE") -> dict[str, Any]:
    """A backup's BackupDescription: the backup, its source table and the table's features."""
    table = record["table"]
    source: dict[str, Any] = {
        "TableName": table["name"],
        "TableId": table["id"],
        "TableArn": record["table_arn"],
        "TableSizeBytes": record["size"],
        "KeySchema": table["key_schema"],
        "TableCreationDateTime": _stamp(table["created"]),
        "ProvisionedThroughput": {"ReadCapacityUnits": table["rcu"], "WriteCapacityUnits": table["wcu"]},
        "ItemCount": record["count"],
        "BillingMode": table["billing"],
    }
    features: dict[str, Any] = {}
    if table.get("lsis"):
        features["LocalSecondaryIndexes"] = [
            {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]} for i in table["lsis"]
        ]
    if table.get("gsis"):
        features["GlobalSecondaryIndexes"] = [
            {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"],
             "ProvisionedThroughput": {"ReadCapacityUnits": i["rcu"], "WriteCapacityUnits": i["wcu"]}}
            for i in table["gsis"]
        ]
    if table.get("stream"):
        features["StreamDescription"] = {"StreamEnabled": bool(table["stream"].get("enabled")),
                                         "StreamViewType": table["stream"]["view"]}
    ttl = table.get("ttl")
    if ttl and ttl.get("enabled"):
        features["TimeToLiveDescription"] = {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl["attr"]}
    out: dict[str, Any] = {"BackupDetails": details(record, status), "SourceTableDetails": source}
    if features:
        out["SourceTableFeatureDetails"] = features
    return out


# --- restores -------------------------------------------------------------------------------


def restored_record(ctx: Ctx, source: dict[str, Any], target: str, request: dict[str, Any],
                    restore: dict[str, Any]) -> dict[str, Any]:
    """The record of a table restored from ``source`` (a table record) with the request's
    overrides. Like AWS, a restore keeps keys, indexes and billing, and leaves streams, TTL,
    tags and deletion protection off."""
    now = ctx.clock.now()
    record = dict(source)
    record.update(name=target, id=str(uuid.uuid4()), created=now, stream=None, streams=[], ttl=None, tags={},
                  deletion_protection=False, restore=restore, pitr=None, decreases=0, increased=None, decreased=None)
    billing = request.get("BillingModeOverride") or record["billing"]
    throughput = request.get("ProvisionedThroughputOverride")
    if billing != record["billing"]:
        record["billing"] = billing
        record["billing_changed"] = now if billing == "PAY_PER_REQUEST" else None
    if billing == "PAY_PER_REQUEST":
        if throughput:
            raise invalid_parameters("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
        record["rcu"] = record["wcu"] = 0
    elif throughput:
        record["rcu"], record["wcu"] = throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]
    elif not record["rcu"]:
        raise invalid_parameters("ProvisionedThroughputOverride must be specified when BillingMode is PROVISIONED")
    defined = {a["AttributeName"]: a["AttributeType"] for a in record["attrs"]}
    if request.get("LocalSecondaryIndexOverride") is not None:
        wanted = {i["IndexName"] for i in request["LocalSecondaryIndexOverride"]}
        record["lsis"] = [i for i in record["lsis"] if i["IndexName"] in wanted]
        unknown = wanted - {i["IndexName"] for i in record["lsis"]}
        if unknown:
            raise invalid_parameters(f"LocalSecondaryIndexOverride names indexes the source does not have: {', '.join(sorted(unknown))}")
    if request.get("GlobalSecondaryIndexOverride") is not None:
        seen = {i["IndexName"] for i in record["lsis"]}
        gsis = []
        for gsi in request["GlobalSecondaryIndexOverride"]:
            undefined = [k["AttributeName"] for k in gsi["KeySchema"] if k["AttributeName"] not in defined]
            if undefined:
                raise invalid_parameters(
                    "Some index key attributes are not defined in AttributeDefinitions. "
                    f"Keys: [{', '.join(undefined)}], AttributeDefinitions: [{', '.join(defined)}]"
                )
            gsis.append(tables.new_gsi(gsi, billing, defined, seen, now))
        record["gsis"] = gsis
    elif billing == "PAY_PER_REQUEST":
        record["gsis"] = [dict(g, rcu=0, wcu=0) for g in record["gsis"]]
    return record


def check_target(ctx: Ctx, registry: tables.Registry, target: str) -> None:
    """Refuse a restore into an existing table, or past the account's table limit."""
    if registry.find(ctx, target) is not None:
        raise TableAlreadyExistsException(f"Table already exists: {target}")
    if len(registry.names(ctx)) >= tables.MAX_TABLES:
        raise LimitExceededException(f"Subscriber limit exceeded: Number of tables exceeds the limit of {tables.MAX_TABLES}")


def write_table(ctx: Ctx, registry: tables.Registry, record: dict[str, Any],
                documents: Any) -> Table:
    """Write ``documents`` ((key, item document) pairs) as the new table's items with their
    index entries, then its record, so the table appears once it is whole."""
    table = Table(record)
    a, r, name = ctx.account, ctx.region, record["name"]
    prefix = keys.items_prefix(a, r, name)
    batch: list[tuple[tuple, bytes]] = []
    for key, raw in documents:
        batch.append((prefix + key, raw))
        if table.indexes:
            item = keys.load_item(raw)
            for index in table.indexes.values():
                if index.holds(item):
                    entry = index.project(item)
                    batch.append((keys.index_prefix(a, r, name, index.name) + table.index_entry_key(index, item, key),
                                  keys.dump_item(entry, item_size(entry))))
        if len(batch) >= BATCH:
            _put_all(ctx, batch)
    _put_all(ctx, batch)
    with ctx.store.transaction() as txn:
        if registry.find(ctx, name) is not None:
            raise TableAlreadyExistsException(f"Table already exists: {name}")
        return registry.save(ctx, record, txn)


def _put_all(ctx: Ctx, batch: list[tuple[tuple, bytes]]) -> None:
    if batch:
        with ctx.store.transaction() as txn:
            for k, v in batch:
                txn.put(k, v)
        batch.clear()


def backup_documents(ctx: Ctx, record: dict[str, Any]) -> Any:
    """(key, item document) of every item a backup holds."""
    prefix = keys.backup_items_prefix(ctx.account, ctx.region, record["id"])
    for store_key, raw in ctx.store.scan(prefix=prefix):
        yield store_key[len(prefix):], raw


# --- point-in-time recovery -----------------------------------------------------------------


def pitr_description(ctx: Ctx, table: Table) -> dict[str, Any]:
    """The table's ContinuousBackupsDescription."""
    pitr = table.record.get("pitr")
    if not pitr:
        point: dict[str, Any] = {"PointInTimeRecoveryStatus": "DISABLED"}
    else:
        earliest, latest = window(ctx, pitr)
        point = {"PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": pitr["days"],
                 "EarliestRestorableDateTime": _stamp(earliest), "LatestRestorableDateTime": _stamp(latest)}
    return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": point}


def window(ctx: Ctx, pitr: dict[str, Any]) -> tuple[float, float]:
    """The (earliest, latest) restorable times of a table with PITR on."""
    now = ctx.clock.now()
    return max(pitr["since"], now - pitr["days"] * 86400), now


def restore_time(ctx: Ctx, table: Table, request: dict[str, Any]) -> float:
    """The instant a RestoreTableToPointInTime asks for, checked against the window."""
    pitr = table.record.get("pitr")
    if not pitr:
        raise PointInTimeRecoveryUnavailableException(f"Point in time recovery is not enabled for table '{table.name}'")
    earliest, latest = window(ctx, pitr)
    if request.get("UseLatestRestorableTime"):
        if request.get("RestoreDateTime") is not None:
            raise invalid_parameters("Only one of RestoreDateTime or UseLatestRestorableTime can be specified")
        return latest
    when = request.get("RestoreDateTime")
    if when is None:
        raise invalid_parameters("Either RestoreDateTime or UseLatestRestorableTime must be specified")
    seconds = when.timestamp()
    if not earliest <= seconds <= latest:
        raise InvalidRestoreTimeException(
            f"Invalid restore time: {_stamp(seconds).isoformat()}. It must be between "
            f"{_stamp(earliest).isoformat()} and {_stamp(latest).isoformat()}"
        )
    return seconds


def documents_at(ctx: Ctx, table: Table, when: float) -> Any:
    """(key, item document) of every item the table held at ``when``."""
    a, r = ctx.account, ctx.region
    history = keys.pitr_prefix(a, r, table.name)
    cut = int(when * 1_000_000)
    earlier: dict[tuple, bytes] = {}  # items changed after ``when``: their version at ``when``
    for store_key, raw in ctx.store.scan(prefix=history):
        key, micros = store_key[len(history):-1], store_key[-1]
        if micros > cut and key not in earlier:
            earlier[key] = raw
    prefix = keys.items_prefix(a, r, table.name)
    for store_key, raw in ctx.store.scan(prefix=prefix):
        key = store_key[len(prefix):]
        if key not in earlier:
            yield key, raw
    for key, raw in earlier.items():
        if raw:
            yield key, raw
