"""Functions, versions, aliases, layers, concurrency, policies and configs through boto3."""

from __future__ import annotations

import base64
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.services.lambda_.helpers import ECHO_PY, ROLE, create, error_of, invoke, zip_of


def test_create_get_list_update_delete(lam: Any) -> None:
    package = zip_of({"app.py": ECHO_PY})
    made = lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package}, Tags={"team": "a"})
    assert made["State"] == "Pending" and made["StateReasonCode"] == "Creating"
    assert made["CodeSha256"] == base64.b64encode(hashlib.sha256(package).digest()).decode()
    assert made["CodeSize"] == len(package) and made["Timeout"] == 3 and made["MemorySize"] == 128
    assert made["EphemeralStorage"] == {"Size": 512} and made["PackageType"] == "Zip"
    got = lam.get_function(FunctionName="f")
    assert got["Configuration"]["State"] == "Active" and got["Tags"] == {"team": "a"}
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["f"]
    updated = lam.update_function_configuration(FunctionName="f", Timeout=30, MemorySize=1024,
                                                Environment={"Variables": {"A": "1"}})
    assert updated["LastUpdateStatus"] == "InProgress"
    config = lam.get_function_configuration(FunctionName="f")
    assert (config["Timeout"], config["MemorySize"], config["LastUpdateStatus"]) == (30, 1024, "Successful")
    assert config["RevisionId"] != made["RevisionId"]
    new_code = zip_of({"app.py": "def handler(e, c):\n    return 'v2'\n"})
    lam.update_function_code(FunctionName="f", ZipFile=new_code)
    assert invoke(lam, "f")[1] == "v2"
    lam.tag_resource(Resource=made["FunctionArn"], Tags={"env": "dev"})
    lam.untag_resource(Resource=made["FunctionArn"], TagKeys=["team"])
    assert lam.list_tags(Resource=made["FunctionArn"])["Tags"] == {"env": "dev"}
    lam.delete_function(FunctionName="f")
    code, status, _ = error_of(lam.get_function, FunctionName="f")
    assert (code, status) == ("ResourceNotFoundException", 404)


def test_create_errors_leave_nothing(lam: Any) -> None:
    create(lam, "dup", {"app.py": ECHO_PY})
    assert error_of(create, lam, "dup", {"app.py": ECHO_PY})[:2] == ("ResourceConflictException", 409)
    code, status, message = error_of(lam.create_function, FunctionName="badzip", Runtime="python3.12", Role=ROLE,
                                     Handler="app.handler", Code={"ZipFile": b"not a zip"})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message == "Could not unzip uploaded file. Please check your file, then try to upload again."
    assert error_of(create, lam, "t", {"app.py": ECHO_PY}, Timeout=901)[:2] == ("ValidationException", 400)
    assert error_of(create, lam, "m", {"app.py": ECHO_PY}, MemorySize=10241)[:2] == ("ValidationException", 400)
    code, _, message = error_of(create, lam, "e", {"app.py": ECHO_PY}, Environment={"Variables": {"BIG": "x" * 5000}})
    assert code == "InvalidParameterValueException" and "4KB" in message
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["dup"]


def test_versions_and_weighted_alias(lam: Any) -> None:
    create(lam, "v", {"app.py": "def handler(e, c):\n    return 'one'\n"})
    v1 = lam.publish_version(FunctionName="v")
    assert v1["Version"] == "1" and v1["FunctionArn"].endswith(":function:v:1")
    assert lam.publish_version(FunctionName="v")["Version"] == "1"  # nothing changed
    lam.update_function_code(FunctionName="v", ZipFile=zip_of({"app.py": "def handler(e, c):\n    return 'two'\n"}))
    assert lam.publish_version(FunctionName="v")["Version"] == "2"
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="v")["Versions"]] == ["$LATEST", "1", "2"]
    response, out = invoke(lam, "v", Qualifier="1")
    assert (out, response["ExecutedVersion"]) == ("one", "1")
    assert invoke(lam, "v:2")[1] == "two"
    code, status, _ = error_of(lam.create_alias, FunctionName="v", Name="bad", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"$LATEST": 0.5}})
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert error_of(lam.create_alias, FunctionName="v", Name="x", FunctionVersion="9")[:2] == ("ResourceNotFoundException", 404)
    lam.create_alias(FunctionName="v", Name="live", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}})
    with ThreadPoolExecutor(4) as pool:  # a few at once: the split is per invocation, not per environment
        ran = list(pool.map(lambda _: lam.invoke(FunctionName="v", Qualifier="live")["ExecutedVersion"], range(2000)))
    assert set(ran) == {"1", "2"}
    # 0.3 of 2,000 is 600 with a standard deviation of about 20.5: four deviations either side
    assert 518 <= ran.count("2") <= 682
    assert error_of(lam.delete_function, FunctionName="v", Qualifier="2")[:2] == ("ResourceConflictException", 409)
    lam.update_alias(FunctionName="v", Name="live", FunctionVersion="2", RoutingConfig={"AdditionalVersionWeights": {}})
    assert lam.get_alias(FunctionName="v", Name="live")["FunctionVersion"] == "2"
    assert invoke(lam, "v:live")[0]["ExecutedVersion"] == "2"
    lam.delete_function(FunctionName="v", Qualifier="1")
    assert error_of(lam.get_function, FunctionName="v", Qualifier="1")[:2] == ("ResourceNotFoundException", 404)


def test_layers_are_on_the_path_in_order(lam: Any) -> None:
    first = lam.publish_layer_version(LayerName="libs", Content={"ZipFile": zip_of({"python/shared.py": "WHO = 'first'\nONLY = 1\n"})},
                                      CompatibleRuntimes=["python3.11"])
    second = lam.publish_layer_version(LayerName="more", Content={"ZipFile": zip_of({"python/shared.py": "WHO = 'second'\n"})})
    assert first["Version"] == 1 and first["LayerVersionArn"].endswith(":layer:libs:1")
    code = "import shared\ndef handler(e, c):\n    return shared.WHO\n"
    create(lam, "uses", {"app.py": code}, Layers=[first["LayerVersionArn"], second["LayerVersionArn"]])
    assert invoke(lam, "uses")[1] == "second"
    config = lam.get_function_configuration(FunctionName="uses")
    assert [layer["Arn"] for layer in config["Layers"]] == [first["LayerVersionArn"], second["LayerVersionArn"]]
    assert [v["Version"] for v in lam.list_layer_versions(LayerName="libs")["LayerVersions"]] == [1]
    assert {layer["LayerName"] for layer in lam.list_layers()["Layers"]} == {"libs", "more"}
    missing = first["LayerVersionArn"][:-1] + "7"
    code_, status, _ = error_of(create, lam, "nolayer", {"app.py": code}, Layers=[missing])
    assert (code_, status) == ("InvalidParameterValueException", 400)
    lam.add_layer_version_permission(LayerName="libs", VersionNumber=1, StatementId="all", Action="lambda:GetLayerVersion", Principal="*")
    policy = json.loads(lam.get_layer_version_policy(LayerName="libs", VersionNumber=1)["Policy"])
    assert policy["Statement"][0]["Sid"] == "all"
    lam.delete_layer_version(LayerName="libs", VersionNumber=1)
    assert error_of(lam.get_layer_version, LayerName="libs", VersionNumber=1)[:2] == ("ResourceNotFoundException", 404)
    assert invoke(lam, "uses")[1] == "second"  # functions keep their layers


def test_reserved_concurrency_and_throttling(lam: Any) -> None:
    create(lam, "c", {"app.py": ECHO_PY})
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    code, status, message = error_of(lam.put_function_concurrency, FunctionName="c", ReservedConcurrentExecutions=950)
    assert (code, status) == ("InvalidParameterValueException", 400) and "[100]" in message
    lam.put_function_concurrency(FunctionName="c", ReservedConcurrentExecutions=0)
    assert lam.get_function_concurrency(FunctionName="c")["ReservedConcurrentExecutions"] == 0
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000
    lam.put_function_concurrency(FunctionName="c", ReservedConcurrentExecutions=10)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 990
    lam.put_function_concurrency(FunctionName="c", ReservedConcurrentExecutions=0)
    from botocore.exceptions import ClientError

    try:
        lam.invoke(FunctionName="c", Payload=b"{}")
        raise AssertionError("not throttled")
    except ClientError as err:
        assert err.response["Error"]["Code"] == "TooManyRequestsException"
        assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert err.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    lam.delete_function_concurrency(FunctionName="c")
    assert invoke(lam, "c")[1]["count"] == 1


def test_resource_policy(lam: Any) -> None:
    create(lam, "p", {"app.py": ECHO_PY})
    added = lam.add_permission(FunctionName="p", StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                               SourceArn="arn:aws:s3:::bucket", SourceAccount="000000000000")
    statement = json.loads(added["Statement"])
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == "arn:aws:s3:::bucket"
    assert error_of(lam.add_permission, FunctionName="p", StatementId="s3", Action="lambda:InvokeFunction", Principal="*")[:2] == ("ResourceConflictException", 409)
    policy = json.loads(lam.get_policy(FunctionName="p")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["s3"]
    lam.remove_permission(FunctionName="p", StatementId="s3")
    assert error_of(lam.get_policy, FunctionName="p")[:2] == ("ResourceNotFoundException", 404)


def test_function_url_configs(lam: Any) -> None:
    create(lam, "u", {"app.py": ECHO_PY})
    url = lam.create_function_url_config(FunctionName="u", AuthType="NONE")
    assert url["FunctionUrl"].startswith("http://") and ".lambda-url.us-east-1.localhost:" in url["FunctionUrl"]
    assert error_of(lam.create_function_url_config, FunctionName="u", AuthType="NONE")[:2] == ("ResourceConflictException", 409)
    assert lam.update_function_url_config(FunctionName="u", AuthType="AWS_IAM")["AuthType"] == "AWS_IAM"
    assert lam.get_function_url_config(FunctionName="u")["AuthType"] == "AWS_IAM"
    lam.delete_function_url_config(FunctionName="u")
    assert error_of(lam.get_function_url_config, FunctionName="u")[:2] == ("ResourceNotFoundException", 404)
