"""GetParametersByPath, DescribeParameters with filters and pagination, tags, history with
decryption, and Expiration policies on fogbank's clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from tests.services.ssm.conftest import error_of

TREE = {
    "/app/prod/db/url": ("String", "db-prod"),
    "/app/prod/db/password": ("SecureString", "p@ss"),
    "/app/prod/name": ("String", "prod"),
    "/app/dev/name": ("String", "dev"),
    "/app/dev/hosts": ("StringList", "a,b"),
    "/other/x": ("String", "x"),
    "/apple": ("String", "not under /app"),
}


@pytest.fixture
def tree(ssm) -> None:
    for name, (kind, value) in TREE.items():
        ssm.put_parameter(Name=name, Value=value, Type=kind)


def _names(page) -> list[str]:
    return [p["Name"] for p in page["Parameters"]]


def test_by_path_one_level_and_recursive(ssm, tree) -> None:
    assert _names(ssm.get_parameters_by_path(Path="/app/prod")) == ["/app/prod/name"]
    assert _names(ssm.get_parameters_by_path(Path="/app/prod/")) == ["/app/prod/name"]
    everything = ssm.get_parameters_by_path(Path="/app", Recursive=True, WithDecryption=True)
    assert {p["Name"]: p["Value"] for p in everything["Parameters"]} == {
        name: value for name, (_, value) in TREE.items() if name.startswith("/app/")
    }
    hidden = ssm.get_parameters_by_path(Path="/app/prod/db")["Parameters"]
    assert sorted(p["Name"] for p in hidden) == ["/app/prod/db/password", "/app/prod/db/url"]
    assert "p@ss" not in [p["Value"] for p in hidden]
    assert _names(ssm.get_parameters_by_path(Path="/", Recursive=True)) == sorted(TREE)


def test_by_path_filters_and_pages(ssm, tree) -> None:
    secure = ssm.get_parameters_by_path(
        Path="/app", Recursive=True, ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}], WithDecryption=True
    )
    assert [(p["Name"], p["Value"]) for p in secure["Parameters"]] == [("/app/prod/db/password", "p@ss")]
    seen, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ssm.get_parameters_by_path(Path="/app", Recursive=True, MaxResults=2, **kwargs)
        assert len(page["Parameters"]) <= 2
        seen += _names(page)
        token = page.get("NextToken")
        if not token:
            break
    assert seen == sorted(n for n in TREE if n.startswith("/app/"))
    with pytest.raises(ClientError) as exc:
        ssm.get_parameters_by_path(Path="/app", ParameterFilters=[{"Key": "Name", "Values": ["x"]}])
    assert error_of(exc)[:2] == ("InvalidFilterKey", 400)
    with pytest.raises(ClientError) as exc:
        ssm.get_parameters_by_path(Path="/app", NextToken="forged")
    assert error_of(exc)[:2] == ("InvalidNextToken", 400)
    with pytest.raises(ClientError) as exc:
        ssm.get_parameters_by_path(Path="no-slash")
    assert error_of(exc)[:2] == ("ValidationException", 400)


def test_by_path_with_label_filter(ssm) -> None:
    ssm.put_parameter(Name="/cfg/a", Value="old", Type="String")
    ssm.put_parameter(Name="/cfg/a", Value="new", Type="String", Overwrite=True)
    ssm.put_parameter(Name="/cfg/b", Value="b", Type="String")
    ssm.label_parameter_version(Name="/cfg/a", ParameterVersion=1, Labels=["live"])
    page = ssm.get_parameters_by_path(Path="/cfg", ParameterFilters=[{"Key": "Label", "Option": "Equals", "Values": ["live"]}])
    assert [(p["Name"], p["Value"], p["Selector"]) for p in page["Parameters"]] == [("/cfg/a", "old", ":live")]


def test_describe_filters(ssm, kms, tree) -> None:
    names = _names(ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/app/dev"]}]))
    assert names == ["/app/dev/hosts", "/app/dev/name"]
    names = _names(ssm.describe_parameters(ParameterFilters=[{"Key": "Path", "Option": "OneLevel", "Values": ["/app/prod"]}]))
    assert names == ["/app/prod/name"]
    names = _names(ssm.describe_parameters(ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/app/prod"]}]))
    assert names == ["/app/prod/db/password", "/app/prod/db/url", "/app/prod/name"]
    names = _names(ssm.describe_parameters(Filters=[{"Key": "Type", "Values": ["StringList"]}]))
    assert names == ["/app/dev/hosts"]
    names = _names(ssm.describe_parameters(ParameterFilters=[{"Key": "KeyId", "Values": ["alias/aws/ssm"]}]))
    assert names == ["/app/prod/db/password"]
    names = _names(ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/apple"]}]))
    assert names == ["/apple"]
    page = ssm.describe_parameters(MaxResults=3)
    assert len(page["Parameters"]) == 3 and "NextToken" in page
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/app/prod/db/password"]}])["Parameters"][0]
    assert meta["Type"] == "SecureString" and meta["Version"] == 1 and meta["Tier"] == "Standard"
    assert meta["LastModifiedUser"].startswith("arn:aws:iam::111111111111:")
    for bad, code in (
        ({"Key": "Type", "Values": ["Number"]}, "InvalidFilterValue"),
        ({"Key": "Name", "Option": "Recursive", "Values": ["/a"]}, "InvalidFilterOption"),
        ({"Key": "Label", "Values": ["x"]}, "InvalidFilterKey"),
    ):
        with pytest.raises(ClientError) as exc:
            ssm.describe_parameters(ParameterFilters=[bad])
        assert error_of(exc)[:2] == (code, 400)


def test_tags(ssm) -> None:
    ssm.put_parameter(Name="/t", Value="v", Type="String", Tags=[{"Key": "team", "Value": "a"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/t", Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "b"}])
    tags = {t["Key"]: t["Value"] for t in ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/t")["TagList"]}
    assert tags == {"team": "b", "env": "prod"}
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/t", TagKeys=["team"])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/t")["TagList"] == [{"Key": "env", "Value": "prod"}]
    names = _names(ssm.describe_parameters(ParameterFilters=[{"Key": "tag:env", "Values": ["prod"]}]))
    assert names == ["/t"]
    with pytest.raises(ClientError) as exc:
        ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/missing", Tags=[{"Key": "a", "Value": "b"}])
    assert error_of(exc)[:2] == ("InvalidResourceId", 400)
    with pytest.raises(ClientError) as exc:
        ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/t", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(exc)[:2] == ("TooManyTagsError", 400)
    assert len(ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/t")["TagList"]) == 1


def test_history_decrypts_on_request(ssm) -> None:
    ssm.put_parameter(Name="/h", Value="first", Type="SecureString", Description="d1")
    ssm.put_parameter(Name="/h", Value="second", Type="SecureString", Overwrite=True)
    clear = ssm.get_parameter_history(Name="/h", WithDecryption=True)["Parameters"]
    assert [h["Value"] for h in clear] == ["first", "second"]
    assert clear[0]["KeyId"] == "alias/aws/ssm" and clear[0]["Description"] == "d1"
    hidden = ssm.get_parameter_history(Name="/h")["Parameters"]
    assert "first" not in [h["Value"] for h in hidden]
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter_history(Name="/nope")
    assert error_of(exc)[:2] == ("ParameterNotFound", 400)


def test_expiration_policy_deletes_on_the_clock(ssm, fogbank) -> None:
    now = datetime.fromtimestamp(fogbank.advance(0), UTC)
    expires = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    policy = json.dumps([
        {"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": expires}},
        {"Type": "ExpirationNotification", "Version": "1.0", "Attributes": {"Before": "1", "Unit": "Days"}},
    ])
    out = ssm.put_parameter(Name="/temp", Value="v", Type="String", Policies=policy, Tier="Intelligent-Tiering")
    assert out["Tier"] == "Advanced"
    meta = ssm.describe_parameters()["Parameters"][0]
    assert [p["PolicyType"] for p in meta["Policies"]] == ["Expiration", "ExpirationNotification"]
    fogbank.advance(86400)
    assert ssm.get_parameter(Name="/temp")["Parameter"]["Value"] == "v"
    fogbank.advance(86400 + 60)
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/temp")
    assert error_of(exc)[0] == "ParameterNotFound"
    assert ssm.describe_parameters()["Parameters"] == []


def test_bad_policies(ssm) -> None:
    cases = (
        ("not json", "InvalidPolicyTypeException"),
        (json.dumps([{"Type": "Explode", "Version": "1.0", "Attributes": {}}]), "InvalidPolicyTypeException"),
        (json.dumps([{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "soon"}}]), "InvalidPolicyAttributeException"),
        (json.dumps([{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "2001-01-01T00:00:00Z"}}]), "InvalidPolicyAttributeException"),
    )
    for text, code in cases:
        with pytest.raises(ClientError) as exc:
            ssm.put_parameter(Name="/p", Value="v", Type="String", Policies=text, Tier="Advanced")
        assert error_of(exc)[:2] == (code, 400)
    assert ssm.describe_parameters()["Parameters"] == []
