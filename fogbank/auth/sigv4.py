"""AWS Signature Version 4: the canonical request, string to sign, signing key and signature,
computed from a request exactly as it arrived, plus the chained signatures of S3 chunked uploads.

The canonical request is built from the raw path and query on the wire, the way botocore signs:
S3 signs its path as sent, every other service percent-encodes the (dot-segment-free) path once
more. The query is first taken as sent (botocore's own form); ``canonical_query(..., normalise=True)``
re-encodes each name and value as the specification describes, for clients that send a looser
encoding. Signing keys are derived once per secret, day, region and service.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
ECDSA_ALGORITHM = "AWS4-ECDSA-P256-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# payload hashes that stand for something other than the body's SHA-256
SPECIAL_PAYLOADS = frozenset({UNSIGNED_PAYLOAD, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER,
                              "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
                              "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"})
_QUERY_SAFE = "-_.~"


class MalformedSignature(ValueError):
    """The Authorization header or presigned query lacks parts a SigV4 signature needs."""


@dataclass(frozen=True)
class Signed:
    """What a request's SigV4 signature claims: who signed, when, for which scope and headers."""

    algorithm: str
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str = ""
    presigned: bool = False
    expires: int | None = None
    token: str | None = None

    @property
    def scope(self) -> str:
        """The credential scope ``date/region/service/aws4_request``."""
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def _credential(text: str) -> tuple[str, str, str, str]:
    parts = text.split("/")
    if len(parts) < 5 or parts[-1] != "aws4_request":
        raise MalformedSignature(f"Credential should be scoped to a valid region. ('{text}')")
    # the access key itself never holds '/', but be lenient about extra parts before the scope
    return "/".join(parts[:-4]), parts[-4], parts[-3], parts[-2]


def parse_authorization(header: str, timestamp: str) -> Signed:
    """The parts of a SigV4 ``Authorization`` header (``timestamp`` from X-Amz-Date or Date)."""
    algorithm, _, rest = header.strip().partition(" ")
    fields: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            fields[name.strip()] = value.strip()
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)]
    if missing:
        raise MalformedSignature(" ".join(f"Authorization header requires '{name}' parameter." for name in missing)
                                 + f" Authorization={header}")
    if not timestamp:
        raise MalformedSignature("Authorization header requires existence of either a 'X-Amz-Date' or a "
                                 "'Date' header. Authorization=" + header)
    key, date, region, service = _credential(fields["Credential"])
    return Signed(algorithm, key, date, region, service, tuple(fields["SignedHeaders"].split(";")),
                  fields["Signature"], timestamp)


def parse_presigned(query: Mapping[str, Sequence[str]]) -> Signed:
    """The parts of a presigned URL's ``X-Amz-*`` query parameters."""
    def one(name: str) -> str:
        values = query.get(name)
        return values[0] if values else ""

    missing = [name for name in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
                                 "X-Amz-SignedHeaders") if not one(name)]
    if missing:
        raise MalformedSignature("AWS query-string parameters must include " + ", ".join(
            f"'{name}'" for name in missing) + ". Re-examine the query-string parameters.")
    key, date, region, service = _credential(one("X-Amz-Credential"))
    expires_text = one("X-Amz-Expires")
    try:
        expires = int(expires_text) if expires_text else None
    except ValueError:
        raise MalformedSignature("X-Amz-Expires should be a number") from None
    return Signed(one("X-Amz-Algorithm"), key, date, region, service, tuple(one("X-Amz-SignedHeaders").split(";")),
                  one("X-Amz-Signature"), one("X-Amz-Date"), presigned=True, expires=expires,
                  token=one("X-Amz-Security-Token") or None)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 dot-segment removal, dropping empty segments too (as AWS services expect)."""
    if not path:
        return "/"
    out: list[str] = []
    for part in path.split("/"):
        if not part or part == ".":
            continue
        if part == "..":
            if out:
                out.pop()
        else:
            out.append(part)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and out else ""
    return first + "/".join(out) + last


def canonical_uri(raw_path: str, s3: bool) -> str:
    """The path as signed: S3's as sent; others' normalised and percent-encoded once more."""
    if s3:
        return raw_path or "/"
    return quote(_remove_dot_segments(raw_path), safe="/~")


def canonical_query(raw_query: str, normalise: bool = False, drop: str = "X-Amz-Signature") -> str:
    """The sorted query string (without the ``drop`` parameter, a presigned URL's signature)."""
    if not raw_query:
        return ""
    pairs = []
    for pair in raw_query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if unquote(name) == drop:
            continue
        if normalise:
            name, value = quote(unquote(name), safe=_QUERY_SAFE), quote(unquote(value), safe=_QUERY_SAFE)
        pairs.append((name, value))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def canonical_headers(headers: Mapping[str, str], names: Sequence[str]) -> str:
    """``name:value`` lines for the signed headers (values with runs of whitespace collapsed)."""
    return "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in sorted(names))


def canonical_request(method: str, uri: str, query: str, headers: Mapping[str, str], names: Sequence[str],
                      payload_hash: str) -> str:
    """The canonical request whose hash goes into the string to sign."""
    return "\n".join((method.upper(), uri, query, canonical_headers(headers, names), ";".join(sorted(names)),
                      payload_hash))


def string_to_sign(timestamp: str, scope: str, canonical: str, algorithm: str = ALGORITHM) -> str:
    """The string to sign for a canonical request."""
    return f"{algorithm}\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


@functools.lru_cache(maxsize=1024)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The derived key of one secret for one day, region and service."""
    key = hmac.new(("AWS4" + secret).encode("utf-8"), date.encode("utf-8"), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def sign(key: bytes, text: str) -> str:
    """The hex signature of ``text`` under a derived key."""
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two signatures."""
    return hmac.compare_digest(a.encode("latin-1", "replace"), b.encode("latin-1", "replace"))


def chunk_string_to_sign(timestamp: str, scope: str, previous: str, data: bytes) -> str:
    """The string to sign for one chunk of a ``STREAMING-AWS4-HMAC-SHA256-PAYLOAD`` body."""
    return (f"{ALGORITHM}-PAYLOAD\n{timestamp}\n{scope}\n{previous}\n{EMPTY_SHA256}\n"
            f"{hashlib.sha256(data).hexdigest()}")


def trailer_string_to_sign(timestamp: str, scope: str, previous: str, trailer: bytes) -> str:
    """The string to sign for the trailing headers of a signed chunked body."""
    if trailer and not trailer.endswith(b"\n"):
        trailer += b"\n"
    return f"{ALGORITHM}-TRAILER\n{timestamp}\n{scope}\n{previous}\n{hashlib.sha256(trailer).hexdigest()}"


class ChunkSignatureMismatch(ValueError):
    """A chunk (or trailer) signature of a streaming upload is wrong or missing."""


class ChunkVerifier:
    """Checks each chunk signature of a signed ``aws-chunked`` body against the chain that starts
    at the request's own (seed) signature; ``fogbank.auth.chunked.ChunkedDecoder(body, verify=...)``
    calls it once per chunk, with the final empty chunk, and for a signed trailer."""

    def __init__(self, key: bytes, timestamp: str, scope: str, seed: str) -> None:
        self._key = key
        self._timestamp = timestamp
        self._scope = scope
        self.previous = seed
        self._ended = False

    def __call__(self, signature: str | None, data: bytes) -> None:
        """Check one chunk's (or, after the last chunk, the trailer's) signature."""
        if self._ended:
            text = trailer_string_to_sign(self._timestamp, self._scope, self.previous, data)
        else:
            text = chunk_string_to_sign(self._timestamp, self._scope, self.previous, data)
            self._ended = not data
        expected = sign(self._key, text)
        if signature is None or not same(expected, signature):
            raise ChunkSignatureMismatch("The request signature we calculated does not match the signature you "
                                         "provided. Check your key and signing method.")
        self.previous = expected
