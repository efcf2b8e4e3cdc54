"""Browser-based uploads: boto3's generate_presigned_post form posted as multipart/form-data, with
the policy's conditions, success_action_status/redirect and S3's refusals."""

from __future__ import annotations

import base64
import json
import secrets
import urllib.error
import urllib.request
from typing import Any
from xml.etree import ElementTree

from tests.services.s3.helpers import assert_error


def multipart(fields: dict[str, str], file: bytes, filename: str = "upload.bin", after: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body with ``fields`` first, then the file (then ``after``)."""
    boundary = "----fogbank" + secrets.token_hex(8)
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + file + b"\r\n"
    for name, value in (after or {}).items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def post(url: str, fields: dict[str, str], file: bytes, **kwargs: Any) -> tuple[int, Any, bytes]:
    """POST a form without following redirects; (status, headers, body)."""
    body, content_type = multipart(fields, file, **kwargs)
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def error_code(body: bytes) -> tuple[str, str]:
    root = ElementTree.fromstring(body)
    return root.findtext("Code") or "", root.findtext("Message") or ""


def test_presigned_post_uploads_and_answers_204(s3: Any, bucket: str) -> None:
    form = s3.generate_presigned_post(bucket, "uploads/photo.jpg", ExpiresIn=600)
    status, headers, body = post(form["url"], form["fields"], b"picture bytes")
    assert status == 204, body
    assert headers["ETag"] == s3.head_object(Bucket=bucket, Key="uploads/photo.jpg")["ETag"]
    assert headers["Location"].endswith(f"/{bucket}/uploads/photo.jpg")
    assert headers["x-amz-server-side-encryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")["Body"].read() == b"picture bytes"


def test_filename_placeholder_starts_with_and_object_settings(s3: Any, bucket: str) -> None:
    fields = {"Content-Type": "image/png", "x-amz-meta-owner": "alice", "success_action_status": "201",
              "tagging": "<Tagging><TagSet><Tag><Key>kind</Key><Value>avatar</Value></Tag></TagSet></Tagging>"}
    conditions = [["starts-with", "$Content-Type", "image/"], {"x-amz-meta-owner": "alice"},
                  {"success_action_status": "201"}, ["starts-with", "$tagging", ""], ["content-length-range", 1, 100]]
    form = s3.generate_presigned_post(bucket, "avatars/${filename}", Fields=fields, Conditions=conditions)
    status, _, body = post(form["url"], form["fields"], b"png!", filename="me.png")
    assert status == 201, body
    doc = ElementTree.fromstring(body)
    assert doc.tag == "PostResponse" and doc.findtext("Key") == "avatars/me.png" and doc.findtext("Bucket") == bucket
    head = s3.head_object(Bucket=bucket, Key="avatars/me.png")
    assert head["ContentType"] == "image/png" and head["Metadata"] == {"owner": "alice"}
    assert doc.findtext("ETag") == head["ETag"]
    assert s3.get_object_tagging(Bucket=bucket, Key="avatars/me.png")["TagSet"] == [{"Key": "kind", "Value": "avatar"}]


def test_success_action_status_200_and_redirect(s3: Any, bucket: str) -> None:
    form = s3.generate_presigned_post(bucket, "a", Fields={"success_action_status": "200"},
                                      Conditions=[{"success_action_status": "200"}])
    status, _, body = post(form["url"], form["fields"], b"one")
    assert status == 200 and body == b""
    target = "https://app.example.com/done?from=form"
    form = s3.generate_presigned_post(bucket, "b", Fields={"success_action_redirect": target},
                                      Conditions=[{"success_action_redirect": target}])
    status, headers, _ = post(form["url"], form["fields"], b"two")
    assert status == 303
    assert headers["Location"].startswith(target + f"&bucket={bucket}&key=b&etag=")
    assert s3.get_object(Bucket=bucket, Key="b")["Body"].read() == b"two"


def test_policy_conditions_are_enforced(s3: Any, bucket: str) -> None:
    form = s3.generate_presigned_post(bucket, "docs/${filename}", Conditions=[["content-length-range", 10, 20]])
    status, _, body = post(form["url"], form["fields"], b"x" * 21)
    assert status == 400 and error_code(body)[0] == "EntityTooLarge"
    assert ElementTree.fromstring(body).findtext("MaxSizeAllowed") == "20"
    status, _, body = post(form["url"], form["fields"], b"x" * 9)
    assert status == 400 and error_code(body)[0] == "EntityTooSmall"
    # a key outside the starts-with prefix
    status, _, body = post(form["url"], {**form["fields"], "key": "other/file"}, b"x" * 15)
    assert status == 403
    assert error_code(body) == ("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "docs/"]')
    # a field the policy does not mention
    status, _, body = post(form["url"], {**form["fields"], "x-amz-meta-extra": "1"}, b"x" * 15)
    assert status == 403 and error_code(body) == ("AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-extra")
    # another bucket than the policy's
    s3.create_bucket(Bucket="other-bucket")
    status, _, body = post(form["url"].replace(bucket, "other-bucket"), form["fields"], b"x" * 15)
    assert status == 403 and f'["eq", "$bucket", "{bucket}"]' in error_code(body)[1]
    # nothing was stored by the refused posts
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert s3.list_objects_v2(Bucket="other-bucket")["KeyCount"] == 0


def test_expired_policy_is_refused(s3: Any, bucket: str, fogbank: Any) -> None:
    form = s3.generate_presigned_post(bucket, "late", ExpiresIn=60)
    fogbank.advance(61)
    status, _, body = post(form["url"], form["fields"], b"late")
    assert status == 403 and error_code(body) == ("AccessDenied", "Invalid according to Policy: Policy expired.")
    assert_error(s3.head_object, "404", 404, Bucket=bucket, Key="late")


def test_malformed_forms(s3: Any, bucket: str) -> None:
    form = s3.generate_presigned_post(bucket, "k")
    without_key = {k: v for k, v in form["fields"].items() if k != "key"}
    status, _, body = post(form["url"], without_key, b"x")
    assert status == 400 and error_code(body)[0] == "InvalidArgument"
    # fields after the file are ignored, so a key sent last is missing
    status, _, body = post(form["url"], without_key, b"x", after={"key": "k"})
    assert status == 400 and error_code(body)[0] == "InvalidArgument"
    bad_policy = {**form["fields"], "policy": base64.b64encode(b"not json").decode()}
    status, _, body = post(form["url"], bad_policy, b"x")
    assert status == 400 and error_code(body)[0] == "InvalidPolicyDocument"
    no_expiry = {**form["fields"], "policy": base64.b64encode(json.dumps({"conditions": []}).encode()).decode()}
    status, _, body = post(form["url"], no_expiry, b"x")
    assert status == 400 and error_code(body) == ("InvalidPolicyDocument", "Invalid Policy: Policy missing expiration.")
    status, _, body = post(form["url"].rstrip("/") + "-missing", form["fields"], b"x")
    assert status == 404 and error_code(body)[0] == "NoSuchBucket"


def test_cors_headers_on_a_browser_post(s3: Any, bucket: str) -> None:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
        {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["POST"], "ExposeHeaders": ["ETag"]}]})
    form = s3.generate_presigned_post(bucket, "from-browser")
    body, content_type = multipart(form["fields"], b"hello")
    req = urllib.request.Request(form["url"], data=body, method="POST",
                                 headers={"Content-Type": content_type, "Origin": "https://app.example.com"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 204
        assert resp.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
        assert "ETag" in resp.headers["Access-Control-Expose-Headers"]
