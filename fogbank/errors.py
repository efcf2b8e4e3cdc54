"""The error every service and protocol raises: AWS's code, HTTP status and message.

Protocol serialisers turn a ``ServiceError`` into each wire format; providers raise the
subclasses named after their model's error shapes (``services/<name>/errors.py``).
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An AWS error answer: ``code`` as the client sees it, ``status`` and ``message``.

    ``fields`` holds extra members of the modelled error shape (e.g. S3's ``BucketName``),
    written by the protocol serialiser next to code and message.
    """

    code: str = "InternalError"
    status: int = 400
    sender_fault: bool = True

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        status: int | None = None,
        sender_fault: bool | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if sender_fault is not None:
            self.sender_fault = sender_fault
        elif self.status >= 500:
            self.sender_fault = False
        self.fields: dict[str, Any] = dict(fields or {})
        self.headers: dict[str, str] = dict(headers or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.status}, {self.message!r})"


class NotImplementedOperation(ServiceError):
    """An operation that the model has but fogbank does not implement yet."""

    code = "NotImplemented"
    status = 501
    sender_fault = False

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(f"fogbank does not implement {service}.{operation} yet")


class InternalFailure(ServiceError):
    """An unexpected fault inside fogbank; answered as a 500 the client can retry."""

    code = "InternalFailure"
    status = 500
    sender_fault = False


class ServiceUnavailable(ServiceError):
    """fogbank cannot serve the request now (e.g. its store failed a write)."""

    code = "ServiceUnavailable"
    status = 503
    sender_fault = False


class BadRequest(ServiceError):
    """A request that cannot be parsed at all; protocols choose their own code for it."""

    code = "SerializationException"
    status = 400


class InvalidInput(ServiceError):
    """A parsed request that breaks the model's constraints (required, enum, length, range, pattern).

    ``kind`` says which rule was broken so that the protocol family can pick AWS's code for it:
    ``missing`` (a required member), ``type`` (wrong wire type), ``constraint`` (the rest).
    """

    code = "ValidationException"
    status = 400

    def __init__(self, message: str, *, kind: str = "constraint", member: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.member = member


class UnknownOperation(ServiceError):
    """A request that reaches a service but names no operation of it."""

    code = "UnknownOperationException"
    status = 400
