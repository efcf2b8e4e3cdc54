"""Building function zips and functions for the Lambda service tests."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def zip_of(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> bytes:
    """A zip holding ``files`` (name -> content); ``modes`` sets Unix permissions (e.g. 0o755)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644) | 0o100000) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def create(lam: Any, name: str, files: dict[str, str | bytes], runtime: str = "python3.11",
           handler: str = "app.handler", modes: dict[str, int] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Create a function from ``files``."""
    return lam.create_function(
        FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
        Code={"ZipFile": zip_of(files, modes)}, **kwargs,
    )


def invoke(lam: Any, name: str, event: Any = None, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    """Invoke synchronously; returns (response, decoded payload)."""
    payload = json.dumps(event if event is not None else {}).encode()
    response = lam.invoke(FunctionName=name, Payload=payload, **kwargs)
    body = response["Payload"].read()
    return response, json.loads(body) if body else None


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, int, str]:
    """(code, HTTP status, message) of the ClientError a call raises."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"].get("Message", "")


ECHO_PY = """
import os, json
COUNT = [0]
def handler(event, context):
    COUNT[0] += 1
    return {"event": event, "count": COUNT[0]}
"""
