"""Lambda's errors, one class per error shape of its model that fogbank raises.

Each carries ``Type`` (``User`` for the caller's mistakes, ``Service`` for ours) as AWS sends it.
"""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError


class _LambdaError(ServiceError):
    status = 400
    kind = "User"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        fields = {"Type": self.kind, **kwargs.pop("fields", {})}
        super().__init__(message, fields=fields, **kwargs)


class InvalidParameterValueException(_LambdaError):
    """A parameter with a value Lambda does not accept."""


class InvalidRequestContentException(_LambdaError):
    """A request body that is not valid JSON (e.g. an Invoke payload)."""


class ResourceNotFoundException(_LambdaError):
    """No function, version, alias, layer, mapping or policy of that name."""

    status = 404


class ResourceConflictException(_LambdaError):
    """The resource exists already, or is being changed."""

    status = 409


class ResourceInUseException(_LambdaError):
    """The resource is in use (e.g. an event source mapping being changed)."""


class PreconditionFailedException(_LambdaError):
    """A RevisionId that no longer matches."""

    status = 412


class PolicyLengthExceededException(_LambdaError):
    """A resource policy over 20 KB."""


class RequestTooLargeException(_LambdaError):
    """An Invoke payload over the limit of its invocation type."""

    status = 413


class TooManyRequestsException(_LambdaError):
    """Throttled: no concurrency left for the invocation."""

    status = 429

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, fields={"Reason": reason}, headers={"Retry-After": "1"})


class CodeStorageExceededException(_LambdaError):
    """Over the code storage quota."""


class ServiceException(_LambdaError):
    """An unexpected fault inside the Lambda service."""

    status = 500
    kind = "Service"


class ProvisionedConcurrencyConfigNotFoundException(_LambdaError):
    """No provisioned concurrency config for that qualifier."""

    status = 404
