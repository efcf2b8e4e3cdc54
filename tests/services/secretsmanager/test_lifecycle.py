"""DeleteSecret on fogbank's clock, RestoreSecret, DescribeSecret's fields, ListSecrets,
tags, resource policies and BatchGetSecretValue."""

from __future__ import annotations

import json

from tests.services.secretsmanager.conftest import error_of

DAY = 86400
MARKED = "You can't perform this operation on the secret because it was marked for deletion."


def test_delete_with_recovery_window_then_gone(sm, fogbank) -> None:
    arn = sm.create_secret(Name="gone", SecretString="v")["ARN"]
    out = sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    described = sm.describe_secret(SecretId=arn)
    assert (out["DeletionDate"] - described["DeletedDate"]).total_seconds() == 7 * DAY
    assert error_of(sm.get_secret_value, SecretId="gone") == ("InvalidRequestException", 400, MARKED)
    assert error_of(sm.put_secret_value, SecretId="gone", SecretString="x")[:2] == ("InvalidRequestException", 400)
    assert error_of(sm.delete_secret, SecretId="gone")[0] == "InvalidRequestException"
    code, _, msg = error_of(sm.create_secret, Name="gone", SecretString="v")
    assert code == "InvalidRequestException" and "scheduled for deletion" in msg
    assert [s["Name"] for s in sm.list_secrets()["SecretList"]] == []
    assert [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]] == ["gone"]
    fogbank.advance(7 * DAY - 60)
    assert sm.describe_secret(SecretId="gone")["Name"] == "gone"
    fogbank.advance(120)
    assert error_of(sm.describe_secret, SecretId="gone") == (
        "ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret.")
    second = sm.create_secret(Name="gone", SecretString="new")
    assert second["ARN"] != arn and sm.get_secret_value(SecretId="gone")["SecretString"] == "new"


def test_restore_and_default_window(sm, fogbank) -> None:
    sm.create_secret(Name="back", SecretString="v")
    out = sm.delete_secret(SecretId="back")
    assert (out["DeletionDate"] - sm.describe_secret(SecretId="back")["DeletedDate"]).days == 30
    sm.restore_secret(SecretId="back")
    assert "DeletedDate" not in sm.describe_secret(SecretId="back")
    fogbank.advance(31 * DAY)
    assert sm.get_secret_value(SecretId="back")["SecretString"] == "v"
    assert error_of(sm.restore_secret, SecretId="never")[0] == "ResourceNotFoundException"


def test_delete_parameter_errors_and_force(sm) -> None:
    sm.create_secret(Name="f", SecretString="v")
    code, status, msg = error_of(sm.delete_secret, SecretId="f", RecoveryWindowInDays=6)
    assert (code, status) == ("InvalidParameterException", 400) and "between 7 and 30" in msg
    assert error_of(sm.delete_secret, SecretId="f", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)[0] == (
        "InvalidParameterException")
    assert sm.get_secret_value(SecretId="f")["SecretString"] == "v"
    sm.delete_secret(SecretId="f", ForceDeleteWithoutRecovery=True)
    assert error_of(sm.describe_secret, SecretId="f")[0] == "ResourceNotFoundException"
    sm.create_secret(Name="f", SecretString="again")
    assert sm.get_secret_value(SecretId="f")["SecretString"] == "again"


def test_describe_fields_and_last_accessed_by_day(sm, fogbank) -> None:
    sm.create_secret(Name="d", SecretString="v", Tags=[{"Key": "team", "Value": "core"}])
    described = sm.describe_secret(SecretId="d")
    assert described["RotationEnabled"] is False and "LastAccessedDate" not in described
    assert described["Tags"] == [{"Key": "team", "Value": "core"}]
    assert described["LastChangedDate"] and described["CreatedDate"]
    sm.get_secret_value(SecretId="d")
    accessed = sm.describe_secret(SecretId="d")["LastAccessedDate"]
    assert (accessed.hour, accessed.minute, accessed.second) == (0, 0, 0)
    fogbank.advance(DAY)
    sm.get_secret_value(SecretId="d")
    assert (sm.describe_secret(SecretId="d")["LastAccessedDate"] - accessed).days == 1


def test_tags(sm) -> None:
    sm.create_secret(Name="t", SecretString="v")
    sm.tag_resource(SecretId="t", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    sm.tag_resource(SecretId="t", Tags=[{"Key": "a", "Value": "9"}])
    sm.untag_resource(SecretId="t", TagKeys=["b"])
    assert sm.describe_secret(SecretId="t")["Tags"] == [{"Key": "a", "Value": "9"}]
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert error_of(sm.tag_resource, SecretId="t", Tags=many)[0] == "LimitExceededException"
    assert sm.describe_secret(SecretId="t")["Tags"] == [{"Key": "a", "Value": "9"}]
    assert error_of(sm.tag_resource, SecretId="nope", Tags=[{"Key": "a", "Value": "1"}])[0] == "ResourceNotFoundException"


def test_list_secrets_filters_sort_and_pages(sm, fogbank) -> None:
    for i, name in enumerate(["app/one", "app/two", "db/main"]):
        sm.create_secret(Name=name, SecretString="v", Description=f"desc {name}",
                         Tags=[{"Key": "env", "Value": "prod" if i < 2 else "dev"}])
        fogbank.advance(10)

    def names(**kwargs):
        return [s["Name"] for s in sm.list_secrets(**kwargs)["SecretList"]]

    assert names(SortOrder="asc") == ["app/one", "app/two", "db/main"]
    assert names() == ["db/main", "app/two", "app/one"]
    assert names(Filters=[{"Key": "name", "Values": ["app/"]}], SortOrder="asc") == ["app/one", "app/two"]
    assert names(Filters=[{"Key": "name", "Values": ["!app/"]}]) == ["db/main"]
    assert names(Filters=[{"Key": "tag-value", "Values": ["dev"]}]) == ["db/main"]
    assert sorted(names(Filters=[{"Key": "tag-key", "Values": ["env"]}])) == ["app/one", "app/two", "db/main"]
    assert names(Filters=[{"Key": "description", "Values": ["desc db"]}]) == ["db/main"]
    assert names(Filters=[{"Key": "all", "Values": ["dev"]}]) == ["db/main"]
    assert len(names(Filters=[{"Key": "primary-region", "Values": ["us-east-1"]}])) == 3
    assert names(SortBy="name", SortOrder="asc") == ["app/one", "app/two", "db/main"]
    page = sm.list_secrets(MaxResults=2, SortOrder="asc")
    assert [s["Name"] for s in page["SecretList"]] == ["app/one", "app/two"]
    rest = sm.list_secrets(MaxResults=2, SortOrder="asc", NextToken=page["NextToken"])
    assert [s["Name"] for s in rest["SecretList"]] == ["db/main"] and "NextToken" not in rest
    assert "SecretVersionsToStages" in rest["SecretList"][0]
    assert error_of(sm.list_secrets, NextToken="garbage")[0] == "InvalidNextTokenException"


def test_resource_policy(sm) -> None:
    sm.create_secret(Name="p", SecretString="v")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="p")
    sm.put_resource_policy(SecretId="p", ResourcePolicy=policy)
    assert json.loads(sm.get_resource_policy(SecretId="p")["ResourcePolicy"]) == json.loads(policy)
    public = policy.replace('{"AWS": "arn:aws:iam::222222222222:root"}', '"*"')
    assert error_of(sm.put_resource_policy, SecretId="p", ResourcePolicy=public, BlockPublicPolicy=True)[:2] == (
        "PublicPolicyException", 400)
    assert error_of(sm.put_resource_policy, SecretId="p", ResourcePolicy="{not json")[:2] == (
        "MalformedPolicyDocumentException", 400)
    assert json.loads(sm.get_resource_policy(SecretId="p")["ResourcePolicy"]) == json.loads(policy)
    assert sm.validate_resource_policy(ResourcePolicy=policy)["PolicyValidationPassed"] is True
    assert sm.validate_resource_policy(ResourcePolicy="[]")["PolicyValidationPassed"] is False
    sm.delete_resource_policy(SecretId="p")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="p")


def test_batch_get_secret_value(sm) -> None:
    sm.create_secret(Name="b/1", SecretString="one")
    sm.create_secret(Name="b/2", SecretString="two")
    sm.create_secret(Name="c/3", SecretString="three")
    out = sm.batch_get_secret_value(SecretIdList=["b/1", "b/2", "missing"])
    assert sorted(v["SecretString"] for v in out["SecretValues"]) == ["one", "two"]
    assert out["Errors"] == [{"SecretId": "missing", "ErrorCode": "ResourceNotFoundException",
                              "Message": "Secrets Manager can't find the specified secret."}]
    out = sm.batch_get_secret_value(Filters=[{"Key": "name", "Values": ["b/"]}])
    assert sorted(v["Name"] for v in out["SecretValues"]) == ["b/1", "b/2"]
    assert error_of(sm.batch_get_secret_value, SecretIdList=["b/1"],
                    Filters=[{"Key": "name", "Values": ["b/"]}])[0] == "InvalidParameterException"
