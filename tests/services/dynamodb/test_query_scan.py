"""Query and Scan: key conditions, order, pagination, the 1 MB page, filters, Select, indexes."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import error_of, make_table, n, s

VALIDATION = "ValidationException"


@pytest.fixture
def numbers(ddb: Any) -> str:
    """Table t (pk S, sk N) with pk "a" holding sk 0..19 and pk "b" holding sk 0..2."""
    make_table(ddb, range_type="N")
    for i in range(20):
        ddb.put_item(TableName="t", Item={"pk": s("a"), "sk": n(i), "odd": {"BOOL": i % 2 == 1}})
    for i in range(3):
        ddb.put_item(TableName="t", Item={"pk": s("b"), "sk": n(i)})
    return "t"


def sks(answer: dict[str, Any]) -> list[int]:
    return [int(i["sk"]["N"]) for i in answer["Items"]]


def q(ddb: Any, expr: str, **values: Any) -> Any:
    return ddb.query(TableName="t", KeyConditionExpression=expr, ExpressionAttributeValues={":p": s("a"), **values})


@pytest.mark.parametrize(
    ("expr", "values", "expected"),
    [
        ("pk = :p AND sk = :x", {":x": n(5)}, [5]),
        ("pk = :p AND sk < :x", {":x": n(3)}, [0, 1, 2]),
        ("pk = :p AND sk <= :x", {":x": n(2)}, [0, 1, 2]),
        ("pk = :p AND sk > :x", {":x": n(17)}, [18, 19]),
        ("pk = :p AND sk >= :x", {":x": n(18)}, [18, 19]),
        ("pk = :p AND sk BETWEEN :x AND :y", {":x": n(4), ":y": n(6)}, [4, 5, 6]),
    ],
)
def test_sort_key_conditions(ddb: Any, numbers: str, expr: str, values: dict[str, Any], expected: list[int]) -> None:
    assert sks(q(ddb, expr, **values)) == expected


def test_numbers_sort_numerically_and_begins_with_on_strings(ddb: Any) -> None:
    make_table(ddb)
    for sk in ("a", "ab", "abc", "b", "a\U0010ffff", "ac"):
        ddb.put_item(TableName="t", Item={"pk": s("p"), "sk": s(sk)})
    got = ddb.query(TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :x)", ExpressionAttributeValues={":p": s("p"), ":x": s("ab")})
    assert [i["sk"]["S"] for i in got["Items"]] == ["ab", "abc"]
    back = ddb.query(TableName="t", KeyConditionExpression="pk = :p AND begins_with(sk, :x)", ExpressionAttributeValues={":p": s("p"), ":x": s("a")}, ScanIndexForward=False)
    assert [i["sk"]["S"] for i in back["Items"]] == ["a\U0010ffff", "ac", "abc", "ab", "a"]


def test_negative_and_fractional_numbers_order(ddb: Any) -> None:
    make_table(ddb, range_type="N")
    for v in ("10", "-1", "2.5", "-10.5", "0", "100"):
        ddb.put_item(TableName="t", Item={"pk": s("a"), "sk": n(v)})
    assert [i["sk"]["N"] for i in q(ddb, "pk = :p")["Items"]] == ["-10.5", "-1", "0", "2.5", "10", "100"]


def test_reverse_limit_and_pagination(ddb: Any, numbers: str) -> None:
    page = ddb.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s("a")}, ScanIndexForward=False, Limit=3)
    assert sks(page) == [19, 18, 17] and page["LastEvaluatedKey"] == {"pk": s("a"), "sk": n(17)}
    nxt = ddb.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s("a")}, ScanIndexForward=False, Limit=3, ExclusiveStartKey=page["LastEvaluatedKey"])
    assert sks(nxt) == [16, 15, 14]
    pages = ddb.get_paginator("query").paginate(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s("a")}, PaginationConfig={"PageSize": 6})
    assert [v for p in pages for v in sks(p)] == list(range(20))


def test_filter_applies_after_limit(ddb: Any, numbers: str) -> None:
    got = ddb.query(TableName="t", KeyConditionExpression="pk = :p", FilterExpression="odd = :t", ExpressionAttributeValues={":p": s("a"), ":t": {"BOOL": True}}, Limit=4)
    assert sks(got) == [1, 3] and got["Count"] == 2 and got["ScannedCount"] == 4
    assert "LastEvaluatedKey" in got


def test_select_count_and_projection(ddb: Any, numbers: str) -> None:
    counted = ddb.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s("a")}, Select="COUNT")
    assert counted["Count"] == 20 and "Items" not in counted
    projected = ddb.query(TableName="t", KeyConditionExpression="pk = :p AND sk = :z", ExpressionAttributeValues={":p": s("a"), ":z": n(0)}, ProjectionExpression="odd")
    assert projected["Items"] == [{"odd": {"BOOL": False}}]


def test_one_megabyte_page(ddb: Any) -> None:
    make_table(ddb, range_type="N")
    big = "x" * (100 * 1024)
    for i in range(15):
        ddb.put_item(TableName="t", Item={"pk": s("a"), "sk": n(i), "data": s(big)})
    page = q(ddb, "pk = :p")
    assert 9 <= page["Count"] <= 11 and "LastEvaluatedKey" in page
    rest = ddb.query(TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s("a")}, ExclusiveStartKey=page["LastEvaluatedKey"])
    assert page["Count"] + rest["Count"] == 15 and "LastEvaluatedKey" not in rest


def test_key_condition_errors(ddb: Any, numbers: str) -> None:
    _, _, message = error_of(ddb.query, TableName="t", KeyConditionExpression="sk = :x", ExpressionAttributeValues={":x": n(1)})
    assert message == "Query condition missed key schema element: pk"
    code, status, message = error_of(ddb.query, TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": n(1)})
    assert (code, status) == (VALIDATION, 400) and "Condition parameter type does not match schema type" in message
    _, _, message = error_of(ddb.query, TableName="t")
    assert message == "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
    _, _, message = error_of(ddb.query, TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": s("a")}, ExclusiveStartKey={"pk": s("a")})
    assert message.startswith("The provided starting key is invalid")


def test_legacy_key_conditions_and_query_filter(ddb: Any, numbers: str) -> None:
    got = ddb.query(TableName="t", KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [s("a")]}, "sk": {"ComparisonOperator": "LT", "AttributeValueList": [n(6)]}},
                    QueryFilter={"odd": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": False}]}})
    assert sks(got) == [0, 2, 4]


def test_scan_filter_and_pagination(ddb: Any, numbers: str) -> None:
    everything = ddb.scan(TableName="t")
    assert everything["Count"] == 23
    filtered = ddb.scan(TableName="t", FilterExpression="pk = :b", ExpressionAttributeValues={":b": s("b")})
    assert filtered["Count"] == 3 and filtered["ScannedCount"] == 23
    pages = ddb.get_paginator("scan").paginate(TableName="t", PaginationConfig={"PageSize": 5})
    assert sum(p["Count"] for p in pages) == 23


def test_parallel_scan_covers_every_item_once(ddb: Any, numbers: str) -> None:
    make_table(ddb, name="many", range_type=None)
    for i in range(40):
        ddb.put_item(TableName="many", Item={"pk": s(f"k{i}")})
    seen: list[str] = []
    for segment in range(4):
        for page in ddb.get_paginator("scan").paginate(TableName="many", Segment=segment, TotalSegments=4, PaginationConfig={"PageSize": 3}):
            seen += [i["pk"]["S"] for i in page["Items"]]
    assert sorted(seen) == sorted(f"k{i}" for i in range(40))
    _, _, message = error_of(ddb.scan, TableName="many", Segment=4, TotalSegments=4)
    assert "must be less than parameter TotalSegments" in message
    _, _, message = error_of(ddb.scan, TableName="many", Segment=1)
    assert "TotalSegments parameter is required" in message


def test_gsi_projection_and_sparse_index(ddb: Any) -> None:
    make_table(ddb, more_attrs=[{"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "gs", "AttributeType": "N"}], GlobalSecondaryIndexes=[
        {"IndexName": "keys", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "gs", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}},
        {"IndexName": "incl", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]}},
    ])
    ddb.put_item(TableName="t", Item={"pk": s("1"), "sk": s("x"), "g": s("G"), "gs": n(2), "a": s("A"), "b": s("B")})
    ddb.put_item(TableName="t", Item={"pk": s("2"), "sk": s("x"), "g": s("G"), "gs": n(1), "a": s("A2")})
    ddb.put_item(TableName="t", Item={"pk": s("3"), "sk": s("x"), "a": s("no index key")})
    keys_only = ddb.query(TableName="t", IndexName="keys", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": s("G")})
    assert keys_only["Items"] == [
        {"pk": s("2"), "sk": s("x"), "g": s("G"), "gs": n(1)},
        {"pk": s("1"), "sk": s("x"), "g": s("G"), "gs": n(2)},
    ]
    included = ddb.scan(TableName="t", IndexName="incl")
    assert included["Count"] == 2 and all("b" not in i and "a" in i for i in included["Items"])
    _, _, message = error_of(ddb.query, TableName="t", IndexName="keys", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": s("G")}, Select="ALL_ATTRIBUTES")
    assert "ALL_ATTRIBUTES is not supported for global secondary index keys" in message
    _, _, message = error_of(ddb.query, TableName="t", IndexName="keys", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": s("G")}, ConsistentRead=True)
    assert message == "Consistent reads are not supported on global secondary indexes"
    # moving the index key moves the entry; removing it drops the entry
    ddb.update_item(TableName="t", Key={"pk": s("1"), "sk": s("x")}, UpdateExpression="SET gs = :v", ExpressionAttributeValues={":v": n(0)})
    ddb.update_item(TableName="t", Key={"pk": s("2"), "sk": s("x")}, UpdateExpression="REMOVE g")
    again = ddb.query(TableName="t", IndexName="keys", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": s("G")})
    assert [i["pk"]["S"] for i in again["Items"]] == ["1"] and again["Items"][0]["gs"] == n(0)
    page = ddb.query(TableName="t", IndexName="keys", KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": s("G")}, Limit=1)
    assert page["LastEvaluatedKey"] == {"pk": s("1"), "sk": s("x"), "g": s("G"), "gs": n(0)}


def test_lsi_fetches_unprojected_attributes(ddb: Any) -> None:
    make_table(ddb, more_attrs=[{"AttributeName": "l", "AttributeType": "N"}], LocalSecondaryIndexes=[
        {"IndexName": "byl", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    for i, sk in enumerate(("c", "a", "b")):
        ddb.put_item(TableName="t", Item={"pk": s("p"), "sk": s(sk), "l": n(i), "other": s(sk * 2)})
    got = ddb.query(TableName="t", IndexName="byl", KeyConditionExpression="pk = :p AND l >= :z", ExpressionAttributeValues={":p": s("p"), ":z": n(1)}, Select="ALL_ATTRIBUTES", ConsistentRead=True)
    assert [i["other"]["S"] for i in got["Items"]] == ["aa", "bb"]
