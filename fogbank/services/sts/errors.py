"""STS's errors: one class per error shape of its model that STS raises (wire code and status
from the shape's ``error`` trait), plus AccessDenied and ValidationError, which STS answers
without a modelled shape."""

from __future__ import annotations

import functools

from fogbank.errors import ServiceError
from fogbank.spec.loader import service_model


@functools.lru_cache(maxsize=32)
def _trait(shape: str) -> tuple[str, int]:
    error = service_model("sts").shape_for(shape).metadata.get("error") or {}
    return error.get("code", shape), int(error.get("httpStatusCode", 400))


class _StsError(ServiceError):
    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not getattr(cls, "unmodelled", False):
            cls.code, cls.status = _trait(cls.__name__)


class ExpiredTokenException(_StsError):
    """A web identity token or SAML assertion past its expiry."""


class MalformedPolicyDocumentException(_StsError):
    """A session policy IAM would not accept."""


class PackedPolicyTooLargeException(_StsError):
    """Session policies and tags that do not fit in a session."""


class InvalidIdentityTokenException(_StsError):
    """A web identity token or SAML assertion that cannot be used."""


class IDPRejectedClaimException(_StsError):
    """An identity provider's claims that the role's account does not accept."""


class InvalidAuthorizationMessageException(_StsError):
    """An encoded authorization message fogbank did not produce."""


class AccessDenied(_StsError):
    """The caller may not do this (trust policy, wrong MFA code, session credentials)."""

    unmodelled = True
    code = "AccessDenied"
    status = 403


class ValidationError(_StsError):
    """A parameter value STS refuses."""

    unmodelled = True
    code = "ValidationError"
    status = 400
