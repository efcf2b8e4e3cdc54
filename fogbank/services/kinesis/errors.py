"""Kinesis's errors, one class per error shape of its model that fogbank raises (all HTTP 400)."""

from __future__ import annotations

from fogbank.errors import ServiceError


class _KinesisError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class ResourceNotFoundException(_KinesisError):
    """The stream (or shard) does not exist in this account and region."""


class ResourceInUseException(_KinesisError):
    """The stream exists already, or is not in a state that allows the operation."""


class InvalidArgumentException(_KinesisError):
    """A parameter value the operation cannot accept."""


class ExpiredIteratorException(_KinesisError):
    """A shard iterator older than five minutes."""


class ExpiredNextTokenException(_KinesisError):
    """A pagination token that is malformed or expired."""


class LimitExceededException(_KinesisError):
    """An account or stream limit (shards, tags) would be exceeded."""


class ValidationException(_KinesisError):
    """A request that fails the service's input constraints."""
