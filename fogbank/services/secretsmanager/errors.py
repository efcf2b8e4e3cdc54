"""Secrets Manager's errors, one class per error shape of its model that fogbank raises.

Messages are written at the raise site in AWS's words; every one of these answers HTTP 400
except InternalServiceError.
"""

from __future__ import annotations

from fogbank.errors import ServiceError


class _SecretsError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class ResourceNotFoundException(_SecretsError):
    """The secret, or the version asked for, does not exist."""


class ResourceExistsException(_SecretsError):
    """A secret of that name exists, or a version token is reused with other content."""


class InvalidParameterException(_SecretsError):
    """A parameter value that breaks the operation's rules."""


class InvalidRequestException(_SecretsError):
    """A request that cannot be served in the secret's current state (e.g. scheduled deletion)."""


class InvalidNextTokenException(_SecretsError):
    """A NextToken that Secrets Manager did not issue."""


class LimitExceededException(_SecretsError):
    """A quota is exceeded (tags, versions, labels)."""


class MalformedPolicyDocumentException(_SecretsError):
    """A resource policy that is not a valid policy document."""


class PublicPolicyException(_SecretsError):
    """BlockPublicPolicy refused a policy that grants access to everyone."""


class EncryptionFailure(_SecretsError):
    """KMS could not encrypt the secret value under its key."""


class DecryptionFailure(_SecretsError):
    """KMS could not decrypt the secret value."""


class InternalServiceError(_SecretsError):
    """A fault inside the service (e.g. a rotation function that fails)."""

    status = 500
    sender_fault = False
