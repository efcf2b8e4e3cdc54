"""Tables: create checks, describe, list pagination, update, delete, TTL settings, tags, limits."""

from __future__ import annotations

from typing import Any

from .helpers import error_of, make_table

VALIDATION = "ValidationException"


def test_create_answers_creating_then_describe_is_active(ddb: Any) -> None:
    created = make_table(ddb)
    assert created["TableStatus"] == "CREATING"
    table = ddb.describe_table(TableName="t")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/t"
    assert table["ItemCount"] == 0 and table["TableSizeBytes"] == 0
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ddb.get_waiter("table_exists").wait(TableName="t", WaiterConfig={"Delay": 1, "MaxAttempts": 2})


def test_describe_counts_items_and_bytes(ddb: Any) -> None:
    make_table(ddb)
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "b"}, "n": {"N": "12"}})
    table = ddb.describe_table(TableName="t")["Table"]
    # 2+1 (pk a) + 2+1 (sk b) + 1+2 (n, 12 -> 2 bytes)
    assert table["ItemCount"] == 1
    assert table["TableSizeBytes"] == 9


def test_create_existing_table_is_resource_in_use(ddb: Any) -> None:
    make_table(ddb)
    assert error_of(make_table, client=ddb) == ("ResourceInUseException", 400, "Table already exists: t")


def test_key_schema_and_definitions_must_agree(ddb: Any) -> None:
    code, status, message = error_of(
        ddb.create_table,
        TableName="x",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert (code, status) == (VALIDATION, 400)
    assert "Some index key attributes are not defined in AttributeDefinitions" in message
    code, _, message = error_of(
        ddb.create_table,
        TableName="x",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "z", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert "Number of attributes in KeySchema does not exactly match" in message
    code, _, message = error_of(
        ddb.create_table,
        TableName="x",
        KeySchema=[{"AttributeName": "pk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert "The first KeySchemaElement is not a HASH key type" in message
    assert ddb.list_tables()["TableNames"] == []


def test_billing_mode_rules(ddb: Any) -> None:
    schema = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}
    _, _, message = error_of(ddb.create_table, TableName="x", **schema)
    assert "ReadCapacityUnits and WriteCapacityUnits must both be specified" in message
    _, _, message = error_of(
        ddb.create_table, TableName="x", BillingMode="PAY_PER_REQUEST",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, **schema,
    )
    assert "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified" in message


def test_lsi_rules(ddb: Any) -> None:
    lsi = {"IndexName": "lsi1", "KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}, {"AttributeName": "x", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}
    _, _, message = error_of(
        make_table, client=ddb, LocalSecondaryIndexes=[lsi],
        more_attrs=[{"AttributeName": "other", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
    )
    assert "Index KeySchema does not have the same leading hash key as table KeySchema" in message
    _, _, message = error_of(
        make_table, client=ddb, range_type=None,
        LocalSecondaryIndexes=[dict(lsi, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "x", "KeyType": "RANGE"}])],
        more_attrs=[{"AttributeName": "x", "AttributeType": "S"}],
    )
    assert "Table KeySchema does not have a range key" in message


def test_list_tables_paginates(ddb: Any) -> None:
    for name in ("aaa", "bbb", "ccc"):
        make_table(ddb, name)
    first = ddb.list_tables(Limit=2)
    assert first["TableNames"] == ["aaa", "bbb"] and first["LastEvaluatedTableName"] == "bbb"
    second = ddb.list_tables(Limit=2, ExclusiveStartTableName="bbb")
    assert second["TableNames"] == ["ccc"] and "LastEvaluatedTableName" not in second
    pages = ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 1})
    assert [n for p in pages for n in p["TableNames"]] == ["aaa", "bbb", "ccc"]


def test_delete_table(ddb: Any) -> None:
    make_table(ddb)
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    assert ddb.delete_table(TableName="t")["TableDescription"]["TableStatus"] == "DELETING"
    assert error_of(ddb.describe_table, TableName="t") == ("ResourceNotFoundException", 400, "Requested resource not found: Table: t not found")
    make_table(ddb)
    assert "Items" in ddb.scan(TableName="t") and ddb.scan(TableName="t")["Count"] == 0
    assert error_of(ddb.delete_table, TableName="nope")[0] == "ResourceNotFoundException"


def test_deletion_protection(ddb: Any) -> None:
    make_table(ddb, DeletionProtectionEnabled=True)
    code, _, _ = error_of(ddb.delete_table, TableName="t")
    assert code == VALIDATION
    ddb.update_table(TableName="t", DeletionProtectionEnabled=False)
    ddb.delete_table(TableName="t")


def test_update_throughput_and_billing(ddb: Any) -> None:
    make_table(ddb, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    ddb.update_table(TableName="t", ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    pt = ddb.describe_table(TableName="t")["Table"]["ProvisionedThroughput"]
    assert pt["ReadCapacityUnits"] == 10 and "LastIncreaseDateTime" in pt
    _, _, message = error_of(ddb.update_table, TableName="t", ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    assert "will not change" in message
    ddb.update_table(TableName="t", BillingMode="PAY_PER_REQUEST")
    assert ddb.describe_table(TableName="t")["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_add_gsi_backfills_and_delete_gsi(ddb: Any) -> None:
    make_table(ddb)
    for i in range(5):
        ddb.put_item(TableName="t", Item={"pk": {"S": f"p{i}"}, "sk": {"S": "x"}, "g": {"S": "even" if i % 2 == 0 else "odd"}})
    answer = ddb.update_table(
        TableName="t",
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}}],
    )
    assert answer["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    gsi = ddb.describe_table(TableName="t")["Table"]["GlobalSecondaryIndexes"][0]
    assert gsi["IndexStatus"] == "ACTIVE" and gsi["ItemCount"] == 5
    found = ddb.query(TableName="t", IndexName="byg", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "even"}})
    assert found["Count"] == 3
    ddb.update_table(TableName="t", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byg"}}])
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName="t")["Table"]
    code, _, message = error_of(ddb.query, TableName="t", IndexName="byg", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "even"}})
    assert code == VALIDATION and message == "The table does not have the specified index: byg"


def test_time_to_live_settings(ddb: Any) -> None:
    make_table(ddb)
    assert ddb.describe_time_to_live(TableName="t")["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    ddb.update_time_to_live(TableName="t", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert ddb.describe_time_to_live(TableName="t")["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    code, _, message = error_of(ddb.update_time_to_live, TableName="t", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert code == VALIDATION and message == "TimeToLive is already enabled"


def test_tags(ddb: Any) -> None:
    arn = make_table(ddb)["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    code, _, _ = error_of(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert code == "LimitExceededException"
    assert len(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]) == 1
    assert error_of(ddb.list_tags_of_resource, ResourceArn=arn + "x")[0] == "ResourceNotFoundException"


def test_limits_and_endpoints(ddb: Any) -> None:
    limits = ddb.describe_limits()
    assert limits["TableMaxReadCapacityUnits"] == 40000 and limits["AccountMaxWriteCapacityUnits"] == 80000
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440


def test_tables_are_per_region_and_account(aws: Any) -> None:
    east, west, other = aws("dynamodb"), aws("dynamodb", region="eu-west-1"), aws("dynamodb", account="111111111111")
    make_table(east)
    assert west.list_tables()["TableNames"] == [] and other.list_tables()["TableNames"] == []
