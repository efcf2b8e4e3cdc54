"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction through boto3."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import error_of, make_table, n, s

VALIDATION = "ValidationException"


@pytest.fixture
def table(ddb: Any) -> str:
    make_table(
        ddb,
        range_type="N",
        more_attrs=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    for i in range(10):
        ddb.put_item(TableName="t", Item={"pk": s("a" if i < 6 else "b"), "sk": n(i), "g": s("even" if i % 2 == 0 else "odd"), "v": n(i * 10), "m": {"M": {"x": {"L": [n(i)]}}}})
    return "t"


def run(ddb: Any, statement: str, *params: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return ddb.execute_statement(Statement=statement, Parameters=list(params), **extra) if params else ddb.execute_statement(Statement=statement, **extra)


def test_select_by_partition_key_is_a_query(ddb: Any, table: str) -> None:
    out = run(ddb, 'SELECT * FROM "t" WHERE pk = ? AND sk >= 2', s("a"), ReturnConsumedCapacity="TOTAL")
    assert [int(i["sk"]["N"]) for i in out["Items"]] == [2, 3, 4, 5]
    # a Query reads only the partition's matching range: 4 small items, eventually consistent
    assert out["ConsumedCapacity"] == {"TableName": "t", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}
    out = run(ddb, "SELECT sk, m.x[0] FROM t WHERE pk = 'a' AND sk BETWEEN 1 AND 3 ORDER BY sk DESC")
    assert out["Items"] == [{"sk": n(3), "m": {"M": {"x": {"L": [n(3)]}}}}, {"sk": n(2), "m": {"M": {"x": {"L": [n(2)]}}}}, {"sk": n(1), "m": {"M": {"x": {"L": [n(1)]}}}}]
    out = run(ddb, "SELECT v FROM t WHERE pk = 'a' AND v > 30")
    assert [i["v"]["N"] for i in out["Items"]] == ["40", "50"]


def test_select_scan_with_filter_and_index(ddb: Any, table: str) -> None:
    out = run(ddb, "select pk, sk from t where v >= 70 or begins_with(pk, 'zz')")
    assert sorted(int(i["sk"]["N"]) for i in out["Items"]) == [7, 8, 9]
    out = run(ddb, 'SELECT sk FROM "t"."byg" WHERE g = ? AND sk < 5', s("odd"))
    assert [int(i["sk"]["N"]) for i in out["Items"]] == [1, 3]
    out = run(ddb, "SELECT * FROM t WHERE nope IS MISSING AND v IS NOT MISSING AND sk IN [1, 2, 99]")
    assert sorted(int(i["sk"]["N"]) for i in out["Items"]) == [1, 2]
    code, _, message = error_of(ddb.execute_statement, Statement='SELECT * FROM "t"."byg" WHERE g = \'odd\'', ConsistentRead=True)
    assert (code, message) == (VALIDATION, "Consistent reads are not supported on global secondary indexes")


def test_select_pages_with_limit_and_next_token(ddb: Any, table: str) -> None:
    seen: list[int] = []
    token = None
    pages = 0
    while True:
        extra = {"NextToken": token} if token else {}
        out = run(ddb, "SELECT sk FROM t WHERE pk = 'a'", Limit=4, **extra)
        pages += 1
        seen += [int(i["sk"]["N"]) for i in out["Items"]]
        token = out.get("NextToken")
        if token is None:
            break
        assert out["LastEvaluatedKey"]["pk"] == s("a")
    assert seen == [0, 1, 2, 3, 4, 5] and pages == 2
    code, _, message = error_of(ddb.execute_statement, Statement="SELECT * FROM t", NextToken="not-a-token")
    assert (code, message) == (VALIDATION, "Invalid NextToken")


def test_insert_update_delete_with_returning(ddb: Any, table: str) -> None:
    assert run(ddb, "INSERT INTO t VALUE {'pk': ?, 'sk': 1, 'tags': <<'x', 'y'>>, 'n': 5}", s("new"))["Items"] == []
    code, status, message = error_of(ddb.execute_statement, Statement="INSERT INTO t VALUE {'pk': 'new', 'sk': 1}")
    assert (code, status, message) == ("DuplicateItemException", 400, "Duplicate primary key exists in table")
    item = ddb.get_item(TableName="t", Key={"pk": s("new"), "sk": n(1)})["Item"]
    assert item["n"] == n(5) and sorted(item["tags"]["SS"]) == ["x", "y"]
    out = run(ddb, "UPDATE t SET n = n + 1 SET tags = set_add(tags, <<'z'>>) REMOVE nope WHERE pk = 'new' AND sk = 1 RETURNING MODIFIED NEW *")
    assert out["Items"][0]["n"] == n(6) and sorted(out["Items"][0]["tags"]["SS"]) == ["x", "y", "z"]
    out = run(ddb, "UPDATE t SET note = 'hi' WHERE pk = 'new' AND sk = 1 AND n = 6 RETURNING ALL OLD *")
    assert "note" not in out["Items"][0] and out["Items"][0]["n"] == n(6)
    code, _, _ = error_of(ddb.execute_statement, Statement="UPDATE t SET note = 'x' WHERE pk = 'new' AND sk = 1 AND n = 100")
    assert code == "ConditionalCheckFailedException"
    code, _, message = error_of(ddb.execute_statement, Statement="UPDATE t SET note = 'x' WHERE pk = 'absent' AND sk = 1")
    assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert "Item" not in ddb.get_item(TableName="t", Key={"pk": s("absent"), "sk": n(1)})
    code, _, message = error_of(ddb.execute_statement, Statement="UPDATE t SET note = 'x' WHERE pk = 'new'")
    assert (code, message) == (VALIDATION, "Where clause does not contain a mandatory equality on all key attributes")
    out = run(ddb, "DELETE FROM t WHERE pk = 'new' AND sk = 1 RETURNING ALL OLD *")
    assert out["Items"][0]["note"] == s("hi")
    assert "Item" not in ddb.get_item(TableName="t", Key={"pk": s("new"), "sk": n(1)})
    assert run(ddb, "DELETE FROM t WHERE pk = 'new' AND sk = 1")["Items"] == []


def test_writes_reach_indexes_and_streams(ddb: Any, aws: Any, table: str) -> None:
    run(ddb, "INSERT INTO t VALUE {'pk': 'c', 'sk': 1, 'g': 'blue'}")
    run(ddb, "UPDATE t SET g = 'red' WHERE pk = 'c' AND sk = 1")
    assert [i["g"] for i in run(ddb, "SELECT g FROM t.byg WHERE g = 'red'")["Items"]] == [s("red")]
    assert run(ddb, "SELECT g FROM t.byg WHERE g = 'blue'")["Items"] == []
    run(ddb, "DELETE FROM t WHERE pk = 'c' AND sk = 1")
    streams = aws("dynamodbstreams")
    arn = ddb.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=it)["Records"]
    mine = [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records if r["dynamodb"]["Keys"]["pk"]["S"] == "c"]
    assert mine == [("INSERT", "c"), ("MODIFY", "c"), ("REMOVE", "c")]


@pytest.mark.parametrize(
    "statement",
    ["SELEC * FROM t", "SELECT * FROM", "SELECT * FROM t WHERE", "SELECT * FROM t WHERE a = 'x", "INSERT INTO t VALUES {'pk': 'a'}", "UPDATE t WHERE pk = 'a'"],
)
def test_malformed_statements(ddb: Any, table: str, statement: str) -> None:
    code, status, message = error_of(ddb.execute_statement, Statement=statement)
    assert (code, status) == (VALIDATION, 400)
    assert message.startswith("Statement wasn't well formed, can't be processed: ")


def test_parameters_and_tables_checked(ddb: Any, table: str) -> None:
    code, _, message = error_of(ddb.execute_statement, Statement="SELECT * FROM t WHERE pk = ?")
    assert (code, message) == (VALIDATION, "Number of parameters in request and statement doesn't match.")
    code, _, _ = error_of(ddb.execute_statement, Statement="SELECT * FROM t WHERE pk = ?", Parameters=[s("a"), s("b")])
    assert code == VALIDATION
    code, _, message = error_of(ddb.execute_statement, Statement="SELECT * FROM nowhere")
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found")
    code, _, message = error_of(ddb.execute_statement, Statement="INSERT INTO t VALUE {'pk': 'z'}")
    assert code == VALIDATION and "sk" in message
    assert run(ddb, "SELECT * FROM t WHERE pk = 'z'")["Items"] == []


def test_batch_execute_statement(ddb: Any, table: str) -> None:
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO t VALUE {'pk': 'd', 'sk': 1}"},
            {"Statement": "INSERT INTO t VALUE {'pk': 'a', 'sk': 0}"},
            {"Statement": "UPDATE t SET v = 1 WHERE pk = ? AND sk = ?", "Parameters": [s("a"), n(1)]},
            {"Statement": "DELETE FROM t WHERE pk = 'a' AND sk = 2 AND v = 999", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
            {"Statement": "SELEC nonsense"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    responses = out["Responses"]
    assert responses[0] == {"TableName": "t"}
    assert responses[1]["Error"] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    assert responses[2] == {"TableName": "t"}
    assert responses[3]["Error"]["Code"] == "ConditionalCheckFailed" and responses[3]["Error"]["Item"]["v"] == n(20)
    assert responses[4]["Error"]["Code"] == "ValidationError"
    assert out["ConsumedCapacity"][0]["TableName"] == "t"
    got = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "SELECT pk, v FROM t WHERE pk = 'a' AND sk = 1"},
            {"Statement": "SELECT * FROM t WHERE pk = 'missing' AND sk = 1"},
            {"Statement": "SELECT * FROM t WHERE pk = 'a'"},
        ]
    )["Responses"]
    assert got[0] == {"TableName": "t", "Item": {"pk": s("a"), "v": n(1)}}
    assert got[1] == {"TableName": "t"}
    assert got[2]["Error"] == {"Code": "ValidationError", "Message": "Where clause does not contain a mandatory equality on all key attributes"}
    code, _, message = error_of(
        ddb.batch_execute_statement, Statements=[{"Statement": "SELECT * FROM t WHERE pk = 'a' AND sk = 1"}, {"Statement": "DELETE FROM t WHERE pk = 'a' AND sk = 1"}]
    )
    assert (code, message) == (VALIDATION, "Statements in a batch must either all be reads or all be writes")
    code, _, message = error_of(ddb.batch_execute_statement, Statements=[{"Statement": "SELECT * FROM t WHERE pk = 'a' AND sk = 1"}] * 26)
    assert code == VALIDATION and "25" in message


def test_execute_transaction_all_or_nothing(ddb: Any, table: str) -> None:
    statements = [
        {"Statement": "INSERT INTO t VALUE {'pk': 'e', 'sk': 1}"},
        {"Statement": "UPDATE t SET v = v + 5 WHERE pk = 'a' AND sk = 1"},
        {"Statement": "EXISTS(SELECT * FROM t WHERE pk = 'b' AND sk = 9 AND v = 90)"},
    ]
    assert "ConsumedCapacity" not in ddb.execute_transaction(TransactStatements=statements, ClientRequestToken="tok-1")
    assert ddb.get_item(TableName="t", Key={"pk": s("a"), "sk": n(1)})["Item"]["v"] == n(15)
    # the same token and statements again: answered without writing again
    ddb.execute_transaction(TransactStatements=statements, ClientRequestToken="tok-1")
    assert ddb.get_item(TableName="t", Key={"pk": s("a"), "sk": n(1)})["Item"]["v"] == n(15)
    code, _, _ = error_of(ddb.execute_transaction, TransactStatements=statements[:2], ClientRequestToken="tok-1")
    assert code == "IdempotentParameterMismatchException"
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.execute_transaction(TransactStatements=statements)
    reasons = info.value.response["CancellationReasons"]
    assert reasons[0] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    assert [r["Code"] for r in reasons[1:]] == ["None", "None"]
    assert ddb.get_item(TableName="t", Key={"pk": s("a"), "sk": n(1)})["Item"]["v"] == n(15)
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as info:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "INSERT INTO t VALUE {'pk': 'f', 'sk': 1}"},
                {"Statement": "EXISTS(SELECT * FROM t WHERE pk = 'b' AND sk = 9 AND v = 1)"},
            ]
        )
    assert [r["Code"] for r in info.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert "Item" not in ddb.get_item(TableName="t", Key={"pk": s("f"), "sk": n(1)})


def test_execute_transaction_reads(ddb: Any, table: str) -> None:
    out = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "SELECT v FROM t WHERE pk = ? AND sk = ?", "Parameters": [s("a"), n(3)]},
            {"Statement": "SELECT * FROM t WHERE pk = 'nobody' AND sk = 3"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert out["Responses"] == [{"Item": {"v": n(30)}}, {}]
    assert out["ConsumedCapacity"] == [{"TableName": "t", "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}]
    code, _, message = error_of(
        ddb.execute_transaction,
        TransactStatements=[{"Statement": "SELECT * FROM t WHERE pk = 'a' AND sk = 1"}, {"Statement": "DELETE FROM t WHERE pk = 'a' AND sk = 1"}],
    )
    assert (code, message) == (VALIDATION, "Statements in a transaction must either all be reads or all be writes")
