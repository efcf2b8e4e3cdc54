"""Browser-based uploads (S3's POST Object): the ``multipart/form-data`` body and the POST policy.

A form carries the object key, optional object settings (Content-Type, x-amz-meta-*, acl, ...),
a base64 JSON *policy* (``expiration`` and ``conditions``), the SigV4 fields that sign the policy
and, last, the ``file``. Fields after the file are ignored, as S3 ignores them. Every field except
the signature, the policy, the file and ``x-ignore-*`` fields must be allowed by a condition.

This module is pure: it parses and checks. ``http.post_object`` stores the object.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fogbank.services.s3.errors import (
    AccessDenied,
    EntityTooLarge,
    EntityTooSmall,
    IncorrectNumberOfFilesInPostRequest,
    InvalidArgument,
    InvalidPolicyDocument,
    MalformedPOSTRequest,
)

# fields that sign or carry the policy rather than being checked by it
UNCHECKED = frozenset({"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"})
_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass
class Form:
    """The fields of a POST form (names lower case, first value kept) and its file."""

    fields: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # lower case -> as sent
    file: bytes | None = None
    filename: str | None = None


def boundary_of(content_type: str) -> str | None:
    """The multipart boundary a Content-Type header names."""
    params = dict((k.lower(), v) for k, v in _params(content_type))
    return params.get("boundary") or None


def _params(header: str) -> list[tuple[str, str]]:
    out = []
    for name, value in _PARAM.findall(header):
        value = value.strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((name, value))
    return out


def parse(body: bytes, boundary: str) -> Form:
    """The form in a ``multipart/form-data`` body; fields after the file are left out."""
    delimiter = b"--" + boundary.encode("latin-1")
    start = body.find(delimiter)
    if start < 0:
        raise MalformedPOSTRequest()
    form = Form()
    pos = start + len(delimiter)
    while True:
        if body[pos : pos + 2] == b"--":
            return form  # the closing delimiter
        if body[pos : pos + 2] != b"\r\n":
            raise MalformedPOSTRequest()
        head_end = body.find(b"\r\n\r\n", pos + 2)
        if head_end < 0:
            raise MalformedPOSTRequest()
        headers = _part_headers(body[pos + 2 : head_end])
        data_start = head_end + 4
        end = body.find(b"\r\n" + delimiter, data_start)
        if end < 0:
            raise MalformedPOSTRequest()
        disposition = dict((k.lower(), v) for k, v in _params(";" + headers.get("content-disposition", "").partition(";")[2]))
        name = disposition.get("name")
        if name is None:
            raise MalformedPOSTRequest()
        if name.lower() == "file":
            form.file = body[data_start:end]
            form.filename = disposition.get("filename", "")
            return form
        lower = name.lower()
        if lower not in form.fields:
            try:
                form.fields[lower] = body[data_start:end].decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedPOSTRequest() from None
            form.names[lower] = name
        pos = end + 2 + len(delimiter)


def _part_headers(raw: bytes) -> dict[str, str]:
    headers = {}
    for line in raw.decode("utf-8", "replace").split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return headers


def object_key(form: Form) -> str:
    """The key the form names, with ``${filename}`` replaced by the uploaded file's name."""
    key = form.fields.get("key")
    if key is None:
        raise InvalidArgument(
            "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
            ArgumentName="key", ArgumentValue="",
        )
    if form.file is None:
        raise IncorrectNumberOfFilesInPostRequest()
    return key.replace("${filename}", form.filename or "")


def decode_policy(text: str) -> dict[str, Any]:
    """The policy document from its base64 form field."""
    try:
        doc = json.loads(base64.b64decode(text, validate=True))
    except ValueError:
        raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.") from None
    if not isinstance(doc, dict):
        raise InvalidPolicyDocument("Invalid Policy: Invalid JSON.")
    if "expiration" not in doc:
        raise InvalidPolicyDocument("Invalid Policy: Policy missing expiration.")
    if not isinstance(doc.get("conditions"), list):
        raise InvalidPolicyDocument("Invalid Policy: Policy missing conditions.")
    return doc


def _expiry(text: Any) -> float:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise InvalidPolicyDocument(f"Invalid Policy: Invalid 'expiration' value: '{text}'") from None


def _shown(condition: Any) -> str:
    """A condition as S3 quotes it in a refusal."""
    if isinstance(condition, dict):
        name, value = next(iter(condition.items()))
        condition = ["eq", f"${name}", value]
    return "[" + ", ".join(json.dumps(part) for part in condition) + "]"


def check(doc: dict[str, Any], form: Form, bucket: str, now: float) -> None:
    """Refuse a form the policy does not allow: expired, a failed condition, a field no condition
    covers, or a file outside the ``content-length-range``."""
    if now >= _expiry(doc["expiration"]):
        raise AccessDenied("Invalid according to Policy: Policy expired.")
    values = {**form.fields, "bucket": bucket}
    covered: set[str] = set()
    size = len(form.file or b"")
    for condition in doc["conditions"]:
        if isinstance(condition, list) and condition and str(condition[0]).lower() == "content-length-range":
            _length_range(condition, size)
            continue
        name = _field_of(condition)
        op, expected = _operation(condition)
        value = values.get(name)
        ok = value is not None and (value == expected if op == "eq" else _starts_with(name, value, expected))
        if not ok:
            raise AccessDenied(f"Invalid according to Policy: Policy Condition failed: {_shown(condition)}")
        covered.add(name)
    extra = [form.names[n] for n in form.fields if n not in covered and n not in UNCHECKED and not n.startswith("x-ignore-")]
    if "bucket" not in covered:
        extra.insert(0, "bucket")
    if extra:
        raise AccessDenied(f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")


def _field_of(condition: Any) -> str:
    if isinstance(condition, dict) and len(condition) == 1:
        return str(next(iter(condition))).lower()
    if isinstance(condition, list) and len(condition) == 3 and isinstance(condition[1], str) and condition[1].startswith("$"):
        return condition[1][1:].lower()
    raise InvalidPolicyDocument(f"Invalid Policy: Invalid Condition: {_raw(condition)}")


def _operation(condition: Any) -> tuple[str, str]:
    if isinstance(condition, dict):
        return "eq", str(next(iter(condition.values())))
    op = str(condition[0]).lower()
    if op not in ("eq", "starts-with"):
        raise InvalidPolicyDocument(f"Invalid Policy: Invalid Condition: {_raw(condition)}")
    return op, str(condition[2])


def _starts_with(name: str, value: str, prefix: str) -> bool:
    # a Content-Type may list several types; each must start with the prefix
    if name == "content-type" and "," in value:
        return all(part.strip().startswith(prefix) for part in value.split(","))
    return value.startswith(prefix)


def _length_range(condition: list[Any], size: int) -> None:
    try:
        low, high = int(condition[1]), int(condition[2])
    except (IndexError, TypeError, ValueError):
        raise InvalidPolicyDocument(f"Invalid Policy: Invalid content-length-range: {_raw(condition)}") from None
    if size > high:
        raise EntityTooLarge(ProposedSize=size, MaxSizeAllowed=high)
    if size < low:
        raise EntityTooSmall("Your proposed upload is smaller than the minimum allowed size", ProposedSize=size, MinSizeAllowed=low)


def _raw(condition: Any) -> str:
    return json.dumps(condition)
