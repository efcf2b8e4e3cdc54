"""The syntax tree of DynamoDB expressions, before placeholders are bound to a request's values.

Trees are immutable and depend only on the expression text, so they are cached by text and
shared between requests. A path element is a ``str`` (an attribute name, or a ``#name``
placeholder that binding resolves) or an ``int`` (a list index).
"""

from __future__ import annotations

from dataclasses import dataclass

PathElement = str | int


@dataclass(frozen=True, slots=True)
class Path:
    """A document path such as ``a.#b[2].c``."""

    elements: tuple[PathElement, ...]


@dataclass(frozen=True, slots=True)
class Value:
    """A ``:value`` placeholder."""

    name: str


@dataclass(frozen=True, slots=True)
class Call:
    """A function call: ``size(a)``, ``begins_with(a, :v)``, ``if_not_exists(a, :v)``, ..."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``left + right`` or ``left - right`` on the right-hand side of a SET action."""

    op: str
    left: Operand
    right: Operand


Operand = Path | Value | Call | Arithmetic


@dataclass(frozen=True, slots=True)
class Compare:
    """``left <op> right`` with op one of = <> < <= > >=."""

    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    """``operand BETWEEN low AND high``."""

    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    """``operand IN (choice, ...)``."""

    operand: Operand
    choices: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class FunctionCondition:
    """A function used as a condition: ``attribute_exists(a)``, ``contains(a, :v)``, ..."""

    call: Call


@dataclass(frozen=True, slots=True)
class And:
    """``left AND right``."""

    left: ConditionNode
    right: ConditionNode


@dataclass(frozen=True, slots=True)
class Or:
    """``left OR right``."""

    left: ConditionNode
    right: ConditionNode


@dataclass(frozen=True, slots=True)
class Not:
    """``NOT operand``."""

    operand: ConditionNode


ConditionNode = Compare | Between | In | FunctionCondition | And | Or | Not


@dataclass(frozen=True, slots=True)
class UpdateAction:
    """One action of an update: ``clause`` is SET, REMOVE, ADD or DELETE; ``value`` is None for REMOVE."""

    clause: str
    path: Path
    value: Operand | None


@dataclass(frozen=True, slots=True)
class ParsedExpression:
    """A parsed expression with the placeholders it uses (in order of first use)."""

    kind: str
    root: object
    name_refs: tuple[str, ...]
    value_refs: tuple[str, ...]
