"""The syntax tree of a PartiQL statement, before its ``?`` parameters are bound.

Trees are immutable and depend only on the statement text, so they are cached by text.
A path step is a ``str`` (an attribute or map key) or an ``int`` (a list index).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Path:
    """``a.b[0]."c"``: an attribute and the steps into it."""

    head: str
    steps: tuple[str | int, ...] = ()


@dataclass(frozen=True, slots=True)
class Literal:
    """A scalar literal already in wire form: ``{"S": ...}``, ``{"N": ...}``, BOOL or NULL."""

    value: tuple[str, object]


@dataclass(frozen=True, slots=True)
class Param:
    """The ``index``-th ``?`` of the statement (0-based)."""

    index: int


@dataclass(frozen=True, slots=True)
class ListLit:
    """``[a, b]``: a list (L)."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class BagLit:
    """``<<a, b>>``: a set (SS, NS or BS by its elements)."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class TupleLit:
    """``{'k': v, ...}``: a map (M); keys are string literals."""

    pairs: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """``name(arg, ...)`` with the function name upper-cased."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    """``left + right`` or ``left - right``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right``; op one of = <> < <= > >= (``!=`` is read as ``<>``)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Between:
    """``operand BETWEEN low AND high``."""

    operand: Expr
    low: Expr
    high: Expr


@dataclass(frozen=True, slots=True)
class In:
    """``operand IN [a, b]`` (or ``IN (a, b)``)."""

    operand: Expr
    choices: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Is:
    """``operand IS [NOT] NULL|MISSING``."""

    operand: Expr
    what: str
    negated: bool


@dataclass(frozen=True, slots=True)
class And:
    """``left AND right``."""

    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Or:
    """``left OR right``."""

    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Not:
    """``NOT operand``."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class Exists:
    """``EXISTS(SELECT ...)``: a transaction's condition check."""

    select: Select


Expr = Path | Literal | Param | ListLit | BagLit | TupleLit | Call | Arith | Compare | Between | In | Is | And | Or | Not | Exists


@dataclass(frozen=True, slots=True)
class Target:
    """``"table"`` or ``"table"."index"``."""

    table: str
    index: str | None = None


@dataclass(frozen=True, slots=True)
class Select:
    """``SELECT */paths FROM target [WHERE c] [ORDER BY path [ASC|DESC]]``."""

    projection: tuple[Path, ...] | None
    target: Target
    where: Expr | None = None
    order_by: Path | None = None
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Insert:
    """``INSERT INTO table VALUE {...}``."""

    target: Target
    value: Expr


@dataclass(frozen=True, slots=True)
class SetAction:
    """``SET path = value``."""

    path: Path
    value: Expr


@dataclass(frozen=True, slots=True)
class RemoveAction:
    """``REMOVE path``."""

    path: Path


@dataclass(frozen=True, slots=True)
class Update:
    """``UPDATE table SET ... REMOVE ... WHERE c [RETURNING ...]``."""

    target: Target
    actions: tuple[SetAction | RemoveAction, ...]
    where: Expr | None
    returning: str | None = None


@dataclass(frozen=True, slots=True)
class Delete:
    """``DELETE FROM table WHERE c [RETURNING ALL OLD *]``."""

    target: Target
    where: Expr | None
    returning: str | None = None


#: ``EXISTS(SELECT ...)`` stands alone as a statement only in ExecuteTransaction (a condition check).
Statement = Select | Insert | Update | Delete | Exists


@dataclass(frozen=True, slots=True)
class Parsed:
    """A statement and how many ``?`` it holds."""

    statement: Statement
    parameters: int
