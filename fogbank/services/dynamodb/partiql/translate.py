"""A parsed statement plus its parameters, written as the native request it stands for.

Everything becomes DynamoDB's own expression language (``#pN`` names, ``:pN`` values), so the
native operations check, evaluate and write it exactly as they do for any request:

- SELECT with an equality on the partition key of its table or index is a Query (with the
  sort-key condition, when there is one among the top-level ANDs, in the key condition);
  otherwise a Scan. The other conditions become the FilterExpression.
- INSERT is a PutItem that must not overwrite (``attribute_not_exists`` on the partition key).
- UPDATE is an UpdateItem of the item named by equalities on every key attribute, which must
  exist; other conditions join its ConditionExpression. ``set_add``/``set_delete`` become ADD
  and DELETE actions.
- DELETE is a DeleteItem of the item named by its key, other conditions as its condition.
- ``EXISTS(SELECT ...)`` is a transaction's ConditionCheck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fogbank.services.dynamodb.expressions import validate_value
from fogbank.services.dynamodb.expressions.errors import ExpressionError
from fogbank.services.dynamodb.expressions.values import arithmetic, canonical_number, parse_number
from fogbank.services.dynamodb.partiql import ast
from fogbank.services.dynamodb.partiql.errors import NO_KEY, invalid
from fogbank.services.dynamodb.schema import Table

_FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SORT_OPS = frozenset({"=", "<", "<=", ">", ">="})
_TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")


@dataclass
class Native:
    """The native operation a statement stands for: ``op`` and its request in boto3's shape.

    ``filter``/``projection`` (with ``names``/``values``) are applied to a fetched item by the
    caller for SELECTs run as single-item reads (batches and transactions).
    """

    op: str
    table: str
    request: dict[str, Any]
    statement: ast.Statement
    filter: str | None = None
    projection: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


class _Writer:
    """Writes conditions, paths and values with placeholders, collecting their bindings."""

    def __init__(self, parameters: Sequence[dict[str, Any]]) -> None:
        self.parameters = parameters
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self._by_name: dict[str, str] = {}

    def name(self, attribute: str) -> str:
        found = self._by_name.get(attribute)
        if found is None:
            found = self._by_name[attribute] = f"#p{len(self._by_name)}"
            self.names[found] = attribute
        return found

    def value(self, value: dict[str, Any]) -> str:
        placeholder = f":p{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def path(self, path: ast.Path) -> str:
        parts = [self.name(path.head)]
        for step in path.steps:
            parts.append(f"[{step}]" if isinstance(step, int) else "." + self.name(step))
        return "".join(parts)

    def operand(self, node: ast.Expr) -> str:
        if isinstance(node, ast.Path):
            return self.path(node)
        if isinstance(node, ast.Call) and node.name == "SIZE":
            if len(node.args) != 1 or not isinstance(node.args[0], ast.Path):
                raise invalid("Incorrect number of arguments or argument types for function size")
            return f"size({self.path(node.args[0])})"
        if isinstance(node, ast.Arith):
            folded = constant(node, self.parameters)
            return self.value(folded)
        return self.value(constant(node, self.parameters))

    def condition(self, node: ast.Expr) -> str:
        if isinstance(node, ast.And):
            return f"({self.condition(node.left)} AND {self.condition(node.right)})"
        if isinstance(node, ast.Or):
            return f"({self.condition(node.left)} OR {self.condition(node.right)})"
        if isinstance(node, ast.Not):
            return f"(NOT {self.condition(node.operand)})"
        if isinstance(node, ast.Compare):
            return f"{self.operand(node.left)} {node.op} {self.operand(node.right)}"
        if isinstance(node, ast.Between):
            return f"{self.operand(node.operand)} BETWEEN {self.operand(node.low)} AND {self.operand(node.high)}"
        if isinstance(node, ast.In):
            return f"{self.operand(node.operand)} IN ({', '.join(self.operand(c) for c in node.choices)})"
        if isinstance(node, ast.Is):
            return self._is(node)
        if isinstance(node, ast.Call):
            return self._function(node)
        raise invalid("Unsupported operation: a condition must compare, test or call a function")

    def _is(self, node: ast.Is) -> str:
        if not isinstance(node.operand, ast.Path):
            raise invalid("Unsupported operation: IS needs an attribute path")
        path = self.path(node.operand)
        if node.what == "MISSING":
            return f"attribute_exists({path})" if node.negated else f"attribute_not_exists({path})"
        null = self.value({"S": "NULL"})
        if node.negated:
            return f"(attribute_exists({path}) AND NOT attribute_type({path}, {null}))"
        return f"attribute_type({path}, {null})"

    def _function(self, node: ast.Call) -> str:
        name, args = node.name, node.args
        if name in ("BEGINS_WITH", "CONTAINS") and len(args) == 2:
            return f"{name.lower()}({self.operand(args[0])}, {self.operand(args[1])})"
        if name == "ATTRIBUTE_TYPE" and len(args) == 2 and isinstance(args[0], ast.Path):
            kind = constant(args[1], self.parameters)
            if kind.get("S") not in _TYPES:
                raise invalid("Invalid attribute type name: " + str(next(iter(kind.values()))))
            return f"attribute_type({self.path(args[0])}, {self.value(kind)})"
        if name in ("EXISTS", "MISSING") and len(args) == 1 and isinstance(args[0], ast.Path):
            word = "attribute_exists" if name == "EXISTS" else "attribute_not_exists"
            return f"{word}({self.path(args[0])})"
        raise invalid(f"Unsupported function {name.lower()} or wrong number of arguments")


def constant(node: ast.Expr, parameters: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The wire value of a literal (or ``?``, list, bag, tuple), checked as an AttributeValue."""
    if isinstance(node, ast.Param):
        return parameters[node.index]
    return validate_value(_build(node, parameters))


def _build(node: ast.Expr, parameters: Sequence[dict[str, Any]]) -> dict[str, Any]:
    if isinstance(node, ast.Literal):
        tag, raw = node.value
        return {tag: raw}
    if isinstance(node, ast.Param):
        return parameters[node.index]
    if isinstance(node, ast.ListLit):
        return {"L": [_build(i, parameters) for i in node.items]}
    if isinstance(node, ast.TupleLit):
        return {"M": {k: _build(v, parameters) for k, v in node.pairs}}
    if isinstance(node, ast.BagLit):
        elements = [_build(i, parameters) for i in node.items]
        tags = {next(iter(e)) for e in elements}
        if len(tags) != 1 or next(iter(tags)) not in ("S", "N", "B"):
            raise invalid("Unsupported set: the elements of a set must all be strings, all numbers or all binaries")
        tag = next(iter(tags))
        return {tag + "S": [e[tag] for e in elements]}
    if isinstance(node, ast.Arith):
        left, right = _build(node.left, parameters), _build(node.right, parameters)
        if "N" not in left or "N" not in right:
            raise invalid("Unsupported operation: arithmetic needs number operands")
        return {"N": canonical_number(arithmetic(node.op, parse_number(left["N"]), parse_number(right["N"])))}
    raise invalid("Unsupported operation: expected a literal value, found an attribute path")


def conjuncts(node: ast.Expr | None) -> list[ast.Expr]:
    """The top-level AND terms of a WHERE clause."""
    if node is None:
        return []
    if isinstance(node, ast.And):
        return conjuncts(node.left) + conjuncts(node.right)
    return [node]


def _is_value(node: ast.Expr) -> bool:
    return isinstance(node, ast.Literal | ast.Param | ast.ListLit | ast.BagLit | ast.TupleLit)


def _equality_on(term: ast.Expr, name: str) -> ast.Expr | None:
    """The value ``term`` binds attribute ``name`` to (``name = v`` or ``v = name``), else None."""
    if not isinstance(term, ast.Compare) or term.op != "=":
        return None
    for side, other in ((term.left, term.right), (term.right, term.left)):
        if side == ast.Path(name) and _is_value(other):
            return other
    return None


def _sort_condition(term: ast.Expr, name: str) -> bool:
    """Whether ``term`` is a condition a Query can put in its key condition for sort key ``name``."""
    key = ast.Path(name)
    if isinstance(term, ast.Compare) and term.op in _SORT_OPS:
        return (term.left == key and _is_value(term.right)) or (term.right == key and _is_value(term.left))
    if isinstance(term, ast.Between):
        return term.operand == key and _is_value(term.low) and _is_value(term.high)
    if isinstance(term, ast.Call) and term.name == "BEGINS_WITH" and len(term.args) == 2:
        return term.args[0] == key and _is_value(term.args[1])
    return False


def _and(parts: list[str]) -> str | None:
    return " AND ".join(parts) if parts else None


def _with_expressions(request: dict[str, Any], writer: _Writer) -> dict[str, Any]:
    if writer.names:
        request["ExpressionAttributeNames"] = writer.names
    if writer.values:
        request["ExpressionAttributeValues"] = writer.values
    return request


def _key(table: Table, where: ast.Expr | None, parameters: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], list[ast.Expr]]:
    """The key an UPDATE/DELETE/single-item SELECT names, and the WHERE terms left over."""
    rest = conjuncts(where)
    key: dict[str, Any] = {}
    for name in table.key_names:
        for term in rest:
            value = _equality_on(term, name)
            if value is not None:
                key[name] = constant(value, parameters)
                rest.remove(term)
                break
        else:
            raise invalid(NO_KEY)
    return key, rest


def plan(statement: ast.Statement, table: Table, parameters: Sequence[dict[str, Any]], single: bool = False) -> Native:
    """The native request for ``statement`` on ``table``; ``single`` makes a SELECT a one-item read."""
    if isinstance(statement, ast.Select):
        return _get(statement, table, parameters) if single else _select(statement, table, parameters)
    if isinstance(statement, ast.Insert):
        return _insert(statement, table, parameters)
    if isinstance(statement, ast.Update):
        return _update(statement, table, parameters)
    if isinstance(statement, ast.Delete):
        return _delete(statement, table, parameters)
    return _exists(statement, table, parameters)


def _select(statement: ast.Select, table: Table, parameters: Sequence[dict[str, Any]]) -> Native:
    target = statement.target
    if target.index is not None:
        index = table.index(target.index)
        hash_name, range_name = index.hash_name, index.range_name
    else:
        hash_name, range_name = table.hash_name, table.range_name
    writer = _Writer(parameters)
    request: dict[str, Any] = {"TableName": table.name}
    if target.index is not None:
        request["IndexName"] = target.index
    terms = conjuncts(statement.where)
    partition = next((t for t in terms if _equality_on(t, hash_name) is not None), None)
    if statement.projection is not None:
        request["ProjectionExpression"] = ", ".join(writer.path(p) for p in statement.projection)
    if partition is None:
        if statement.order_by is not None:
            raise invalid("Must have WHERE clause in the statement when using ORDER BY clause.")
        filter_text = writer.condition(statement.where) if statement.where is not None else None
        if filter_text is not None:
            request["FilterExpression"] = filter_text
        return Native("Scan", table.name, _with_expressions(request, writer), statement)
    terms.remove(partition)
    key_parts = [f"{writer.path(ast.Path(hash_name))} = {writer.operand(_equality_on(partition, hash_name))}"]  # type: ignore[arg-type]
    if range_name is not None:
        sort = next((t for t in terms if _sort_condition(t, range_name)), None)
        if sort is not None:
            terms.remove(sort)
            key_parts.append(_sort_text(writer, sort, range_name))
    request["KeyConditionExpression"] = " AND ".join(key_parts)
    filter_text = _and([writer.condition(t) for t in terms])
    if filter_text is not None:
        request["FilterExpression"] = filter_text
    if statement.order_by is not None:
        if statement.order_by not in (ast.Path(hash_name), ast.Path(range_name or hash_name)):
            raise invalid("Order by is supported only on the key attributes of the table or index")
        if statement.descending:
            request["ScanIndexForward"] = False
    return Native("Query", table.name, _with_expressions(request, writer), statement)


def _sort_text(writer: _Writer, term: ast.Expr, name: str) -> str:
    path = writer.path(ast.Path(name))
    if isinstance(term, ast.Compare):
        if term.left == ast.Path(name):
            return f"{path} {term.op} {writer.operand(term.right)}"
        return f"{path} {_FLIPPED[term.op]} {writer.operand(term.left)}"
    if isinstance(term, ast.Between):
        return f"{path} BETWEEN {writer.operand(term.low)} AND {writer.operand(term.high)}"
    assert isinstance(term, ast.Call)
    return f"begins_with({path}, {writer.operand(term.args[1])})"


def _get(statement: ast.Select, table: Table, parameters: Sequence[dict[str, Any]]) -> Native:
    if statement.target.index is not None:
        raise invalid("Batch and transaction SELECT statements can only read a table by its key, not an index")
    key, rest = _key(table, statement.where, parameters)
    writer = _Writer(parameters)
    native = Native("GetItem", table.name, {"TableName": table.name, "Key": key}, statement)
    native.filter = _and([writer.condition(t) for t in rest])
    if statement.projection is not None:
        native.projection = ", ".join(writer.path(p) for p in statement.projection)
    native.names, native.values = writer.names, writer.values
    return native


def _insert(statement: ast.Insert, table: Table, parameters: Sequence[dict[str, Any]]) -> Native:
    item = constant(statement.value, parameters)
    if "M" not in item:
        raise invalid("Unsupported operation: INSERT needs a tuple value such as {'pk': 'a'}")
    writer = _Writer(parameters)
    request = {"TableName": table.name, "Item": item["M"], "ConditionExpression": f"attribute_not_exists({writer.name(table.hash_name)})"}
    return Native("PutItem", table.name, _with_expressions(request, writer), statement)


def _update(statement: ast.Update, table: Table, parameters: Sequence[dict[str, Any]]) -> Native:
    key, rest = _key(table, statement.where, parameters)
    writer = _Writer(parameters)
    clauses: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
    for action in statement.actions:
        path = writer.path(action.path)
        if isinstance(action, ast.RemoveAction):
            clauses["REMOVE"].append(path)
            continue
        value = action.value
        if isinstance(value, ast.Call) and value.name in ("SET_ADD", "SET_DELETE"):
            if len(value.args) != 2 or value.args[0] != action.path:
                raise invalid(f"Unsupported operation: {value.name.lower()} must name the attribute it sets as its first argument")
            clauses["ADD" if value.name == "SET_ADD" else "DELETE"].append(f"{path} {writer.value(constant(value.args[1], parameters))}")
            continue
        clauses["SET"].append(f"{path} = {_set_value(writer, value)}")
    request: dict[str, Any] = {
        "TableName": table.name,
        "Key": key,
        "UpdateExpression": " ".join(f"{c} {', '.join(parts)}" for c, parts in clauses.items() if parts),
        "ConditionExpression": _and([f"attribute_exists({writer.name(table.hash_name)})"] + [writer.condition(t) for t in rest]),
    }
    if statement.returning is not None:
        request["ReturnValues"] = statement.returning
    return Native("UpdateItem", table.name, _with_expressions(request, writer), statement)


def _set_value(writer: _Writer, node: ast.Expr) -> str:
    if isinstance(node, ast.Arith) and not (_is_value(node.left) and _is_value(node.right)):
        return f"{_set_value(writer, node.left)} {node.op} {_set_value(writer, node.right)}"
    if isinstance(node, ast.Call) and node.name in ("LIST_APPEND", "IF_NOT_EXISTS") and len(node.args) == 2:
        return f"{node.name.lower()}({_set_value(writer, node.args[0])}, {_set_value(writer, node.args[1])})"
    if isinstance(node, ast.Path):
        return writer.path(node)
    if isinstance(node, ast.Call):
        raise invalid(f"Unsupported function {node.name.lower()} in SET")
    return writer.value(constant(node, writer.parameters))


def _delete(statement: ast.Delete, table: Table, parameters: Sequence[dict[str, Any]]) -> Native:
    if statement.returning not in (None, "ALL_OLD"):
        raise invalid("Unsupported operation: DELETE can only return ALL OLD *")
    key, rest = _key(table, statement.where, parameters)
    writer = _Writer(parameters)
    request: dict[str, Any] = {"TableName": table.name, "Key": key}
    condition_text = _and([writer.condition(t) for t in rest])
    if condition_text is not None:
        request["ConditionExpression"] = condition_text
    if statement.returning is not None:
        request["ReturnValues"] = statement.returning
    return Native("DeleteItem", table.name, _with_expressions(request, writer), statement)


def _exists(statement: ast.Exists, table: Table, parameters: Sequence[dict[str, Any]]) -> Native:
    select = statement.select
    key, rest = _key(table, select.where, parameters)
    writer = _Writer(parameters)
    request = {
        "TableName": table.name,
        "Key": key,
        "ConditionExpression": _and([f"attribute_exists({writer.name(table.hash_name)})"] + [writer.condition(t) for t in rest]),
    }
    return Native("ConditionCheck", table.name, _with_expressions(request, writer), statement)


def target_of(statement: ast.Statement) -> ast.Target:
    """The table (and index) a statement names."""
    if isinstance(statement, ast.Exists):
        return statement.select.target
    return statement.target


def bind_parameters(expected: int, given: Sequence[Any] | None) -> list[dict[str, Any]]:
    """The request's Parameters checked as AttributeValues, as many as the statement's ``?``."""
    given = list(given or [])
    if len(given) != expected:
        raise invalid("Number of parameters in request and statement doesn't match.")
    out = []
    for value in given:
        try:
            out.append(validate_value(value))
        except ExpressionError as error:
            raise invalid(f"Parameters contains invalid value: {error.message}") from None
    return out
