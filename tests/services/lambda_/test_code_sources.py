"""Code from S3 (functions and layers), AWS's waiters, and the runtimes AWS refuses."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from tests.services.lambda_.helpers import ROLE, create, error_of, invoke, zip_of

V1 = zip_of({"app.py": "def handler(e, c):\n    return 'from s3 v1'\n"})
V2 = zip_of({"app.py": "def handler(e, c):\n    return 'from s3 v2'\n"})


def _bucket(aws: Any) -> tuple[Any, str, str]:
    """A versioned bucket holding two versions of ``code.zip``; returns (s3, first, second)."""
    s3 = aws("s3")
    s3.create_bucket(Bucket="code-bucket")
    s3.put_bucket_versioning(Bucket="code-bucket", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="code-bucket", Key="code.zip", Body=V1)["VersionId"]
    second = s3.put_object(Bucket="code-bucket", Key="code.zip", Body=V2)["VersionId"]
    return s3, first, second


def test_create_and_update_from_s3_objects_and_versions(lam: Any, aws: Any) -> None:
    _s3, first, _second = _bucket(aws)
    made = lam.create_function(FunctionName="s3fn", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"S3Bucket": "code-bucket", "S3Key": "code.zip", "S3ObjectVersion": first})
    assert made["CodeSha256"] == base64.b64encode(hashlib.sha256(V1).digest()).decode()
    assert made["CodeSize"] == len(V1)
    assert invoke(lam, "s3fn")[1] == "from s3 v1"
    updated = lam.update_function_code(FunctionName="s3fn", S3Bucket="code-bucket", S3Key="code.zip")
    assert updated["CodeSha256"] == base64.b64encode(hashlib.sha256(V2).digest()).decode()
    assert invoke(lam, "s3fn")[1] == "from s3 v2"
    layer = lam.publish_layer_version(LayerName="s3layer", Content={"S3Bucket": "code-bucket", "S3Key": "code.zip",
                                                                     "S3ObjectVersion": first})
    assert layer["Content"]["CodeSize"] == len(V1)


def test_s3_code_errors_leave_nothing(lam: Any, aws: Any) -> None:
    s3, _first, _second = _bucket(aws)
    s3.put_object(Bucket="code-bucket", Key="junk.zip", Body=b"not a zip")
    cases = [
        ({"S3Bucket": "code-bucket", "S3Key": "missing.zip"}, "S3 Error Code: NoSuchKey"),
        ({"S3Bucket": "no-such-bucket-here", "S3Key": "code.zip"}, "S3 Error Code: NoSuchBucket"),
        ({"S3Bucket": "code-bucket", "S3Key": "junk.zip"}, "Could not unzip uploaded file"),
    ]
    for source, text in cases:
        code, status, message = error_of(lam.create_function, FunctionName="bad", Runtime="python3.12", Role=ROLE,
                                         Handler="app.handler", Code=source)
        assert (code, status) == ("InvalidParameterValueException", 400), source
        assert text in message
    assert lam.list_functions()["Functions"] == []


def test_waiters_see_the_function_active_and_updated(lam: Any) -> None:
    create(lam, "waited", {"app.py": "def handler(e, c):\n    return 1\n"})
    lam.get_waiter("function_active_v2").wait(FunctionName="waited", WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    lam.update_function_configuration(FunctionName="waited", Timeout=10)
    lam.get_waiter("function_updated_v2").wait(FunctionName="waited", WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    config = lam.get_function_configuration(FunctionName="waited")
    assert (config["State"], config["LastUpdateStatus"], config["Timeout"]) == ("Active", "Successful", 10)


def test_unknown_and_retired_runtimes_are_refused(lam: Any) -> None:
    code, status, message = error_of(create, lam, "old", {"app.py": "x = 1\n"}, runtime="python2.7")
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message.startswith("The runtime parameter of python2.7 is no longer supported for creating or updating AWS Lambda functions.")
    assert "(python3.13)" in message
    code, status, message = error_of(create, lam, "odd", {"app.py": "x = 1\n"}, runtime="python9.9")
    assert (code, status) == ("ValidationException", 400)
    assert "Value 'python9.9' at 'runtime' failed to satisfy constraint" in message
    create(lam, "kept", {"app.py": "x = 1\n"})
    code, status, _ = error_of(lam.update_function_configuration, FunctionName="kept", Runtime="nodejs12.x")
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert lam.get_function_configuration(FunctionName="kept")["Runtime"] == "python3.11"
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["kept"]
