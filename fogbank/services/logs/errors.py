"""CloudWatch Logs' errors, one class per error shape of its model that fogbank raises."""

from __future__ import annotations

from fogbank.errors import ServiceError


class _LogsError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # a subclass that names no code of its own answers as the shape it is named after
        if "code" not in cls.__dict__:
            cls.code = cls.__name__


class InvalidParameterException(_LogsError):
    """A parameter value CloudWatch Logs does not accept."""


class LimitExceededException(_LogsError):
    """Too many filters, groups or queries."""


class MalformedQueryException(_LogsError):
    """A Logs Insights query that does not parse."""


class ResourceAlreadyExistsException(_LogsError):
    """A log group, stream or filter of that name exists already."""


class ResourceNotFoundException(_LogsError):
    """No log group, stream, filter or query of that name or id."""


class TooManyTagsException(_LogsError):
    """More than 50 tags on a resource."""


def group_not_found() -> ResourceNotFoundException:
    """The error for a log group that does not exist."""
    return ResourceNotFoundException("The specified log group does not exist.")


def stream_not_found() -> ResourceNotFoundException:
    """The error for a log stream that does not exist."""
    return ResourceNotFoundException("The specified log stream does not exist.")


def invalid(message: str) -> InvalidParameterException:
    """An InvalidParameterException with ``message``."""
    return InvalidParameterException(message)


def constraint(value: object, member: str, rule: str) -> InvalidParameterException:
    """The model-style message CloudWatch Logs gives for a value breaking a member's constraint."""
    return InvalidParameterException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
    )
