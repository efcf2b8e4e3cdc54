"""S3's behaviour at the HTTP level, around its operations: CORS preflight ``OPTIONS`` requests
and browser-based uploads (POST Object, ``post_object``), which name no operation in the model; ``Access-Control-*`` headers on actual requests that carry an
``Origin``, statuses the model cannot express (``STATUS``), and the expiry of presigned URLs (refused as S3 refuses them even when fogbank does
not verify signatures, since an expired link is a behaviour people test)."""

from __future__ import annotations

import uuid
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlencode
from xml.etree import ElementTree

from fogbank.context import Ctx
from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest, HttpResponse
from fogbank.server.routing import s3_bucket
from fogbank.services.s3 import buckets, cors, postform, presigned
from fogbank.services.s3.errors import (
    InvalidArgument,
    MalformedPOSTRequest,
    MalformedXML,
    SignatureDoesNotMatch,
)

# form fields of a POST upload that set a PutObject member of the same meaning
_FORM_MEMBERS = {
    "content-type": "ContentType", "cache-control": "CacheControl", "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding", "content-language": "ContentLanguage", "acl": "ACL",
    "x-amz-storage-class": "StorageClass", "x-amz-server-side-encryption": "ServerSideEncryption",
    "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
    "x-amz-server-side-encryption-bucket-key-enabled": "BucketKeyEnabled",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
}

if TYPE_CHECKING:
    from fogbank.server.app import App


async def preflight(app: App, req: HttpRequest) -> HttpResponse | None:
    """Answer a CORS preflight for a bucket, or None when ``req`` is not one."""
    bucket = s3_bucket(req)
    if req.method != "OPTIONS" or bucket is None:
        return None
    ctx = app.background_ctx("s3")
    try:
        status, headers = cors.preflight(ctx, bucket, req.headers.get("origin"),
                                         req.headers.get("access-control-request-method"),
                                         req.headers.get("access-control-request-headers"))
    except ServiceError as err:
        from fogbank.protocol import rest_xml
        from fogbank.spec.loader import service_model

        return rest_xml.serialize_error(service_model("s3"), err, ctx.request_id)
    return HttpResponse(status, list(headers.items()))


def before(ctx: Ctx, req: HttpRequest) -> None:
    """Checks S3 makes before any operation runs: an expired presigned URL is refused."""
    if "X-Amz-Expires" in req.query or ("Expires" in req.query and "Signature" in req.query):
        presigned.check_expiry(req.query, ctx.clock.now())


# A status an operation answers that its model cannot say (RestoreObject's 202 Accepted for a
# restore it starts): the provider leaves it in ``ctx.extras[STATUS]`` and ``after`` applies it.
STATUS = "s3_status"


def after(ctx: Ctx, req: HttpRequest, response: HttpResponse) -> None:
    """Apply a status the provider left in ``ctx.extras[STATUS]`` to a successful answer, and add
    the CORS headers a matching rule grants to a request with an ``Origin``."""
    status = ctx.extras.get(STATUS)
    if status is not None and response.status < 300:
        response.status = status
    origin = req.headers.get("origin")
    if not origin:
        return
    bucket = s3_bucket(req)
    if bucket is None:
        return
    for name, value in cors.response_headers(ctx, bucket, origin, req.method).items():
        response.set_header(name, value)


async def post_object(app: App, req: HttpRequest) -> HttpResponse | None:
    """A browser-based upload (``multipart/form-data`` POST to a bucket), or None when ``req`` is
    not one. The form's policy is checked (``postform``), then the object is stored as PutObject
    stores it; the answer is S3's: a 303 to ``success_action_redirect``, or 200/201/204 as
    ``success_action_status`` asks (204 by default, 201 with a ``PostResponse`` document)."""
    bucket = s3_bucket(req)
    if req.method != "POST" or req.content_type != "multipart/form-data" or bucket is None or req.query_string:
        return None
    if unquote(req.path.strip("/")) not in ("", bucket):
        return None  # a POST to a key is no browser upload
    ctx = app.background_ctx("s3")
    try:
        form = postform.parse(req.body, postform.boundary_of(req.headers.get("content-type", "")) or _malformed())
        ctx = _caller(app, ctx, form)
        buckets.load(ctx, bucket)  # NoSuchBucket before any policy refusal
        key = postform.object_key(form)
        if "policy" in form.fields:
            doc = postform.decode_policy(form.fields["policy"])
            if app.config.verify_signatures:
                _verify(app, form, ctx.clock.now())
            postform.check(doc, form, bucket, ctx.clock.now())
        provider = app.provider("s3")
        out = provider.put_object(ctx, _put_request(form, bucket, key))
        response = _posted(req, form, bucket, key, out)
    except ServiceError as err:
        from fogbank.protocol import rest_xml
        from fogbank.spec.loader import service_model

        response = rest_xml.serialize_error(service_model("s3"), err, ctx.request_id)
        for name, value in err.headers.items():
            response.set_header(name, value)
    response.set_header("x-amz-request-id", ctx.request_id.replace("-", "")[:16].upper())
    after(ctx, req, response)  # a browser reads the answer only with the bucket's CORS headers
    return response


def _malformed() -> str:
    raise MalformedPOSTRequest()


def _caller(app: App, ctx: Ctx, form: postform.Form) -> Ctx:
    """The context of the form's signer (its account and region), the default one when unsigned."""
    parts = (form.fields.get("x-amz-credential") or form.fields.get("awsaccesskeyid") or "").split("/")
    if not parts[0]:
        return ctx
    from fogbank.auth import principals

    principal = principals.resolve(parts[0], app.config, app.store, clock=app.clock, protocol="rest-xml", service="s3")
    region = parts[2] if len(parts) >= 5 else None
    return app.background_ctx("s3", principal.account, region).derive(principal=principal, request_id=str(uuid.uuid4()))


def _verify(app: App, form: postform.Form, now: float) -> None:
    """The SigV4 signature of the policy, when fogbank verifies signatures."""
    from fogbank.auth import sigv4
    from fogbank.auth import verify as auth_verify

    if form.fields.get("x-amz-algorithm") != sigv4.ALGORITHM:
        raise InvalidArgument("Only AWS4-HMAC-SHA256 is supported", ArgumentName="x-amz-algorithm",
                              ArgumentValue=form.fields.get("x-amz-algorithm", ""))
    credential = form.fields.get("x-amz-credential", "").split("/")
    if len(credential) != 5:
        raise InvalidArgument("Invalid credential", ArgumentName="x-amz-credential", ArgumentValue="/".join(credential))
    key, date, region, service, _ = credential
    secret, _, _ = auth_verify._secret_of(key, form.fields.get("x-amz-security-token"), app.config, app.store, now, "rest-xml")
    expected = sigv4.sign(sigv4.signing_key(secret, date, region, service), form.fields["policy"])
    if not sigv4.same(expected, form.fields.get("x-amz-signature", "")):
        raise SignatureDoesNotMatch()


def _put_request(form: postform.Form, bucket: str, key: str) -> dict[str, Any]:
    """The PutObject request a form amounts to."""
    request: dict[str, Any] = {"Bucket": bucket, "Key": key, "Body": form.file or b""}
    for name, member in _FORM_MEMBERS.items():
        if name in form.fields:
            value: Any = form.fields[name]
            request[member] = value.lower() == "true" if member == "BucketKeyEnabled" else value
    if "expires" in form.fields:
        try:
            request["Expires"] = parsedate_to_datetime(form.fields["expires"])
        except (TypeError, ValueError):
            pass  # S3 keeps an unparseable Expires out of the object's headers
    meta = {n[len("x-amz-meta-"):]: v for n, v in form.fields.items() if n.startswith("x-amz-meta-")}
    if meta:
        request["Metadata"] = meta
    if "tagging" in form.fields:
        request["Tagging"] = _tagging(form.fields["tagging"])
    return request


def _tagging(document: str) -> str:
    """A form's ``<Tagging>`` XML as the URL-encoded tag set PutObject takes."""
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError:
        raise MalformedXML() from None
    pairs = []
    for tag in root.iter():
        if tag.tag.rpartition("}")[2] == "Tag":
            fields = {child.tag.rpartition("}")[2]: child.text or "" for child in tag}
            pairs.append((fields.get("Key", ""), fields.get("Value", "")))
    return urlencode(pairs)


def _posted(req: HttpRequest, form: postform.Form, bucket: str, key: str, out: dict[str, Any]) -> HttpResponse:
    """S3's answer to a stored browser upload."""
    host = req.host or "localhost"
    location = f"http://{host}/{quote(key)}" if not req.path.strip("/") else f"http://{host}/{quote(bucket)}/{quote(key)}"
    headers = [("ETag", out["ETag"]), ("Location", location)]
    if out.get("VersionId"):
        headers.append(("x-amz-version-id", out["VersionId"]))
    if out.get("ServerSideEncryption"):
        headers.append(("x-amz-server-side-encryption", out["ServerSideEncryption"]))
    redirect = form.fields.get("success_action_redirect") or form.fields.get("redirect")
    if redirect:
        query = urlencode({"bucket": bucket, "key": key, "etag": out["ETag"]})
        target = redirect + ("&" if "?" in redirect else "?") + query
        return HttpResponse(303, [*headers[:1], ("Location", target), *headers[2:], ("Content-Length", "0")])
    status = form.fields.get("success_action_status")
    if status == "201":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
            f"<Location>{_xml(location)}</Location><Bucket>{_xml(bucket)}</Bucket>"
            f"<Key>{_xml(key)}</Key><ETag>{_xml(out['ETag'])}</ETag></PostResponse>"
        ).encode()
        return HttpResponse(201, [*headers, ("Content-Type", "application/xml")], body)
    return HttpResponse(200 if status == "200" else 204, headers)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
