"""KMS's errors, one class per error shape of its model that fogbank raises.

Messages are written at the raise site in AWS's words; the helpers below hold the wordings used
in more than one place (a key that does not exist, is disabled or is pending deletion).
"""

from __future__ import annotations

from fogbank.errors import ServiceError


class _KmsError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class AlreadyExistsException(_KmsError):
    """An alias (or a replica in a Region) that exists already."""


class DisabledException(_KmsError):
    """The key is disabled."""


class DryRunOperationException(_KmsError):
    """The request would have succeeded, but DryRun was set."""

    status = 412


class ExpiredImportTokenException(_KmsError):
    """The import token of GetParametersForImport has expired."""


class IncorrectKeyException(_KmsError):
    """The ciphertext was not encrypted under the KeyId named in the request."""


class IncorrectKeyMaterialException(_KmsError):
    """Imported key material differs from what the key had before, or is not valid for it."""


class InvalidAliasNameException(_KmsError):
    """An alias name that breaks the alias rules."""


class InvalidArnException(_KmsError):
    """A malformed ARN."""


class InvalidCiphertextException(_KmsError):
    """A ciphertext that was changed, or a wrong encryption context."""


class InvalidGrantIdException(_KmsError):
    """A grant id that names no grant of the key."""


class InvalidGrantTokenException(_KmsError):
    """A grant token that is not one KMS issued."""


class InvalidImportTokenException(_KmsError):
    """An import token that does not belong to the key."""


class InvalidKeyUsageException(_KmsError):
    """The key's usage or spec does not allow the operation or algorithm."""


class InvalidMarkerException(_KmsError):
    """A pagination marker that KMS did not issue."""


class KMSInvalidMacException(_KmsError):
    """VerifyMac found the MAC invalid."""


class KMSInvalidSignatureException(_KmsError):
    """Verify found the signature invalid."""


class KMSInvalidStateException(_KmsError):
    """The key's state does not allow the operation."""


class LimitExceededException(_KmsError):
    """A quota is reached (e.g. on-demand rotations)."""


class MalformedPolicyDocumentException(_KmsError):
    """A key policy that is not a valid policy document."""


class NotFoundException(_KmsError):
    """The key, alias or grant does not exist."""


class TagException(_KmsError):
    """Tags that break the tagging rules."""


class UnsupportedOperationException(_KmsError):
    """The operation is not supported for this kind of key."""


class AccessDeniedException(_KmsError):
    """A change to an AWS managed key, which only AWS may make (KMS answers it unmodelled)."""

    unmodelled = True


def key_not_found(arn: str) -> NotFoundException:
    """A key that does not exist (or no longer exists)."""
    return NotFoundException(f"Key '{arn}' does not exist")


def invalid_key_id(key_id: str) -> NotFoundException:
    """A KeyId that is neither a key id, an alias nor an ARN."""
    return NotFoundException(f"Invalid keyId '{key_id}'")


def alias_not_found(arn: str) -> NotFoundException:
    """An alias that does not exist."""
    return NotFoundException(f"Alias '{arn}' is not found.")


def disabled(arn: str) -> DisabledException:
    """A disabled key."""
    return DisabledException(f"{arn} is disabled.")


def invalid_state(arn: str, state: str) -> KMSInvalidStateException:
    """A key whose state (PendingDeletion, PendingImport ...) forbids the operation."""
    words = {
        "PendingDeletion": "pending deletion",
        "PendingImport": "pending import",
        "PendingReplicaDeletion": "pending replica deletion",
        "Unavailable": "unavailable",
    }
    return KMSInvalidStateException(f"{arn} is {words.get(state, state)}.")


def wrong_usage(arn: str, usage: str, operation: str) -> InvalidKeyUsageException:
    """A key whose KeyUsage does not include ``operation``."""
    return InvalidKeyUsageException(f"{arn} key usage is {usage} which is not valid for {operation}.")
