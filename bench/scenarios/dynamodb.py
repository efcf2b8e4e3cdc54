"""DynamoDB scenarios: single-item writes and reads, and a Query that returns 100 items."""

from __future__ import annotations

from typing import Any

from bench.scenarios.base import Scenario, WrongAnswer, unique_name, wait_until

PAYLOAD = "x" * 100
SEEDED = 100


def _create_table(client: Any) -> str:
    name = unique_name("bench")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    wait_until(lambda: client.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE")
    return name


def _item(pk: str, sk: int) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}, "data": {"S": PAYLOAD}}


def _seed(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        left = client.batch_write_item(RequestItems={table: batch}).get("UnprocessedItems")
        if left:
            raise WrongAnswer("BatchWriteItem left items unprocessed while seeding")


def _table_with_items(client: Any) -> str:
    table = _create_table(client)
    _seed(client, table, [_item(f"p{n}", 0) for n in range(SEEDED)])
    return table


def _table_with_partition(client: Any) -> str:
    table = _create_table(client)
    _seed(client, table, [_item("q", n) for n in range(SEEDED)])
    return table


def _put_item(client: Any, table: str, i: int) -> None:
    client.put_item(TableName=table, Item=_item(f"p{i}", i))


def _get_item(client: Any, table: str, i: int) -> None:
    key = {"pk": {"S": f"p{i % SEEDED}"}, "sk": {"N": "0"}}
    if "Item" not in client.get_item(TableName=table, Key=key):
        raise WrongAnswer("GetItem did not find a seeded item")


def _query(client: Any, table: str, i: int) -> None:
    out = client.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "q"}},
    )
    if out.get("Count") != SEEDED:
        raise WrongAnswer(f"Query returned {out.get('Count')} items, expected {SEEDED}")


SCENARIOS = (
    Scenario("dynamodb.put_item", "dynamodb", _create_table, _put_item),
    Scenario("dynamodb.get_item", "dynamodb", _table_with_items, _get_item),
    Scenario("dynamodb.query_100", "dynamodb", _table_with_partition, _query),
)
