"""SQS's errors, one class per error shape of its model, plus the query-era generic codes
(``InvalidParameterValue``, ``MissingParameter``) that SQS still answers with for bad values."""

from __future__ import annotations

from fogbank.errors import ServiceError


class _SqsError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class BatchEntryIdsNotDistinct(_SqsError):
    """Two entries of a batch share an Id."""


class BatchRequestTooLong(_SqsError):
    """The entries of a batch add up to more than the queue's size limit."""


class EmptyBatchRequest(_SqsError):
    """A batch without entries."""


class InvalidAttributeName(_SqsError):
    """An attribute name SQS does not know (or not for this kind of queue)."""


class InvalidAttributeValue(_SqsError):
    """A queue attribute value out of its range or form."""


class InvalidBatchEntryId(_SqsError):
    """A batch entry Id with forbidden characters or too long."""


class InvalidMessageContents(_SqsError):
    """A message body with characters outside what XML 1.0 allows."""


class MessageNotInflight(_SqsError):
    """A visibility change for a message that is not in flight."""


class OverLimit(_SqsError):
    """Too many of something (tags, permissions, in-flight messages)."""

    status = 403


class PurgeQueueInProgress(_SqsError):
    """A second purge within 60 seconds."""

    status = 403


class QueueDeletedRecently(_SqsError):
    """A queue created within 60 seconds of deleting one of the same name."""


class QueueDoesNotExist(_SqsError):
    """No queue at that URL or name."""


class QueueNameExists(_SqsError):
    """CreateQueue with a name in use by a queue with other attribute values."""


class ReceiptHandleIsInvalid(_SqsError):
    """A receipt handle SQS did not issue."""

    status = 404


class ResourceNotFoundException(_SqsError):
    """A message move task or its queues not found."""

    status = 404


class TooManyEntriesInBatchRequest(_SqsError):
    """More than 10 entries in a batch."""


class UnsupportedOperation(_SqsError):
    """An operation the queue does not support."""


def invalid_parameter(name: str, value: object, reason: str) -> ServiceError:
    """SQS's ``InvalidParameterValue`` in its usual wording."""
    return ServiceError(
        f"Value {value} for parameter {name} is invalid. Reason: {reason}.", code="InvalidParameterValue"
    )


def invalid_value(message: str) -> ServiceError:
    """``InvalidParameterValue`` with a message of its own."""
    return ServiceError(message, code="InvalidParameterValue")


def missing_parameter(name: str) -> ServiceError:
    """``MissingParameter`` for a member the operation needs here."""
    return ServiceError(f"The request must contain the parameter {name}.", code="MissingParameter")


def queue_does_not_exist() -> QueueDoesNotExist:
    """The error for an unknown queue URL or name."""
    return QueueDoesNotExist("The specified queue does not exist.")


class InvalidAddress(_SqsError):
    """A QueueUrl that is not a queue URL at all."""

    status = 404
