"""SNS's errors, one class per error shape of its model; each takes its query code (``NotFound``)
and HTTP status from the shape's ``error`` trait."""

from __future__ import annotations

import functools

from fogbank.errors import ServiceError
from fogbank.spec.loader import service_model


@functools.lru_cache(maxsize=64)
def _trait(shape: str) -> tuple[str, int]:
    error = service_model("sns").shape_for(shape).metadata.get("error") or {}
    return error.get("code", shape), int(error.get("httpStatusCode", 400))


class _SnsError(ServiceError):
    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code, cls.status = _trait(cls.__name__)
        cls.sender_fault = cls.status < 500


class NotFoundException(_SnsError):
    """The topic or subscription does not exist."""


class ResourceNotFoundException(_SnsError):
    """A tagged resource that does not exist."""


class InvalidParameterException(_SnsError):
    """A parameter SNS refuses; the message starts ``Invalid parameter: ``."""


class InvalidParameterValueException(_SnsError):
    """A message attribute or value SNS refuses."""


class AuthorizationErrorException(_SnsError):
    """The caller may not act on this resource."""


class TagLimitExceededException(_SnsError):
    """More than 50 tags on a resource."""


class TopicLimitExceededException(_SnsError):
    """The account's topic quota is used up."""


class SubscriptionLimitExceededException(_SnsError):
    """The topic's subscription quota is used up."""


class FilterPolicyLimitExceededException(_SnsError):
    """Too many filter policies in the account."""


class BatchEntryIdsNotDistinctException(_SnsError):
    """Two entries of a batch share an Id."""


class BatchRequestTooLongException(_SnsError):
    """A batch adds up to more than 256 KB."""


class EmptyBatchRequestException(_SnsError):
    """A batch without entries."""


class InvalidBatchEntryIdException(_SnsError):
    """A batch entry Id that breaks the rules."""


class TooManyEntriesInBatchRequestException(_SnsError):
    """More than 10 entries in a batch."""


def invalid(detail: str) -> InvalidParameterException:
    """``InvalidParameter`` in SNS's wording: ``Invalid parameter: <detail>``."""
    return InvalidParameterException(f"Invalid parameter: {detail}")


def topic_not_found() -> NotFoundException:
    """The error for an unknown topic."""
    return NotFoundException("Topic does not exist")


def subscription_not_found() -> NotFoundException:
    """The error for an unknown subscription."""
    return NotFoundException("Subscription does not exist")
