"""DynamoDB: tables, items, Query/Scan, batches, transactions, TTL, capacity and throttling,
and table streams, on fogbank's ordered store (items by table, partition key, sort key).

Tables are ACTIVE at once (CreateTable's own answer says CREATING, the next DescribeTable says
ACTIVE); added GSIs are backfilled within UpdateTable. Expired TTL items are deleted when the
clock passes their time, by a worker and by any request that touches the table, and written to
the stream as a service deletion.

LIMITATIONS: one shard per stream (no shard rollover); TransactionConflictException never
happens (requests are serialised); ItemCollectionMetrics and the 10 GB item collection limit of
tables with LSIs are not reported; export/import, global tables, Kinesis
streaming destinations, contributor insights and resource policies answer NotImplemented;
backups are USER backups only (no AWS Backup), available at once; point-in-time history is
kept from when PITR is switched on and not trimmed after its recovery period;
PartiQL SELECT with IN or OR on the partition key
scans (AWS runs one Query per value), and a transaction's TransactionInProgressException never
happens; TableSizeBytes is estimated from a sample past 20,000 items.
"""

from __future__ import annotations

import threading
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import backups, batches, tables, transactions, ttl, writes
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb.capacity import Buckets, Consumed, read_units
from fogbank.services.dynamodb.errors import (
    LimitExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
    TableNotFoundException,
    invalid_parameters,
    validation,
)
from fogbank.services.dynamodb.expressions import item_size, legacy, validate_placeholders
from fogbank.services.dynamodb.items import (
    Plan,
    check_key,
    plan_delete,
    plan_put,
    plan_update,
    projection_of,
    returned,
    run,
)
from fogbank.services.dynamodb.partiql import execute as partiql
from fogbank.services.dynamodb.reads import Reader
from fogbank.services.dynamodb.schema import Table
from fogbank.services.dynamodb.streams import Feed, new_label

MAX_TAGS = 50


class Provider:
    """The DynamoDB operations."""

    def __init__(self) -> None:
        self.tables = tables.Registry()
        self.feed = Feed()
        self.buckets = Buckets()
        self.tokens = transactions.Tokens()
        self.expiry = ttl.Sweeper(self.tables, self.feed)
        self._stop = threading.Event()

    def start(self, ctx: Ctx) -> None:
        """Start the TTL worker."""
        self.expiry.start(ctx, self._stop)

    def stop(self) -> None:
        """Stop the TTL worker."""
        self._stop.set()

    def reset(self, ctx: Ctx) -> None:
        """Forget cached tables, sequence numbers and buckets."""
        self.tables.clear()
        self.feed.clear()
        self.buckets.clear()
        self.expiry.clear()

    def _table(self, ctx: Ctx, name: str) -> Table:
        table = self.tables.get(ctx, _name(name))
        if table.ttl_attribute is not None:
            self.expiry.sweep(ctx, table)
        return table

    # --- tables ------------------------------------------------------------------------------

    def create_table(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateTable."""
        record = tables.new_record(ctx, request)
        name = record["name"]
        spec = request.get("StreamSpecification")
        if spec and spec.get("StreamEnabled"):
            record["stream"] = self._new_stream(ctx, spec)
            record["streams"].append(dict(record["stream"]))
        elif spec and spec.get("StreamViewType"):
            raise validation("One or more parameter values were invalid: StreamViewType cannot be specified when StreamEnabled is false")
        with ctx.store.transaction() as txn:
            if self.tables.find(ctx, name) is not None:
                raise ResourceInUseException(f"Table already exists: {name}")
            if len(self.tables.names(ctx)) >= tables.MAX_TABLES:
                raise LimitExceededException(f"Subscriber limit exceeded: Number of tables exceeds the limit of {tables.MAX_TABLES}")
            table = self.tables.save(ctx, record, txn)
        return {"TableDescription": tables.describe(ctx, table, "CREATING", with_stats=False)}

    def _new_stream(self, ctx: Ctx, spec: dict[str, Any]) -> dict[str, Any]:
        view = spec.get("StreamViewType")
        if not view:
            raise validation("One or more parameter values were invalid: StreamViewType must be specified when StreamEnabled is true")
        return {"enabled": True, "view": view, "label": new_label(ctx.clock.now())}

    def describe_table(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeTable."""
        table = self.tables.get(ctx, _name(request["TableName"]), control=True)
        return {"Table": tables.describe(ctx, table)}

    def list_tables(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTables, in name order, up to Limit (default 100) after ExclusiveStartTableName."""
        limit = request.get("Limit") or 100
        start = request.get("ExclusiveStartTableName")
        names = [n for n in self.tables.names(ctx) if start is None or n > start]
        out: dict[str, Any] = {"TableNames": names[:limit]}
        if len(names) > limit:
            out["LastEvaluatedTableName"] = names[limit - 1]
        return out

    def delete_table(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteTable (refused while deletion protection is on)."""
        table = self.tables.get(ctx, _name(request["TableName"]), control=True)
        if table.record.get("deletion_protection"):
            raise validation("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
        description = tables.describe(ctx, table, "DELETING")
        self.tables.drop(ctx, table.name)
        return {"TableDescription": description}

    def update_table(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateTable: billing mode, throughput, GSI create/update/delete, streams, protection."""
        table = self.tables.get(ctx, _name(request["TableName"]), control=True)
        record = dict(table.record)
        record["gsis"] = [dict(g) for g in record["gsis"]]
        changed = False
        now = ctx.clock.now()
        billing = request.get("BillingMode")
        if billing and billing != record["billing"]:
            record["billing"] = billing
            if billing == "PAY_PER_REQUEST":
                record["billing_changed"] = now
                record["rcu"] = record["wcu"] = 0
                for g in record["gsis"]:
                    g["rcu"] = g["wcu"] = 0
            elif not request.get("ProvisionedThroughput"):
                raise invalid_parameters("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
            changed = True
        throughput = request.get("ProvisionedThroughput")
        if throughput:
            if record["billing"] == "PAY_PER_REQUEST":
                raise validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
            rcu, wcu = throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]
            if (rcu, wcu) == (record["rcu"], record["wcu"]) and not billing:
                raise validation(
                    "The provisioned throughput for the table will not change. The requested value equals the current value. "
                    f"Current ReadCapacityUnits provisioned for the table: {rcu}. Requested ReadCapacityUnits: {rcu}. "
                    f"Current WriteCapacityUnits provisioned for the table: {wcu}. Requested WriteCapacityUnits: {wcu}. "
                    "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
                )
            if rcu > record["rcu"] or wcu > record["wcu"]:
                record["increased"] = now
            if rcu < record["rcu"] or wcu < record["wcu"]:
                record["decreased"] = now
                record["decreases"] = record.get("decreases", 0) + 1
            record["rcu"], record["wcu"] = rcu, wcu
            changed = True
        if request.get("AttributeDefinitions"):
            known = {a["AttributeName"]: a for a in record["attrs"]}
            for a in request["AttributeDefinitions"]:
                known.setdefault(a["AttributeName"], dict(a))
            record["attrs"] = list(known.values())
        created: list[str] = []
        for update in request.get("GlobalSecondaryIndexUpdates") or []:
            changed = True
            created += self._gsi_update(ctx, record, update, now)
        if request.get("AttributeDefinitions"):
            used = {k["AttributeName"] for k in record["key_schema"]}
            for ix in record["gsis"] + record["lsis"]:
                used.update(k["AttributeName"] for k in ix["KeySchema"])
            missing = [n for n in used if n not in {a["AttributeName"] for a in record["attrs"]}]
            if missing:
                raise invalid_parameters(f"Some index key attributes are not defined in AttributeDefinitions. Keys: [{', '.join(missing)}]")
            record["attrs"] = [a for a in record["attrs"] if a["AttributeName"] in used]
        spec = request.get("StreamSpecification")
        if spec is not None:
            changed = True
            current = table.stream
            if spec.get("StreamEnabled"):
                if current is not None:
                    raise validation(f"Table already has an enabled stream: {tables.stream_arn(ctx, table.name, current['label'])}")
                record["stream"] = self._new_stream(ctx, spec)
                record["streams"] = list(record.get("streams") or []) + [dict(record["stream"])]
            else:
                if current is None:
                    raise validation("Table already has no stream enabled")
                record["stream"] = dict(current, enabled=False)
                record["streams"] = [dict(s, ended=now) if s["label"] == current["label"] else s for s in record.get("streams") or []]
        if "DeletionProtectionEnabled" in request:
            record["deletion_protection"] = bool(request["DeletionProtectionEnabled"])
            changed = True
        if "TableClass" in request:
            record["table_class"] = request["TableClass"]
            changed = True
        if "SSESpecification" in request:
            record["sse"] = request["SSESpecification"]
            changed = True
        if not changed:
            raise validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
        updated = self.tables.save(ctx, record)
        for name in created:
            writes.backfill(ctx, updated, name)
        description = tables.describe(ctx, updated, "UPDATING")
        for gsi in description.get("GlobalSecondaryIndexes", []):
            if gsi["IndexName"] in created:
                gsi["IndexStatus"] = "CREATING"
                gsi["Backfilling"] = True
        return {"TableDescription": description}

    def _gsi_update(self, ctx: Ctx, record: dict[str, Any], update: dict[str, Any], now: float) -> list[str]:
        a, r = ctx.account, ctx.region
        names = {g["IndexName"] for g in record["gsis"]} | {i["IndexName"] for i in record["lsis"]}
        if "Create" in update:
            spec = update["Create"]
            defined = {x["AttributeName"]: x["AttributeType"] for x in record["attrs"]}
            gsi = tables.new_gsi(spec, record["billing"], defined, set(names), now)
            if len(record["gsis"]) >= tables.MAX_GSIS:
                raise LimitExceededException(f"Subscriber limit exceeded: The number of global secondary indexes exceeds the limit of {tables.MAX_GSIS}")
            record["gsis"].append(gsi)
            return [gsi["IndexName"]]
        if "Delete" in update:
            iname = update["Delete"]["IndexName"]
            if iname not in {g["IndexName"] for g in record["gsis"]}:
                raise ResourceNotFoundException(f"Requested resource not found: GSI not found: {iname}")
            record["gsis"] = [g for g in record["gsis"] if g["IndexName"] != iname]
            ctx.store.delete_prefix(keys.index_prefix(a, r, record["name"], iname))
            return []
        if "Update" in update:
            spec = update["Update"]
            iname = spec["IndexName"]
            for g in record["gsis"]:
                if g["IndexName"] == iname:
                    pt = spec.get("ProvisionedThroughput") or {}
                    g["rcu"] = pt.get("ReadCapacityUnits", g["rcu"])
                    g["wcu"] = pt.get("WriteCapacityUnits", g["wcu"])
                    return []
            raise ResourceNotFoundException(f"Requested resource not found: GSI not found: {iname}")
        return []

    def describe_limits(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeLimits: AWS's default per-account and per-table quotas."""
        return {
            "AccountMaxReadCapacityUnits": 80000,
            "AccountMaxWriteCapacityUnits": 80000,
            "TableMaxReadCapacityUnits": 40000,
            "TableMaxWriteCapacityUnits": 40000,
        }

    def describe_endpoints(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeEndpoints: this endpoint, cached for a day."""
        host = ctx.host or f"dynamodb.{ctx.region}.amazonaws.com"
        return {"Endpoints": [{"Address": host, "CachePeriodInMinutes": 1440}]}

    # --- TTL and tags ----------------------------------------------------------------------------

    def update_time_to_live(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateTimeToLive: switch expiry on (indexing existing items) or off."""
        table = self.tables.get(ctx, _name(request["TableName"]), control=True)
        spec = request["TimeToLiveSpecification"]
        enabled, attribute = spec["Enabled"], spec["AttributeName"]
        current = table.record.get("ttl")
        if current and current.get("enabled") == enabled:
            raise validation("TimeToLive is already enabled" if enabled else "TimeToLive is already disabled")
        if not enabled and current and current.get("attr") != attribute:
            raise validation("TimeToLive is active on a different AttributeName: current AttributeName is " + current["attr"])
        record = dict(table.record, ttl={"attr": attribute, "enabled": enabled})
        ctx.store.delete_prefix(keys.ttl_prefix(ctx.account, ctx.region, table.name))
        updated = self.tables.save(ctx, record)
        if enabled:
            writes.backfill_ttl(ctx, updated)
            self.expiry.watch(ctx, updated.name)
        return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}

    def describe_time_to_live(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeTimeToLive."""
        table = self.tables.get(ctx, _name(request["TableName"]), control=True)
        current = table.record.get("ttl")
        if not current:
            return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
        status = "ENABLED" if current["enabled"] else "DISABLED"
        return {"TimeToLiveDescription": {"TimeToLiveStatus": status, "AttributeName": current["attr"]}}

    # --- backups and point-in-time recovery ----------------------------------------------------

    def _source(self, ctx: Ctx, name_or_arn: str) -> Table:
        name = _name(name_or_arn)
        table = self.tables.find(ctx, name)
        if table is None:
            raise TableNotFoundException(f"Table not found: {name}")
        return table

    def create_backup(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """CreateBackup: a copy of the table's items as they are now."""
        table = self._source(ctx, request["TableName"])
        record = backups.create(ctx, table, request["BackupName"])
        return {"BackupDetails": backups.details(record)}

    def describe_backup(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeBackup."""
        return {"BackupDescription": backups.description(backups.find(ctx, request["BackupArn"]))}

    def delete_backup(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteBackup."""
        record = backups.find(ctx, request["BackupArn"])
        backups.delete(ctx, record)
        return {"BackupDescription": backups.description(record, "DELETED")}

    def list_backups(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListBackups (on-demand backups are USER backups), oldest first, paged by ARN."""
        found = backups.every(ctx)
        name = request.get("TableName")
        lower, upper = request.get("TimeRangeLowerBound"), request.get("TimeRangeUpperBound")
        if request.get("BackupType") in ("SYSTEM", "AWS_BACKUP"):
            found = []
        found = [b for b in found if (name is None or b["table"]["name"] == name)
                 and (lower is None or b["created"] >= lower.timestamp())
                 and (upper is None or b["created"] < upper.timestamp())]
        start = request.get("ExclusiveStartBackupArn")
        if start is not None:
            arns = [b["arn"] for b in found]
            found = found[arns.index(start) + 1:] if start in arns else []
        limit = request.get("Limit") or 100
        out: dict[str, Any] = {"BackupSummaries": [backups.summary(b) for b in found[:limit]]}
        if len(found) > limit:
            out["LastEvaluatedBackupArn"] = found[limit - 1]["arn"]
        return out

    def restore_table_from_backup(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RestoreTableFromBackup: a new table holding the backup's items."""
        source = backups.find(ctx, request["BackupArn"])
        target = request["TargetTableName"]
        backups.check_target(ctx, self.tables, target)
        restore = {"backup": source["arn"], "source": source["table_arn"], "time": ctx.clock.now()}
        record = backups.restored_record(ctx, source["table"], target, request, restore)
        table = backups.write_table(ctx, self.tables, record, backups.backup_documents(ctx, source))
        return {"TableDescription": tables.describe(ctx, table, "CREATING")}

    def update_continuous_backups(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateContinuousBackups: switch point-in-time recovery on (from now) or off."""
        table = self._source(ctx, request["TableName"])
        spec = request["PointInTimeRecoverySpecification"]
        days = spec.get("RecoveryPeriodInDays") or backups.DEFAULT_RECOVERY_DAYS
        if not 1 <= days <= backups.DEFAULT_RECOVERY_DAYS:
            raise validation("RecoveryPeriodInDays must be between 1 and 35")
        current = table.record.get("pitr")
        if spec["PointInTimeRecoveryEnabled"]:
            pitr = dict(current, days=days) if current else {"since": ctx.clock.now(), "days": days}
        else:
            pitr = None
            ctx.store.delete_prefix(keys.pitr_prefix(ctx.account, ctx.region, table.name))
        updated = self.tables.save(ctx, dict(table.record, pitr=pitr))
        return {"ContinuousBackupsDescription": backups.pitr_description(ctx, updated)}

    def describe_continuous_backups(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DescribeContinuousBackups."""
        table = self._source(ctx, request["TableName"])
        return {"ContinuousBackupsDescription": backups.pitr_description(ctx, table)}

    def restore_table_to_point_in_time(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """RestoreTableToPointInTime: a new table holding the source's items as they were then."""
        given = request.get("SourceTableArn") or request.get("SourceTableName")
        if not given:
            raise validation("Either SourceTableArn or SourceTableName must be specified")
        table = self._source(ctx, given)
        when = backups.restore_time(ctx, table, request)
        target = request["TargetTableName"]
        backups.check_target(ctx, self.tables, target)
        restore = {"source": tables.table_arn(ctx, table.name), "time": when}
        record = backups.restored_record(ctx, table.record, target, request, restore)
        restored = backups.write_table(ctx, self.tables, record, list(backups.documents_at(ctx, table, when)))
        return {"TableDescription": tables.describe(ctx, restored, "CREATING")}

    def _by_arn(self, ctx: Ctx, arn: str) -> Table:
        prefix = f"arn:aws:dynamodb:{ctx.region}:{ctx.account}:table/"
        if not arn.startswith("arn:aws:dynamodb:"):
            raise validation(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        if not arn.startswith(prefix):
            raise ResourceNotFoundException(f"Requested resource not found: ResourcArn: {arn} not found")
        name = arn[len(prefix):].split("/", 1)[0]
        table = self.tables.find(ctx, name)
        if table is None:
            raise ResourceNotFoundException(f"Requested resource not found: ResourcArn: {arn} not found")
        return table

    def tag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TagResource (at most 50 tags per table)."""
        table = self._by_arn(ctx, request["ResourceArn"])
        tags = dict(table.record.get("tags") or {})
        for tag in request["Tags"]:
            tags[tag["Key"]] = tag["Value"]
        if len(tags) > MAX_TAGS:
            raise LimitExceededException("The number of tags exceeds the limit of 50 tags per resource")
        self.tables.save(ctx, dict(table.record, tags=tags))
        return {}

    def untag_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        table = self._by_arn(ctx, request["ResourceArn"])
        tags = {k: v for k, v in (table.record.get("tags") or {}).items() if k not in set(request["TagKeys"])}
        self.tables.save(ctx, dict(table.record, tags=tags))
        return {}

    def list_tags_of_resource(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ListTagsOfResource."""
        table = self._by_arn(ctx, request["ResourceArn"])
        return {"Tags": [{"Key": k, "Value": v} for k, v in sorted((table.record.get("tags") or {}).items())]}

    # --- items -----------------------------------------------------------------------------------

    def _write(self, ctx: Ctx, plan: Plan, request: dict[str, Any]) -> dict[str, Any]:
        table = plan.table
        self.buckets.admit(ctx, table, read=False, indexes=[n for n, i in table.indexes.items() if i.kind == "GSI"])
        consumed = Consumed(table.name, read=False)
        try:
            with ctx.store.transaction() as txn:
                old, new = run(ctx, txn, self.feed, plan, consumed)
        finally:
            self.buckets.charge(ctx, table, consumed)
        out: dict[str, Any] = {}
        attributes = returned(plan, old, new)
        if attributes:
            out["Attributes"] = attributes
        capacity = consumed.describe(request.get("ReturnConsumedCapacity"))
        if capacity:
            out["ConsumedCapacity"] = capacity
        return out

    def put_item(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """PutItem."""
        table = self._table(ctx, request["TableName"])
        return self._write(ctx, plan_put(table, request), request)

    def update_item(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """UpdateItem."""
        table = self._table(ctx, request["TableName"])
        return self._write(ctx, plan_update(table, request), request)

    def delete_item(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """DeleteItem."""
        table = self._table(ctx, request["TableName"])
        return self._write(ctx, plan_delete(table, request), request)

    def get_item(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """GetItem."""
        table = self._table(ctx, request["TableName"])
        legacy.check_not_mixed(request)
        validate_placeholders({"ProjectionExpression": request.get("ProjectionExpression")}, request.get("ExpressionAttributeNames"), None)
        key, _ = check_key(table, request["Key"])
        projection = projection_of(request)
        self.buckets.admit(ctx, table, read=True)
        item = writes.load(ctx, ctx.store, table, key)
        consistent = bool(request.get("ConsistentRead"))
        consumed = Consumed(table.name, read=True, units=read_units(item_size(item) if item else 0, consistent))
        self.buckets.charge(ctx, table, consumed)
        out: dict[str, Any] = {}
        if item is not None:
            out["Item"] = projection.apply(item) if projection is not None else item
        capacity = consumed.describe(request.get("ReturnConsumedCapacity"))
        if capacity:
            out["ConsumedCapacity"] = capacity
        return out

    def query(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Query."""
        return self._read(ctx, request, "Query")

    def scan(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """Scan (parallel with Segment/TotalSegments)."""
        return self._read(ctx, request, "Scan")

    def _read(self, ctx: Ctx, request: dict[str, Any], operation: str) -> dict[str, Any]:
        table = self._table(ctx, request["TableName"])
        reader = Reader(ctx, table, request, operation)
        index = reader.index.name if reader.index is not None and reader.index.kind == "GSI" else None
        self.buckets.admit(ctx, table, read=True, indexes=[index] if index else None)
        out = reader.page()
        self.buckets.charge(ctx, table, reader.consumed)
        capacity = reader.consumed.describe(request.get("ReturnConsumedCapacity"))
        if capacity:
            out["ConsumedCapacity"] = capacity
        return out

    # --- batches and transactions ----------------------------------------------------------------

    def batch_get_item(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """BatchGetItem."""
        return batches.batch_get(self, ctx, request)

    def batch_write_item(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """BatchWriteItem."""
        return batches.batch_write(self, ctx, request)

    def transact_get_items(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TransactGetItems."""
        return transactions.transact_get(self, ctx, request)

    def transact_write_items(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """TransactWriteItems."""
        return transactions.transact_write(self, ctx, request)

    # --- PartiQL -------------------------------------------------------------------------------

    def execute_statement(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ExecuteStatement (one PartiQL statement)."""
        return partiql.execute_statement(self, ctx, request)

    def batch_execute_statement(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """BatchExecuteStatement (up to 25 statements, answered one by one)."""
        return partiql.batch_execute(self, ctx, request)

    def execute_transaction(self, ctx: Ctx, request: dict[str, Any]) -> dict[str, Any]:
        """ExecuteTransaction (up to 100 statements, all or nothing)."""
        return partiql.execute_transaction(self, ctx, request)


def _name(name_or_arn: str) -> str:
    """A table name from a TableName parameter, which may also be the table's ARN."""
    if name_or_arn.startswith("arn:"):
        return name_or_arn.split(":table/", 1)[-1].split("/", 1)[0]
    return name_or_arn

