"""SSM's errors, one class per error shape of its model that Parameter Store raises.

Messages are written at the raise site in AWS's words.
"""

from __future__ import annotations

from fogbank.errors import ServiceError


class _SsmError(ServiceError):
    status = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__name__


class ParameterNotFound(_SsmError):
    """The parameter (or the labelled version) does not exist."""


class ParameterAlreadyExists(_SsmError):
    """PutParameter without Overwrite on an existing name."""


class ParameterVersionNotFound(_SsmError):
    """The version named by a selector or LabelParameterVersion does not exist."""


class ParameterMaxVersionLimitExceeded(_SsmError):
    """The 100-version history is full and its oldest version carries a label."""


class ParameterVersionLabelLimitExceeded(_SsmError):
    """A version would carry more than 10 labels."""


class ParameterPatternMismatchException(_SsmError):
    """The value does not match the parameter's AllowedPattern."""


class InvalidAllowedPatternException(_SsmError):
    """AllowedPattern is not a regular expression."""


class HierarchyLevelLimitExceededException(_SsmError):
    """A name deeper than 15 levels."""


class InvalidKeyId(_SsmError):
    """The KMS key cannot be used (unknown, disabled, wrong usage ...)."""


class InvalidFilterKey(_SsmError):
    """A filter key the operation does not support."""


class InvalidFilterOption(_SsmError):
    """A filter option the key does not support."""


class InvalidFilterValue(_SsmError):
    """A filter value that breaks the key's rules."""


class InvalidNextToken(_SsmError):
    """A NextToken that SSM did not issue."""


class InvalidResourceId(_SsmError):
    """Tagging a parameter that does not exist."""


class InvalidResourceType(_SsmError):
    """Tagging a resource type Parameter Store does not handle."""


class TooManyTagsError(_SsmError):
    """More than 50 tags on a resource."""


class InvalidPolicyTypeException(_SsmError):
    """A parameter policy of an unknown type."""


class InvalidPolicyAttributeException(_SsmError):
    """A parameter policy with missing or malformed attributes."""


class PoliciesLimitExceededException(_SsmError):
    """More than 10 policies on a parameter."""


class IncompatiblePolicyException(_SsmError):
    """Two policies of a type that may appear once."""
