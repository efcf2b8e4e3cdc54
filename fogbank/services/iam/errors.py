"""IAM's errors, one class per error shape of its model; each takes its wire code (``NoSuchEntity``)
and HTTP status from the shape's ``error`` trait in the model."""

from __future__ import annotations

import functools

from fogbank.errors import ServiceError
from fogbank.spec.loader import service_model


@functools.lru_cache(maxsize=64)
def _trait(shape: str) -> tuple[str, int]:
    error = service_model("iam").shape_for(shape).metadata.get("error") or {}
    return error.get("code", shape), int(error.get("httpStatusCode", 400))


class _IamError(ServiceError):
    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not getattr(cls, "unmodelled", False):
            cls.code, cls.status = _trait(cls.__name__)
        cls.sender_fault = cls.status < 500


class NoSuchEntityException(_IamError):
    """The named user, role, group, policy or other entity does not exist."""


class EntityAlreadyExistsException(_IamError):
    """An entity of that name already exists in the account."""


class DeleteConflictException(_IamError):
    """The entity still has things attached to it."""


class LimitExceededException(_IamError):
    """A quota would be exceeded."""


class MalformedPolicyDocumentException(_IamError):
    """A policy document IAM cannot accept."""


class InvalidInputException(_IamError):
    """A parameter value IAM refuses."""


class InvalidAuthenticationCodeException(_IamError):
    """MFA codes that do not match the device."""


class PolicyNotAttachableException(_IamError):
    """A policy that cannot be attached (e.g. a service-role policy to a user)."""


class PasswordPolicyViolationException(_IamError):
    """A password that breaks the account's password policy."""


class UnmodifiableEntityException(_IamError):
    """A service-linked entity that cannot be changed directly."""


class MalformedCertificateException(_IamError):
    """A certificate body or chain that is not PEM."""


class KeyPairMismatchException(_IamError):
    """A private key that does not belong to the certificate."""


class ServiceNotSupportedException(_IamError):
    """A service-specific credential for a service that has none."""


class PolicyEvaluationException(_IamError):
    """A simulation that could not be evaluated."""


def no_such(kind: str, name: str) -> NoSuchEntityException:
    """AWS's message for a missing user, role or group."""
    return NoSuchEntityException(f"The {kind} with name {name} cannot be found.")


def already_exists(kind: str, name: str) -> EntityAlreadyExistsException:
    """AWS's message for a duplicate name."""
    return EntityAlreadyExistsException(f"{kind} with name {name} already exists.")


def validation(message: str) -> ServiceError:
    """IAM's generic ``ValidationError`` (HTTP 400)."""
    return ServiceError(message, code="ValidationError", status=400)


class InvalidPublicKeyException(_IamError):
    """An SSH public key that cannot be used."""


class UnrecognizedPublicKeyEncodingException(_IamError):
    """An SSH public key in neither OpenSSH nor PEM form."""


class DuplicateSSHPublicKeyException(_IamError):
    """The same SSH public key uploaded twice for a user."""


class DuplicateCertificateException(_IamError):
    """The same signing certificate uploaded twice."""


class CredentialReportNotPresentException(_IamError):
    """No credential report has been generated."""


class CredentialReportExpiredException(_IamError):
    """The credential report is older than four hours."""


class InvalidUserTypeException(_IamError):
    """An operation only an IAM user may call, called by another kind of principal."""


class AccessDenied(_IamError):
    """The caller may not do this (IAM answers it without a modelled shape)."""

    unmodelled = True
    code = "AccessDenied"
    status = 403
