"""CloudWatch's errors, one class per error shape of its model (the protocol layer sends the
query-era code, e.g. ``InvalidParameterValue``, to clients that expect it)."""

from __future__ import annotations

from fogbank.errors import ServiceError


class _CloudWatchError(ServiceError):
    status = 400
    #: the code the query protocol (and the CBOR/JSON query-compatibility header) sends
    query_code: str | None = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class InvalidParameterValueException(_CloudWatchError):
    """A parameter value out of its range or form."""

    query_code = "InvalidParameterValue"


class InvalidParameterCombinationException(_CloudWatchError):
    """Parameters that cannot be used together (or one that needs another)."""

    query_code = "InvalidParameterCombination"


class MissingRequiredParameterException(_CloudWatchError):
    """A parameter the operation needs in this form is absent."""

    query_code = "MissingParameter"


class InvalidNextToken(_CloudWatchError):
    """A pagination token fogbank did not issue for this request."""


class InvalidFormatFault(_CloudWatchError):
    """A document (e.g. an alarm rule) that does not parse."""

    query_code = "InvalidFormat"


class ResourceNotFound(_CloudWatchError):
    """An alarm named in a request does not exist."""

    status = 404


class ResourceNotFoundException(_CloudWatchError):
    """A resource named by ARN (tags) does not exist."""

    status = 404


class DashboardNotFoundError(_CloudWatchError):
    """A dashboard that does not exist."""

    query_code = "ResourceNotFound"

    status = 404


class DashboardInvalidInputError(_CloudWatchError):
    """A dashboard body or name that CloudWatch rejects."""

    query_code = "InvalidParameterInput"


class LimitExceededFault(_CloudWatchError):
    """Too many alarms for the account and region."""

    query_code = "LimitExceeded"


def invalid(message: str) -> InvalidParameterValueException:
    """An ``InvalidParameterValue`` with AWS's message."""
    return InvalidParameterValueException(message)


def combination(message: str) -> InvalidParameterCombinationException:
    """An ``InvalidParameterCombination`` with AWS's message."""
    return InvalidParameterCombinationException(message)


def missing(message: str) -> MissingRequiredParameterException:
    """A ``MissingParameter`` with AWS's message."""
    return MissingRequiredParameterException(message)


class ValidationException(_CloudWatchError):
    """A request CloudWatch cannot act on as a whole, e.g. a metric math expression that does not
    parse (sent as ``ValidationError``)."""

    query_code = "ValidationError"
