"""On-demand backups and point-in-time recovery: restores hold exactly the items of the moment
they name, with their indexes, and the errors AWS gives for missing backups, tables and times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.services.dynamodb.helpers import error_of, make_table, n, s

GSI = {"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
       "Projection": {"ProjectionType": "ALL"}}


def keys_of(ddb: Any, table: str) -> list[str]:
    return sorted(i["pk"]["S"] + "/" + i["sk"]["S"] for i in ddb.scan(TableName=table)["Items"])


def test_backup_restores_items_and_indexes_into_a_new_table(ddb: Any) -> None:
    make_table(ddb, "src", GlobalSecondaryIndexes=[GSI], more_attrs=[{"AttributeName": "g", "AttributeType": "S"}])
    for i in range(3):
        ddb.put_item(TableName="src", Item={"pk": s("a"), "sk": s(str(i)), "g": s("G"), "v": n(i)})
    backup = ddb.create_backup(TableName="src", BackupName="nightly")["BackupDetails"]
    assert backup["BackupStatus"] == "AVAILABLE" and backup["BackupType"] == "USER"
    assert backup["BackupArn"].startswith("arn:aws:dynamodb:us-east-1:000000000000:table/src/backup/")
    ddb.delete_item(TableName="src", Key={"pk": s("a"), "sk": s("0")})
    ddb.put_item(TableName="src", Item={"pk": s("b"), "sk": s("9"), "g": s("G")})

    described = ddb.describe_backup(BackupArn=backup["BackupArn"])["BackupDescription"]
    assert described["SourceTableDetails"]["ItemCount"] == 3
    assert described["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"][0]["IndexName"] == "by_g"
    restored = ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=backup["BackupArn"])["TableDescription"]
    assert restored["RestoreSummary"]["SourceBackupArn"] == backup["BackupArn"]
    assert keys_of(ddb, "copy") == ["a/0", "a/1", "a/2"]
    on_index = ddb.query(TableName="copy", IndexName="by_g", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": s("G")})
    assert on_index["Count"] == 3
    table = ddb.describe_table(TableName="copy")["Table"]
    assert table["ItemCount"] == 3 and table["RestoreSummary"]["RestoreInProgress"] is False
    assert keys_of(ddb, "src") == ["a/1", "a/2", "b/9"]  # the source is untouched

    ddb.delete_table(TableName="src")  # a backup outlives its table
    assert [b["BackupName"] for b in ddb.list_backups()["BackupSummaries"]] == ["nightly"]
    assert ddb.list_backups(TableName="other")["BackupSummaries"] == []
    gone = ddb.delete_backup(BackupArn=backup["BackupArn"])["BackupDescription"]
    assert gone["BackupDetails"]["BackupStatus"] == "DELETED"
    assert ddb.list_backups()["BackupSummaries"] == []


def test_backup_errors(ddb: Any) -> None:
    make_table(ddb, "src")
    assert error_of(ddb.create_backup, TableName="nope", BackupName="bk1")[:2] == ("TableNotFoundException", 400)
    arn = ddb.create_backup(TableName="src", BackupName="bk1")["BackupDetails"]["BackupArn"]
    missing = arn[:-8] + "00000000"
    assert error_of(ddb.describe_backup, BackupArn=missing)[:2] == ("BackupNotFoundException", 400)
    assert error_of(ddb.delete_backup, BackupArn=missing)[:2] == ("BackupNotFoundException", 400)
    code, status, msg = error_of(ddb.restore_table_from_backup, TargetTableName="src", BackupArn=arn)
    assert (code, status, msg) == ("TableAlreadyExistsException", 400, "Table already exists: src")
    assert ddb.list_tables()["TableNames"] == ["src"]


def test_point_in_time_restore_sees_the_table_as_it_was(ddb: Any, fogbank: Any) -> None:
    make_table(ddb, "src")
    ddb.put_item(TableName="src", Item={"pk": s("before"), "sk": s("1"), "v": n(1)})
    off = ddb.describe_continuous_backups(TableName="src")["ContinuousBackupsDescription"]
    assert off["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    code, _, _ = error_of(ddb.restore_table_to_point_in_time, SourceTableName="src", TargetTableName="xyz",
                          UseLatestRestorableTime=True)
    assert code == "PointInTimeRecoveryUnavailableException"
    on = ddb.update_continuous_backups(TableName="src", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert on["PointInTimeRecoveryStatus"] == "ENABLED"
    fogbank.advance(60)
    ddb.put_item(TableName="src", Item={"pk": s("early"), "sk": s("1")})
    ddb.update_item(TableName="src", Key={"pk": s("before"), "sk": s("1")}, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": n(2)})
    moment = datetime.fromtimestamp(fogbank.advance(60), UTC)
    fogbank.advance(60)
    ddb.update_item(TableName="src", Key={"pk": s("before"), "sk": s("1")}, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": n(3)})
    ddb.delete_item(TableName="src", Key={"pk": s("early"), "sk": s("1")})
    ddb.put_item(TableName="src", Item={"pk": s("late"), "sk": s("1")})

    ddb.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="then", RestoreDateTime=moment)
    assert keys_of(ddb, "then") == ["before/1", "early/1"]
    assert ddb.get_item(TableName="then", Key={"pk": s("before"), "sk": s("1")})["Item"]["v"] == n(2)
    ddb.restore_table_to_point_in_time(SourceTableName="src", TargetTableName="latest", UseLatestRestorableTime=True)
    assert keys_of(ddb, "latest") == ["before/1", "late/1"]

    window = ddb.describe_continuous_backups(TableName="src")["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    too_early = window["EarliestRestorableDateTime"].timestamp() - 10
    code, status, _ = error_of(ddb.restore_table_to_point_in_time, SourceTableName="src", TargetTableName="xyz",
                               RestoreDateTime=datetime.fromtimestamp(too_early, UTC))
    assert (code, status) == ("InvalidRestoreTimeException", 400)
    assert "xyz" not in ddb.list_tables()["TableNames"]
