"""DynamoDB's errors, one class per error shape of its model that fogbank raises.

Messages are given at the raise site in AWS's words; validation failures that are not a
modelled shape are ``ValidationException`` (``validation``).
"""

from __future__ import annotations

from typing import Any

from fogbank.errors import ServiceError


class _DynamoError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class ConditionalCheckFailedException(_DynamoError):
    """A ConditionExpression (or Expected) did not hold; may carry the item as it was."""

    def __init__(self, item: dict[str, Any] | None = None) -> None:
        super().__init__("The conditional request failed", fields={"Item": item} if item is not None else None)


class ResourceNotFoundException(_DynamoError):
    """The table (or index, stream, backup) does not exist."""


class ResourceInUseException(_DynamoError):
    """The table exists already, or is being changed."""


class LimitExceededException(_DynamoError):
    """Too many tables, indexes or concurrent control-plane operations."""


class ProvisionedThroughputExceededException(_DynamoError):
    """A PROVISIONED table or index has no capacity left in its bucket."""

    def __init__(self) -> None:
        super().__init__(
            "The level of configured provisioned throughput for the table was exceeded. "
            "Consider increasing your provisioning level with the UpdateTable API."
        )


class ThrottlingException(_DynamoError):
    """A control-plane rate limit was exceeded."""


class RequestLimitExceeded(_DynamoError):
    """The account's request-rate ceiling was exceeded."""


class TransactionCanceledException(_DynamoError):
    """A transaction was cancelled; ``CancellationReasons`` holds one entry per action, in order."""

    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        codes = ", ".join(r.get("Code", "None") for r in reasons)
        super().__init__(
            f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
            fields={"CancellationReasons": reasons},
        )


class TransactionConflictException(_DynamoError):
    """Another transaction is changing the item."""


class IdempotentParameterMismatchException(_DynamoError):
    """A ClientRequestToken reused with a different request."""


class ItemCollectionSizeLimitExceededException(_DynamoError):
    """An item collection of a table with LSIs grew past 10 GB."""


class DuplicateItemException(_DynamoError):
    """A PartiQL INSERT named the key of an item that exists already."""


class IndexNotFoundException(_DynamoError):
    """The named index does not exist."""


class BackupNotFoundException(_DynamoError):
    """No backup has the given ARN."""


class TableNotFoundException(_DynamoError):
    """The source table of a backup or restore does not exist."""


class TableAlreadyExistsException(_DynamoError):
    """A restore's target table exists already."""


class PointInTimeRecoveryUnavailableException(_DynamoError):
    """Point-in-time recovery is not enabled on the source table."""


class InvalidRestoreTimeException(_DynamoError):
    """A RestoreDateTime outside the table's restorable window."""


def validation(message: str) -> ServiceError:
    """DynamoDB's generic ValidationException with AWS's message."""
    return ServiceError(message, code="ValidationException", status=400)


def invalid_parameters(detail: str) -> ServiceError:
    """``One or more parameter values were invalid: <detail>``."""
    return validation(f"One or more parameter values were invalid: {detail}")


def table_not_found(name: str | None = None) -> ResourceNotFoundException:
    """AWS's not-found error: with the table name for control-plane calls, bare for item calls."""
    if name is None:
        return ResourceNotFoundException("Requested resource not found")
    return ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
