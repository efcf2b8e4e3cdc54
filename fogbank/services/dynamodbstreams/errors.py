"""DynamoDB Streams' errors, one class per error shape of its model that fogbank raises."""

from __future__ import annotations

from fogbank.errors import ServiceError


class _StreamsError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class ResourceNotFoundException(_StreamsError):
    """The stream (or its table) does not exist."""


class ExpiredIteratorException(_StreamsError):
    """A shard iterator older than 15 minutes."""


class TrimmedDataAccessException(_StreamsError):
    """A position older than the 24-hour retention."""


def validation(message: str) -> ServiceError:
    """The generic ValidationException."""
    return ServiceError(message, code="ValidationException", status=400)
