"""PutParameter and GetParameter: types, overwrite rules, versions, labels, tiers, patterns,
data types, names, and SecureString values encrypted through KMS."""

from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError

from tests.services.ssm.conftest import error_of

ACCOUNT = "111111111111"


def test_put_and_get_string(ssm) -> None:
    first = ssm.put_parameter(Name="/app/prod/db/url", Value="postgres://db", Type="String")
    assert (first["Version"], first["Tier"]) == (1, "Standard")
    assert ssm.put_parameter(Name="/app/prod/db/url", Value="postgres://db2", Type="String", Overwrite=True)["Version"] == 2
    param = ssm.get_parameter(Name="/app/prod/db/url")["Parameter"]
    assert param["Value"] == "postgres://db2" and param["Version"] == 2 and param["Type"] == "String"
    assert param["ARN"] == f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/prod/db/url"
    assert param["DataType"] == "text"
    by_arn = ssm.get_parameter(Name=param["ARN"])["Parameter"]
    assert by_arn["Value"] == "postgres://db2"


def test_overwrite_rules(ssm) -> None:
    assert ssm.put_parameter(Name="plain", Value="1", Type="String")["Version"] == 1
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="plain", Value="2", Type="String")
    assert error_of(exc) == (
        "ParameterAlreadyExists", 400,
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
    )
    assert ssm.get_parameter(Name="plain")["Parameter"]["Value"] == "1"
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="plain", Value="2", Overwrite=True, Tags=[{"Key": "a", "Value": "b"}])
    assert error_of(exc)[:2] == ("ValidationException", 400)
    assert ssm.put_parameter(Name="plain", Value="2", Overwrite=True)["Version"] == 2
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="untyped", Value="x")
    assert error_of(exc)[:2] == ("ValidationException", 400)


def test_string_list(ssm) -> None:
    ssm.put_parameter(Name="/l", Value="a,b,c", Type="StringList")
    assert ssm.get_parameter(Name="/l")["Parameter"] | {"LastModifiedDate": None} == {
        "Name": "/l", "Type": "StringList", "Value": "a,b,c", "Version": 1, "LastModifiedDate": None,
        "ARN": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/l", "DataType": "text",
    }


def test_secure_string_with_the_default_key(ssm, kms) -> None:
    ssm.put_parameter(Name="/app/secret", Value="hunter2", Type="SecureString")
    hidden = ssm.get_parameter(Name="/app/secret")["Parameter"]["Value"]
    assert hidden != "hunter2" and b"hunter2" not in base64.b64decode(hidden)
    assert ssm.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"]["Value"] == "hunter2"
    meta = ssm.describe_parameters()["Parameters"][0]
    assert meta["KeyId"] == "alias/aws/ssm"
    key = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
    assert key["KeyManager"] == "AWS"
    # the stored value is a real KMS ciphertext bound to the parameter's ARN
    arn = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/secret"
    plain = kms.decrypt(CiphertextBlob=base64.b64decode(hidden), EncryptionContext={"PARAMETER_ARN": arn})["Plaintext"]
    assert plain == b"hunter2"


def test_secure_string_with_a_customer_key(ssm, kms) -> None:
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/params", TargetKeyId=key_id)
    ssm.put_parameter(Name="/s", Value="v1", Type="SecureString", KeyId="alias/params")
    assert ssm.get_parameter(Name="/s", WithDecryption=True)["Parameter"]["Value"] == "v1"
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/s", WithDecryption=True)
    code, status, message = error_of(exc)
    assert (code, status) == ("InvalidKeyId", 400) and "is disabled" in message and "DisabledException" in message
    # without decryption the ciphertext is still readable
    assert ssm.get_parameter(Name="/s")["Parameter"]["Value"]
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/s", Value="v2", Type="SecureString", Overwrite=True)
    assert error_of(exc)[0] == "InvalidKeyId"
    assert ssm.get_parameter(Name="/s")["Parameter"]["Version"] == 1
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/t", Value="v", Type="SecureString", KeyId="alias/missing")
    assert error_of(exc)[0] == "InvalidKeyId"
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/t")
    assert error_of(exc)[:2] == ("ParameterNotFound", 400)


def test_versions_and_selectors(ssm) -> None:
    for value in ("one", "two", "three"):
        ssm.put_parameter(Name="/v", Value=value, Type="String", Overwrite=True)
    assert ssm.get_parameter(Name="/v:1")["Parameter"]["Value"] == "one"
    assert ssm.get_parameter(Name="/v:1")["Parameter"]["Selector"] == ":1"
    out = ssm.label_parameter_version(Name="/v", ParameterVersion=2, Labels=["stable", "1bad", "awsy"])
    assert out == {"InvalidLabels": ["1bad", "awsy"], "ParameterVersion": 2, "ResponseMetadata": out["ResponseMetadata"]}
    assert ssm.get_parameter(Name="/v:stable")["Parameter"]["Value"] == "two"
    ssm.label_parameter_version(Name="/v", Labels=["stable"])  # moves to the latest
    assert ssm.get_parameter(Name="/v:stable")["Parameter"]["Value"] == "three"
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/v:9")
    assert error_of(exc)[:2] == ("ParameterVersionNotFound", 400)
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/v:nolabel")
    assert error_of(exc)[:2] == ("ParameterNotFound", 400)
    with pytest.raises(ClientError) as exc:
        ssm.label_parameter_version(Name="/v", ParameterVersion=9, Labels=["x"])
    assert error_of(exc)[:2] == ("ParameterVersionNotFound", 400)
    removed = ssm.unlabel_parameter_version(Name="/v", ParameterVersion=3, Labels=["stable", "other"])
    assert removed["RemovedLabels"] == ["stable"] and removed["InvalidLabels"] == ["other"]
    history = ssm.get_parameter_history(Name="/v")["Parameters"]
    assert [(h["Version"], h["Value"]) for h in history] == [(1, "one"), (2, "two"), (3, "three")]


def test_label_limit(ssm) -> None:
    ssm.put_parameter(Name="/lab", Value="x", Type="String")
    ssm.label_parameter_version(Name="/lab", Labels=[f"l{i}" for i in range(10)])
    with pytest.raises(ClientError) as exc:
        ssm.label_parameter_version(Name="/lab", Labels=["eleventh"])
    assert error_of(exc)[:2] == ("ParameterVersionLabelLimitExceeded", 400)
    assert len(ssm.get_parameter_history(Name="/lab")["Parameters"][0]["Labels"]) == 10


def test_hundred_versions_then_the_oldest_is_dropped(ssm) -> None:
    for i in range(100):
        ssm.put_parameter(Name="/many", Value=str(i), Type="String", Overwrite=True)
    ssm.label_parameter_version(Name="/many", ParameterVersion=1, Labels=["first"])
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/many", Value="101", Type="String", Overwrite=True)
    assert error_of(exc)[:2] == ("ParameterMaxVersionLimitExceeded", 400)
    ssm.label_parameter_version(Name="/many", ParameterVersion=2, Labels=["first"])
    assert ssm.put_parameter(Name="/many", Value="101", Type="String", Overwrite=True)["Version"] == 101
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/many:1")
    assert error_of(exc)[0] == "ParameterVersionNotFound"
    history = ssm.get_parameter_history(Name="/many", MaxResults=50)
    assert history["Parameters"][0]["Version"] == 2 and "NextToken" in history


def test_tiers(ssm) -> None:
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/big", Value="x" * 4097, Type="String")
    assert error_of(exc)[:2] == ("ValidationException", 400)
    assert ssm.put_parameter(Name="/big", Value="x" * 4097, Type="String", Tier="Advanced")["Tier"] == "Advanced"
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/big", Value="small", Type="String", Tier="Standard", Overwrite=True)
    assert error_of(exc)[:2] == ("ValidationException", 400)
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/huge", Value="x" * 8193, Type="String", Tier="Advanced")
    assert error_of(exc)[:2] == ("ValidationException", 400)
    assert ssm.put_parameter(Name="/auto", Value="x" * 5000, Type="String", Tier="Intelligent-Tiering")["Tier"] == "Advanced"
    assert ssm.put_parameter(Name="/auto2", Value="x", Type="String", Tier="Intelligent-Tiering")["Tier"] == "Standard"


def test_allowed_pattern_and_data_type(ssm) -> None:
    ssm.put_parameter(Name="/port", Value="8080", Type="String", AllowedPattern=r"^\d+$")
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/port", Value="http", Type="String", Overwrite=True)
    assert error_of(exc) == ("ParameterPatternMismatchException", 400, r"Parameter value, cannot be validated against allowedPattern: ^\d+$")
    assert ssm.get_parameter(Name="/port")["Parameter"]["Value"] == "8080"
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/bad", Value="x", Type="String", AllowedPattern="([")
    assert error_of(exc)[:2] == ("InvalidAllowedPatternException", 400)
    ssm.put_parameter(Name="/ami", Value="ami-0123456789abcdef0", Type="String", DataType="aws:ec2:image")
    assert ssm.get_parameter(Name="/ami")["Parameter"]["DataType"] == "aws:ec2:image"
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/ami2", Value="not-an-ami", Type="String", DataType="aws:ec2:image")
    assert error_of(exc)[:2] == ("ValidationException", 400)
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name="/dt", Value="x", Type="String", DataType="TEXT")
    assert error_of(exc)[:2] == ("ValidationException", 400)


@pytest.mark.parametrize("name", ["aws-thing", "/ssm/x", "/a//b", "/a/b/", "a/b", "/bad name", "/" + "/".join("abcdefghijklmnop")])
def test_bad_names(ssm, name) -> None:
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name=name, Value="x", Type="String")
    code, status, _ = error_of(exc)
    assert status == 400 and code in ("ValidationException", "HierarchyLevelLimitExceededException")
    assert ssm.describe_parameters()["Parameters"] == []


def test_fifteen_levels_are_allowed(ssm) -> None:
    name = "/" + "/".join("abcdefghijklmno")
    ssm.put_parameter(Name=name, Value="deep", Type="String")
    with pytest.raises(ClientError) as exc:
        ssm.put_parameter(Name=name + "/p", Value="x", Type="String")
    assert error_of(exc)[:2] == ("HierarchyLevelLimitExceededException", 400)


def test_get_parameters_and_delete(ssm) -> None:
    ssm.put_parameter(Name="/a", Value="1", Type="String")
    ssm.put_parameter(Name="/b", Value="2", Type="SecureString")
    out = ssm.get_parameters(Names=["/a", "/b", "/missing", "/a:7"], WithDecryption=True)
    assert {p["Name"]: p["Value"] for p in out["Parameters"]} == {"/a": "1", "/b": "2"}
    assert out["InvalidParameters"] == ["/missing", "/a:7"]
    ssm.delete_parameter(Name="/a")
    with pytest.raises(ClientError) as exc:
        ssm.delete_parameter(Name="/a")
    assert error_of(exc)[:2] == ("ParameterNotFound", 400)
    out = ssm.delete_parameters(Names=["/b", "/nope"])
    assert out["DeletedParameters"] == ["/b"] and out["InvalidParameters"] == ["/nope"]


def test_public_ami_parameters(ssm, aws) -> None:
    name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    param = ssm.get_parameter(Name=name)["Parameter"]
    assert param["Value"].startswith("ami-") and param["Value"] == ssm.get_parameter(Name=name)["Parameter"]["Value"]
    other = aws("ssm", region="eu-west-1").get_parameter(Name=name)["Parameter"]["Value"]
    assert other != param["Value"]
    listed = ssm.get_parameters_by_path(Path="/aws/service/ami-amazon-linux-latest", MaxResults=10)
    assert name in [p["Name"] for p in listed["Parameters"]]
    with pytest.raises(ClientError) as exc:
        ssm.get_parameter(Name="/aws/service/nothing/here")
    assert error_of(exc)[:2] == ("ParameterNotFound", 400)
