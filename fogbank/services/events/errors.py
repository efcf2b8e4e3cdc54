"""EventBridge's errors, one class per error shape of its model that the provider raises, plus the
generic ``ValidationException`` EventBridge answers for bad parameters."""

from __future__ import annotations

from fogbank.errors import ServiceError


class _EventsError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class ResourceNotFoundException(_EventsError):
    """A bus, rule or policy statement that does not exist."""


class ResourceAlreadyExistsException(_EventsError):
    """A bus of that name exists already."""


class InvalidEventPatternException(_EventsError):
    """A malformed event pattern."""


class LimitExceededException(_EventsError):
    """Too many targets on a rule (or another quota)."""


class ManagedRuleException(_EventsError):
    """A rule managed by an AWS service cannot be changed by the caller."""


class PolicyLengthExceededException(_EventsError):
    """A bus policy longer than EventBridge allows."""


class ValidationException(_EventsError):
    """A parameter EventBridge refuses (AWS answers it though the model does not list it)."""

    unmodelled = True


def rule_not_found(name: str, bus: str) -> ResourceNotFoundException:
    """AWS's answer for a rule that does not exist on a bus."""
    return ResourceNotFoundException(f"Rule {name} does not exist on EventBus {bus}.")


def bus_not_found(name: str) -> ResourceNotFoundException:
    """AWS's answer for an event bus that does not exist."""
    return ResourceNotFoundException(f"Event bus {name} does not exist.")
