"""UpdateExpression: SET (with + and -, if_not_exists, list_append), REMOVE, ADD and DELETE.

Every right-hand side is evaluated against the item as it was before the update (so
``SET a = b, b = a`` swaps), then the actions are applied to a copy: the caller's item is never
changed. Paths are checked once at bind time for overlaps and conflicts, as DynamoDB does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fogbank.services.dynamodb.expressions.ast import Arithmetic, Call, Operand, Path, UpdateAction, Value
from fogbank.services.dynamodb.expressions.bind import Bindings, ResolvedPath, check_overlaps, get_path
from fogbank.services.dynamodb.expressions.errors import ExpressionError, invalid
from fogbank.services.dynamodb.expressions.parser import UPDATE_KIND, parse
from fogbank.services.dynamodb.expressions.projection import Projection
from fogbank.services.dynamodb.expressions.values import (
    SET_ELEMENT,
    SET_TYPES,
    arithmetic,
    canonical_number,
    check_number,
    clone,
    tag_of,
)

Item = dict[str, Any]
ValueFn = Callable[[Mapping[str, Any]], dict[str, Any]]

MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
INVALID_PATH = "The document path provided in the update expression is invalid for update"

#: How AWS names attribute types in ADD/DELETE operand errors.
_TYPE_WORDS = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "L": "LIST",
    "M": "MAP",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}


@dataclass(frozen=True, slots=True)
class _Action:
    clause: str
    path: ResolvedPath
    value: ValueFn | None


@dataclass(frozen=True, slots=True)
class Update:
    """A bound UpdateExpression.

    ``touched`` holds the top-level attribute names the update writes or removes, and
    ``paths`` the full document paths, whose ``projection`` gives what ReturnValues
    UPDATED_OLD / UPDATED_NEW return when applied to the old or the new item.
    """

    expression: str
    actions: tuple[_Action, ...]
    paths: tuple[ResolvedPath, ...]
    touched: frozenset[str]
    projection: Projection

    def apply(self, item: Mapping[str, Any]) -> Item:
        """The item after the update (``{}`` for an item that does not exist yet); ``item`` is unchanged.

        Raises ``ExpressionError`` with AWS's message for missing operands, wrong operand
        types, invalid document paths and number overflow.
        """
        computed = [(a, a.value(item) if a.value is not None and a.clause == "SET" else None) for a in self.actions]
        result: Item = dict(item)
        for name in self.touched:
            if name in result:
                result[name] = clone(result[name])
        removes: list[ResolvedPath] = []
        for action, value in computed:
            if action.clause == "SET":
                _set_path(result, action.path, clone(value))  # type: ignore[arg-type]
            elif action.clause == "REMOVE":
                removes.append(action.path)
            elif action.clause == "ADD":
                _add(result, action.path, action.value(item))  # type: ignore[misc]
            else:
                _delete(result, action.path, action.value(item))  # type: ignore[misc]
        # List elements go highest index first so that each index still means the original element.
        for path in sorted(removes, key=lambda p: tuple(-e if isinstance(e, int) else e for e in p)):
            _remove_path(result, path)
        return result


def update(expression: str, names: Mapping[str, str] | None, values: Mapping[str, Any] | None) -> Update:
    """Parse (cached) and bind an UpdateExpression; raises AWS's errors for bad syntax, paths or operands."""
    parsed = parse(expression, UPDATE_KIND)
    bindings = Bindings(UPDATE_KIND, names, values)
    actions: list[_Action] = []
    for raw in parsed.root:  # type: ignore[attr-defined]
        actions.append(_bind_action(raw, bindings))
    paths = [a.path for a in actions]
    check_overlaps(UPDATE_KIND, paths)
    touched = frozenset(p[0] for p in paths)  # type: ignore[misc]
    return Update(expression, tuple(actions), tuple(paths), touched, Projection.of_paths(paths))


def _bind_action(action: UpdateAction, bindings: Bindings) -> _Action:
    path = bindings.path(action.path)
    if action.clause == "REMOVE":
        return _Action("REMOVE", path, None)
    if action.clause == "SET":
        return _Action("SET", path, _value_fn(action.value, bindings))  # type: ignore[arg-type]
    assert isinstance(action.value, Value)
    constant = bindings.value(action.value.name)
    tag = tag_of(constant)
    allowed = ("N", *SET_TYPES) if action.clause == "ADD" else tuple(SET_TYPES)
    if tag not in allowed:
        raise invalid(
            UPDATE_KIND,
            "Incorrect operand type for operator or function; "
            f"operator: {action.clause}, operand type: {_TYPE_WORDS.get(tag, tag)}, "
            f"typeSet: ALLOWED_FOR_{action.clause}_OPERAND",
        )
    return _Action(action.clause, path, lambda item: constant)


def _value_fn(operand: Operand, bindings: Bindings) -> ValueFn:
    """A closure giving the value of a SET right-hand side against the original item."""
    if isinstance(operand, Value):
        constant = bindings.value(operand.name)
        return lambda item: constant
    if isinstance(operand, Path):
        path = bindings.path(operand)

        def read(item: Mapping[str, Any]) -> dict[str, Any]:
            value = get_path(item, path)
            if value is None:
                raise ExpressionError(MISSING_ATTRIBUTE)
            return value
        return read
    if isinstance(operand, Arithmetic):
        left = _value_fn(operand.left, bindings)
        right = _value_fn(operand.right, bindings)
        _static_type(operand.left, bindings, operand.op, ("N",))
        _static_type(operand.right, bindings, operand.op, ("N",))
        op = operand.op

        def calculate(item: Mapping[str, Any]) -> dict[str, Any]:
            a, b = left(item), right(item)
            if "N" not in a or "N" not in b:
                raise ExpressionError(WRONG_TYPE)
            return {"N": canonical_number(arithmetic(op, Decimal(a["N"]), Decimal(b["N"])))}
        return calculate
    if isinstance(operand, Call) and operand.name == "if_not_exists":
        path = bindings.path(operand.args[0])  # type: ignore[arg-type]
        fallback = _value_fn(operand.args[1], bindings)

        def if_not_exists(item: Mapping[str, Any]) -> dict[str, Any]:
            value = get_path(item, path)
            return value if value is not None else fallback(item)
        return if_not_exists
    if isinstance(operand, Call) and operand.name == "list_append":
        first = _value_fn(operand.args[0], bindings)
        second = _value_fn(operand.args[1], bindings)
        _static_type(operand.args[0], bindings, "list_append", ("L",))
        _static_type(operand.args[1], bindings, "list_append", ("L",))

        def list_append(item: Mapping[str, Any]) -> dict[str, Any]:
            a, b = first(item), second(item)
            if "L" not in a or "L" not in b:
                raise ExpressionError(WRONG_TYPE)
            return {"L": [*a["L"], *b["L"]]}
        return list_append
    name = getattr(operand, "name", "?")
    raise invalid(UPDATE_KIND, f"The function is not allowed to be used this way in an expression; function: {name}")


def _static_type(operand: Operand, bindings: Bindings, function: str, allowed: tuple[str, ...]) -> None:
    """AWS refuses at once a constant operand of the wrong type."""
    if isinstance(operand, Value):
        tag = tag_of(bindings.value(operand.name))
        if tag not in allowed:
            raise invalid(
                UPDATE_KIND,
                "Incorrect operand type for operator or function; "
                f"operator or function: {function}, operand type: {tag}",
            )


# -- applying actions to the copy -----------------------------------------------------------
def _parent(item: Item, path: ResolvedPath) -> Any:
    """The container (item dict, map dict or list) holding the last element of ``path``."""
    container: Any = item
    for element in path[:-1]:
        _check_step(container, element)
        if isinstance(container, list):
            if element >= len(container):  # type: ignore[operator]
                raise ExpressionError(INVALID_PATH)
            value = container[element]  # type: ignore[index]
        else:
            value = container.get(element)
        if value is None:
            raise ExpressionError(INVALID_PATH)
        if "M" in value:
            container = value["M"]
        elif "L" in value:
            container = value["L"]
        else:
            raise ExpressionError(INVALID_PATH)
    return container


def _check_step(container: Any, element: Any) -> None:
    if isinstance(container, list) != isinstance(element, int):
        raise ExpressionError(INVALID_PATH)


def _set_path(item: Item, path: ResolvedPath, value: dict[str, Any]) -> None:
    container = _parent(item, path)
    last = path[-1]
    _check_step(container, last)
    if isinstance(container, list):
        if last >= len(container):  # type: ignore[operator]
            container.append(value)  # past the end: DynamoDB appends
        else:
            container[last] = value  # type: ignore[index]
    else:
        container[last] = value


def _remove_path(item: Item, path: ResolvedPath) -> None:
    container = _parent(item, path)
    last = path[-1]
    _check_step(container, last)
    if isinstance(container, list):
        if last < len(container):  # type: ignore[operator]
            del container[last]  # type: ignore[arg-type]
    else:
        container.pop(last, None)


def _add(item: Item, path: ResolvedPath, operand: dict[str, Any]) -> None:
    current = get_path(item, path)
    tag = tag_of(operand)
    if current is None:
        if tag == "N":
            operand = {"N": canonical_number(check_number(Decimal(operand["N"])))}
        _set_path(item, path, clone(operand))
        return
    if tag not in current:
        raise ExpressionError(WRONG_TYPE)
    if tag == "L":  # only the legacy AttributeUpdates ADD reaches here with a list: it appends
        _set_path(item, path, {"L": [*current["L"], *clone(operand)["L"]]})
        return
    if tag == "N":
        total = arithmetic("+", Decimal(current["N"]), Decimal(operand["N"]))
        _set_path(item, path, {"N": canonical_number(total)})
        return
    _set_path(item, path, {tag: _set_union(tag, current[tag], operand[tag])})


def _delete(item: Item, path: ResolvedPath, operand: dict[str, Any]) -> None:
    current = get_path(item, path)
    if current is None:
        return
    tag = tag_of(operand)
    if tag not in current:
        raise ExpressionError(WRONG_TYPE)
    remaining = _set_difference(tag, current[tag], operand[tag])
    if remaining:
        _set_path(item, path, {tag: remaining})
    else:
        _remove_path(item, path)  # an emptied set disappears, as DynamoDB stores no empty sets


def _element_key(tag: str, element: Any) -> Any:
    if SET_ELEMENT[tag] == "N":
        return Decimal(element)
    if SET_ELEMENT[tag] == "B":
        return bytes(element)
    return element


def _set_union(tag: str, current: list[Any], extra: list[Any]) -> list[Any]:
    seen = {_element_key(tag, e) for e in current}
    result = list(current)
    for element in extra:
        key = _element_key(tag, element)
        if key not in seen:
            seen.add(key)
            result.append(element)
    return result


def _set_difference(tag: str, current: list[Any], removed: list[Any]) -> list[Any]:
    gone = {_element_key(tag, e) for e in removed}
    return [e for e in current if _element_key(tag, e) not in gone]
