"""The request-level signature check the server runs when ``--verify-signatures`` is on.

``authenticate`` finds who signed a request (an IAM user's key, an STS session, an account's root
with the configured root secret), checks the SigV4 signature in the ``Authorization`` header or a
presigned query, the clock skew (15 minutes) or a presigned URL's validity, the payload hash, and
answers each failure with the error the service itself answers (``SignatureDoesNotMatch`` with
S3's canonical request and string to sign, ``InvalidSignatureException`` for JSON services,
``InvalidClientTokenId``/``UnrecognizedClientException``/``InvalidAccessKeyId``, ``ExpiredToken``,
``IncompleteSignature``, S3's ``RequestTimeTooSkewed`` and ``AccessDenied`` "Request has expired").

With verification off (IAM enforcement alone) the access key is trusted as given and only
resolved to its principal. Anonymous requests reach S3 only, as the anonymous principal; other
services refuse them with ``MissingAuthenticationToken`` as AWS does, except the few operations
a caller makes before it has credentials (STS AssumeRoleWithWebIdentity/SAML).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from fogbank.auth import principals, sigv2, sigv4
from fogbank.config import Config
from fogbank.context import Principal
from fogbank.errors import ServiceError
from fogbank.protocol.base import HttpRequest

# operations AWS answers without a signature (the caller has no credentials yet)
UNSIGNED_OPERATIONS = {"sts": frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}),
                       "cognito-identity": frozenset({"GetId", "GetOpenIdToken", "GetCredentialsForIdentity"})}
MAX_SKEW = 15 * 60
MAX_PRESIGN_EXPIRES = 7 * 24 * 3600
ANONYMOUS_ARN = "*"
_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS "
             "Secret Access Key and signing method. Consult the service documentation for details.")
_S3_MISMATCH = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
_AMZ_DATE = "%Y%m%dT%H%M%SZ"

# (code, status) per protocol family for each kind of failure; rest-xml is S3's
_SIGNATURE = {"query": ("SignatureDoesNotMatch", 403), "ec2": ("AuthFailure", 401),
              "rest-xml": ("SignatureDoesNotMatch", 403), "json": ("InvalidSignatureException", 400),
              "rest-json": ("InvalidSignatureException", 403), "smithy-rpc-v2-cbor": ("InvalidSignatureException", 400)}
_INCOMPLETE = {"query": ("IncompleteSignature", 400), "ec2": ("AuthFailure", 401),
               "rest-xml": ("AuthorizationHeaderMalformed", 400), "json": ("IncompleteSignatureException", 400),
               "rest-json": ("IncompleteSignatureException", 403),
               "smithy-rpc-v2-cbor": ("IncompleteSignatureException", 400)}
_MISSING = {"query": ("MissingAuthenticationToken", 403), "ec2": ("AuthFailure", 401),
            "json": ("MissingAuthenticationTokenException", 400),
            "rest-json": ("MissingAuthenticationTokenException", 403),
            "smithy-rpc-v2-cbor": ("MissingAuthenticationTokenException", 400)}


def anonymous_principal(account: str) -> Principal:
    """The caller of an unsigned S3 request, matched only by ``"Principal": "*"`` (``account`` is
    only where its request runs: the default account)."""
    return Principal(access_key_id="", account=account, arn=ANONYMOUS_ARN, user_id="anonymous")


@dataclass
class Authenticated:
    """The outcome of a successful check: the principal, its issued-key record (None for a root
    user or an anonymous caller) and, for a signed chunked upload, the per-chunk verifier."""

    principal: Principal
    record: dict[str, Any] | None = None
    chunk_verifier: sigv4.ChunkVerifier | None = None
    signed: sigv4.Signed | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def anonymous(self) -> bool:
        """Whether nobody signed the request."""
        return self.principal.arn == ANONYMOUS_ARN


def _family_error(table: dict[str, tuple[str, int]], protocol: str, message: str,
                  fields: dict[str, Any] | None = None) -> ServiceError:
    code, status = table.get(protocol, table["query"])
    return ServiceError(message, code=code, status=status, fields=fields)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _compact(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime(_AMZ_DATE)


def _parse_time(text: str) -> float | None:
    try:
        return datetime.strptime(text, _AMZ_DATE).replace(tzinfo=UTC).timestamp()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def access_key_of(req: HttpRequest) -> str:
    """The access key id a request names (header or presigned query), '' when unsigned."""
    from fogbank.server.routing import signature_scope

    return signature_scope(req).access_key


def _secret_of(key: str, token: str | None, config: Config, store: Any, now: float,
               protocol: str) -> tuple[str, Principal, dict[str, Any] | None]:
    """The secret and principal behind ``key``; refuses keys fogbank does not know."""
    record = principals.lookup(store, key)
    if record is not None:
        if record.get("status", "Active") != "Active":
            raise principals.invalid_token(protocol)
        if record.get("session_token") and token != record["session_token"]:
            raise principals.invalid_token(protocol)
        if record.get("expires") is not None and now >= record["expires"]:
            raise principals.expired_token(protocol)
        principal = Principal(access_key_id=key, account=record["account"], arn=record["arn"],
                              user_id=record["user_id"], session_token=record.get("session_token"))
        return record.get("secret", ""), principal, record
    if len(key) == 12 and key.isdigit():
        return config.root_secret, principals.root_principal(key, key), None
    if key == config.root_access_key:
        return config.root_secret, principals.root_principal(key, config.default_account), None
    raise principals.invalid_token(protocol)


def _payload_hash(req: HttpRequest, signed: sigv4.Signed, s3: bool, protocol: str) -> str:
    """The payload hash the client signed (checked against a buffered body)."""
    claimed = req.headers.get("x-amz-content-sha256")
    if signed.presigned and s3:
        return claimed or sigv4.UNSIGNED_PAYLOAD
    if claimed is None:
        if s3:
            raise ServiceError("Missing required header for this request: x-amz-content-sha256",
                               code="InvalidRequest", status=400)
        return hashlib.sha256(req.body).hexdigest() if req.body else sigv4.EMPTY_SHA256
    if claimed not in sigv4.SPECIAL_PAYLOADS and req.stream is None:
        actual = hashlib.sha256(req.body).hexdigest() if req.body else sigv4.EMPTY_SHA256
        if claimed != actual:
            if s3:
                raise ServiceError("The provided 'x-amz-content-sha256' header does not match what was computed.",
                                   code="XAmzContentSHA256Mismatch", status=400,
                                   fields={"ClientComputedContentSHA256": claimed,
                                           "S3ComputedContentSHA256": actual})
            raise _family_error(_SIGNATURE, protocol, _MISMATCH)
    return claimed


def _check_time(signed: sigv4.Signed, now: float, s3: bool, protocol: str, query: dict[str, list[str]]) -> None:
    when = _parse_time(signed.timestamp)
    if when is None:
        raise _family_error(_INCOMPLETE, protocol, f"Date must be in ISO-8601 'basic format'. Got '{signed.timestamp}'. "
                            "See http://en.wikipedia.org/wiki/ISO_8601")
    if signed.presigned:
        expires = signed.expires if signed.expires is not None else MAX_PRESIGN_EXPIRES
        if s3:
            from fogbank.services.s3.presigned import check_expiry

            check_expiry(query, now)
            if when - now > MAX_SKEW:
                raise ServiceError("Request is not valid yet", code="AccessDenied", status=403)
            return
        if expires > MAX_PRESIGN_EXPIRES or expires < 0:
            raise _family_error(_INCOMPLETE, protocol, "X-Amz-Expires must be less than a week (in seconds) that is "
                                "604800")
        if now > when + expires:
            raise _family_error(_SIGNATURE, protocol, f"Signature expired: {signed.timestamp} is now earlier than "
                                f"{_compact(now - expires)} ({_compact(now)} - {expires} sec.)")
        return
    if abs(now - when) <= MAX_SKEW:
        return
    if s3:
        raise ServiceError("The difference between the request time and the current time is too large.",
                           code="RequestTimeTooSkewed", status=403,
                           fields={"RequestTime": signed.timestamp, "ServerTime": _iso(now),
                                   "MaxAllowedSkewMilliseconds": str(MAX_SKEW * 1000)})
    if when < now:
        message = (f"Signature expired: {signed.timestamp} is now earlier than {_compact(now - MAX_SKEW)} "
                   f"({_compact(now)} - 15 min.)")
    else:
        message = (f"Signature not yet current: {signed.timestamp} is still later than {_compact(now + MAX_SKEW)} "
                   f"({_compact(now)} + 15 min.)")
    raise _family_error(_SIGNATURE, protocol, message)


def _signed_of(req: HttpRequest, s3: bool, protocol: str) -> sigv4.Signed | None:
    auth = req.headers.get("authorization")
    try:
        if auth:
            algorithm = auth.split(" ", 1)[0]
            if algorithm != sigv4.ALGORITHM:
                what = "SigV4A" if algorithm == sigv4.ECDSA_ALGORITHM else f"the {algorithm.split(':')[0]!r} scheme"
                raise sigv4.MalformedSignature(f"fogbank does not verify {what} signatures; sign with "
                                               f"{sigv4.ALGORITHM}")
            return sigv4.parse_authorization(auth, req.headers.get("x-amz-date") or req.headers.get("date", ""))
        if "X-Amz-Algorithm" in req.query or "X-Amz-Signature" in req.query:
            signed = sigv4.parse_presigned(req.query)
            if signed.algorithm != sigv4.ALGORITHM:
                raise sigv4.MalformedSignature(f"X-Amz-Algorithm only supports \"{sigv4.ALGORITHM}\"")
            return signed
    except sigv4.MalformedSignature as exc:
        if s3 and not auth:
            raise ServiceError(str(exc), code="AuthorizationQueryParametersError", status=400) from None
        raise _family_error(_INCOMPLETE, protocol, str(exc)) from None
    return None


def _unsigned_allowed(req: HttpRequest, service: str) -> bool:
    """Whether ``req`` is one of the few non-S3 operations AWS takes unsigned."""
    allowed = UNSIGNED_OPERATIONS.get(service)
    if not allowed:
        return False
    target = req.headers.get("x-amz-target", "")
    if target:
        return target.rsplit(".", 1)[-1] in allowed
    action = (req.query.get("Action") or [""])[0]
    if not action and req.content_type == "application/x-www-form-urlencoded" and req.body:
        from urllib.parse import parse_qs

        action = (parse_qs(req.body.decode("utf-8", "replace")).get("Action") or [""])[0]
    return action in allowed


def missing_token(protocol: str) -> ServiceError:
    """AWS's answer to an unsigned request to a service other than S3."""
    code, status = _MISSING.get(protocol, _MISSING["query"])
    message = "Request is missing Authentication Token" if protocol in ("query", "ec2") else "Missing Authentication Token"
    return ServiceError(message, code=code, status=status)


def _sigv2(req: HttpRequest, path: str, config: Config, store: Any, now: float) -> Authenticated:
    """Check an S3 SigV2 signature (header or presigned query)."""
    auth = req.headers.get("authorization", "")
    extra: list[tuple[str, str]] = []
    if auth.startswith("AWS "):
        key, _, provided = auth[4:].strip().rpartition(":")
        date = req.headers.get("date", "")
        when = _parse_time(req.headers.get("x-amz-date") or date)
        if when is None:
            raise ServiceError("AWS authentication requires a valid Date or x-amz-date header",
                               code="AccessDenied", status=403)
        if abs(now - when) > MAX_SKEW:
            raise ServiceError("The difference between the request time and the current time is too large.",
                               code="RequestTimeTooSkewed", status=403,
                               fields={"RequestTime": date, "ServerTime": _iso(now),
                                       "MaxAllowedSkewMilliseconds": str(MAX_SKEW * 1000)})
        token = req.headers.get("x-amz-security-token")
    else:
        key, provided = req.query["AWSAccessKeyId"][0], req.query["Signature"][0]
        date = (req.query.get("Expires") or [""])[0]
        from fogbank.services.s3.presigned import check_expiry

        check_expiry(req.query, now)
        token = (req.query.get("x-amz-security-token") or [None])[0]
        if token:
            extra.append(("x-amz-security-token", token))
    secret, principal, record = _secret_of(key, token, config, store, now, "rest-xml")
    text = sigv2.string_to_sign(req.method, req.headers, date, sigv2.canonical_resource(path, req.query_string), extra)
    if not sigv4.same(sigv2.signature(secret, text), provided):
        raise ServiceError(_S3_MISMATCH, code="SignatureDoesNotMatch", status=403, fields={
            "AWSAccessKeyId": key, "StringToSign": text, "SignatureProvided": provided,
            "StringToSignBytes": " ".join(f"{b:02x}" for b in text.encode())})
    return Authenticated(principal, record)


def authenticate(req: HttpRequest, service: str, protocol: str, config: Config, store: Any, clock: Any,
                 path: str = "") -> Authenticated:
    """Who made ``req``, with its signature checked when ``config.verify_signatures`` is on.

    ``path`` is S3's path-style path (``/bucket/key``) of a virtual-hosted request, which SigV2
    signs in place of the path on the wire.
    """
    now = clock.now()
    s3 = service == "s3"
    if config.verify_signatures and s3 and (req.headers.get("authorization", "").startswith("AWS ")
                                            or ("AWSAccessKeyId" in req.query and "Signature" in req.query)):
        return _sigv2(req, path or req.path, config, store, now)
    if not config.verify_signatures:
        key = access_key_of(req)
        if not key and s3:
            return Authenticated(anonymous_principal(config.default_account))
        if not key and config.enforce_iam and not _unsigned_allowed(req, service):
            raise missing_token(protocol)
        record = principals.lookup(store, key) if key and not (len(key) == 12 and key.isdigit()) else None
        principal = principals.resolve(key, config, store, clock, protocol, service, record=record)
        return Authenticated(principal, record)
    signed = _signed_of(req, s3, protocol)
    if signed is None:
        if s3:
            if not config.enforce_iam:
                return Authenticated(principals.root_principal("anonymous", config.default_account))
            return Authenticated(anonymous_principal(config.default_account))
        if _unsigned_allowed(req, service):
            return Authenticated(principals.root_principal("anonymous", config.default_account))
        raise missing_token(protocol)
    token = signed.token or req.headers.get("x-amz-security-token")
    secret, principal, record = _secret_of(signed.access_key, token, config, store, now, protocol)
    if record is not None and record.get("kind") == "user":
        principals.resolve(signed.access_key, config, store, clock, protocol, service, signed.region)  # last use
    _check_time(signed, now, s3, protocol, req.query)
    payload = _payload_hash(req, signed, s3, protocol)
    headers = req.headers
    if "host" not in headers and "host" in signed.signed_headers:
        headers = {**headers, "host": req.host}
    uri = sigv4.canonical_uri(req.path, s3)
    drop = "X-Amz-Signature" if signed.presigned else ""
    key = sigv4.signing_key(secret, signed.date, signed.region, signed.service)
    canonical = ""
    text = ""
    for normalise in (False, True):
        canonical = sigv4.canonical_request(req.method, uri, sigv4.canonical_query(req.query_string, normalise, drop),
                                            headers, signed.signed_headers, payload)
        text = sigv4.string_to_sign(signed.timestamp, signed.scope, canonical)
        if sigv4.same(sigv4.sign(key, text), signed.signature):
            break
    else:
        if s3:
            raise ServiceError(_S3_MISMATCH, code="SignatureDoesNotMatch", status=403, fields={
                "AWSAccessKeyId": signed.access_key, "StringToSign": text, "SignatureProvided": signed.signature,
                "StringToSignBytes": " ".join(f"{b:02x}" for b in text.encode()),
                "CanonicalRequest": canonical,
                "CanonicalRequestBytes": " ".join(f"{b:02x}" for b in canonical.encode())})
        raise _family_error(_SIGNATURE, protocol, _MISMATCH)
    chunks = None
    if payload in (sigv4.STREAMING_SIGNED, sigv4.STREAMING_SIGNED_TRAILER):
        chunks = sigv4.ChunkVerifier(key, signed.timestamp, signed.scope, signed.signature)
    return Authenticated(principal, record, chunks, signed)
