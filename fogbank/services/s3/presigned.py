"""Expiry of presigned URLs (SigV4 query auth ``X-Amz-Date`` + ``X-Amz-Expires``, or SigV2's
``Expires``), judged on fogbank's clock.

The server calls ``check_expiry(query, now)`` for a request authenticated by its query string
(the provider never sees those parameters); it raises S3's ``AccessDenied`` "Request has expired"
with the fields S3 reports. Signature checking itself belongs to the SigV4 verifier.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fogbank.services.s3.errors import AccessDenied, InvalidArgument

MAX_EXPIRES = 7 * 24 * 3600


def _iso(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_expiry(query: dict[str, list[str]], now: float) -> None:
    """Raise ``AccessDenied`` when a presigned request's validity has passed (no-op otherwise)."""
    if "X-Amz-Date" in query and "X-Amz-Expires" in query:
        try:
            signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
            expires = int(query["X-Amz-Expires"][0])
        except ValueError:
            raise InvalidArgument("X-Amz-Expires should be a number", ArgumentName="X-Amz-Expires") from None
        if expires < 0 or expires > MAX_EXPIRES:
            raise AccessDenied("X-Amz-Expires must be less than a week (in seconds) that is 604800")
        if now > signed + expires:
            raise AccessDenied("Request has expired", **{"X-Amz-Expires": str(expires), "Expires": _iso(signed + expires),
                                                           "ServerTime": _iso(now)})
    elif "Expires" in query and "Signature" in query:
        try:
            until = int(query["Expires"][0])
        except ValueError:
            raise AccessDenied("Invalid date (should be seconds since epoch)") from None
        if now > until:
            raise AccessDenied("Request has expired", Expires=_iso(until), ServerTime=_iso(now))
