"""Recursive-descent parser for DynamoDB's condition, update and projection expressions.

Precedence, highest first, as DynamoDB documents it: comparators, IN, BETWEEN, functions,
parentheses, NOT, AND, OR. Parse results depend only on the text and the expression kind, so
``parse`` caches them; placeholders are bound later (``evaluate``, ``update``, ``projection``).
"""

from __future__ import annotations

import functools
from importlib import resources

from fogbank.services.dynamodb.expressions.ast import (
    And,
    Arithmetic,
    Between,
    Call,
    Compare,
    ConditionNode,
    FunctionCondition,
    In,
    Not,
    Operand,
    Or,
    ParsedExpression,
    Path,
    PathElement,
    UpdateAction,
    Value,
)
from fogbank.services.dynamodb.expressions.errors import ExpressionError, invalid
from fogbank.services.dynamodb.expressions.lexer import TokenStream, tokenize

CONDITION_KINDS = frozenset({"ConditionExpression", "FilterExpression", "KeyConditionExpression"})
UPDATE_KIND = "UpdateExpression"
PROJECTION_KIND = "ProjectionExpression"

COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
CONDITION_FUNCTIONS = frozenset(
    {"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"}
)
UPDATE_FUNCTIONS = frozenset({"if_not_exists", "list_append"})
#: Functions that give a value rather than a truth value.
VALUE_FUNCTIONS = frozenset({"size"}) | UPDATE_FUNCTIONS
ARITY = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
    "if_not_exists": 2,
    "list_append": 2,
}
#: Functions whose first operand must be a document path.
NEEDS_PATH = frozenset({"attribute_exists", "attribute_not_exists", "attribute_type", "size", "if_not_exists"})
CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")
#: The most operands DynamoDB accepts on the right of IN.
MAX_IN_OPERANDS = 100


@functools.cache
def reserved_words() -> frozenset[str]:
    """DynamoDB's reserved words (upper case), from the documented list shipped with the package."""
    text = resources.files(__package__).joinpath("reserved_words.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


class _Parser:
    """One pass over one expression's tokens; collects the placeholders it meets."""

    def __init__(self, text: str, kind: str) -> None:
        self.kind = kind
        self.stream: TokenStream = tokenize(text, kind)
        self.tokens = self.stream.tokens
        self.pos = 0
        self.name_refs: dict[str, None] = {}
        self.value_refs: dict[str, None] = {}
        self.reserved = reserved_words()

    # -- token helpers ---------------------------------------------------------------------
    def peek(self) -> str:
        return self.tokens[self.pos].kind

    def keyword(self) -> str | None:
        """The upper-cased text of the current token if it is a bare word."""
        token = self.tokens[self.pos]
        return token.text.upper() if token.kind == "NAME" else None

    def error(self, offset: int = 0) -> ExpressionError:
        return self.stream.syntax_error(self.pos + offset, self.kind)

    def expect(self, kind: str) -> None:
        if self.tokens[self.pos].kind != kind:
            raise self.error()
        self.pos += 1

    def end(self) -> None:
        if self.peek() != "EOF":
            raise self.error()

    # -- operands --------------------------------------------------------------------------
    def path_element(self) -> str:
        token = self.tokens[self.pos]
        if token.kind == "NAMEREF":
            self.name_refs.setdefault(token.text)
        elif token.kind == "NAME":
            if token.text.upper() in self.reserved:
                raise invalid(self.kind, f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
        else:
            raise self.error()
        self.pos += 1
        return token.text

    def path(self) -> Path:
        elements: list[PathElement] = [self.path_element()]
        while True:
            kind = self.peek()
            if kind == ".":
                self.pos += 1
                elements.append(self.path_element())
            elif kind == "[":
                self.pos += 1
                token = self.tokens[self.pos]
                if token.kind != "NUMBER":
                    raise self.error()
                self.pos += 1
                self.expect("]")
                elements.append(int(token.text))
            else:
                return Path(tuple(elements))

    def operand(self) -> Operand:
        token = self.tokens[self.pos]
        if token.kind == "VALUEREF":
            self.pos += 1
            self.value_refs.setdefault(token.text)
            return Value(token.text)
        if token.kind == "NAME" and self.tokens[self.pos + 1].kind == "(":
            return self.call()
        return self.path()

    def call(self) -> Call:
        name = self.tokens[self.pos].text
        if name not in ARITY:
            raise invalid(self.kind, f"Invalid function name; function: {name}")
        self.pos += 2
        args: list[Operand] = []
        if self.peek() != ")":
            args.append(self.operand())
            while self.peek() == ",":
                self.pos += 1
                args.append(self.operand())
        self.expect(")")
        if len(args) != ARITY[name]:
            raise invalid(
                self.kind,
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(args)}",
            )
        if name in NEEDS_PATH and not isinstance(args[0], Path):
            raise invalid(
                self.kind, f"Operator or function requires a document path; operator or function: {name}"
            )
        return Call(name, tuple(args))

    # -- conditions ------------------------------------------------------------------------
    def condition(self) -> ConditionNode:
        node = self.conjunction()
        while self.keyword() == "OR":
            self.pos += 1
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> ConditionNode:
        node = self.negation()
        while self.keyword() == "AND":
            self.pos += 1
            node = And(node, self.negation())
        return node

    def negation(self) -> ConditionNode:
        if self.keyword() == "NOT":
            self.pos += 1
            return Not(self.negation())
        if self.peek() == "(":
            self.pos += 1
            node = self.condition()
            self.expect(")")
            return node
        return self.predicate()

    def predicate(self) -> ConditionNode:
        left = self.operand()
        kind = self.peek()
        if kind in COMPARATORS:
            self.pos += 1
            node: ConditionNode = Compare(kind, self.comparable(left), self.comparable(self.operand()))
            return node
        word = self.keyword()
        if word == "BETWEEN":
            self.pos += 1
            low = self.comparable(self.operand())
            if self.keyword() != "AND":
                raise self.error()
            self.pos += 1
            return Between(self.comparable(left), low, self.comparable(self.operand()))
        if word == "IN":
            self.pos += 1
            self.expect("(")
            choices = [self.comparable(self.operand())]
            while self.peek() == ",":
                self.pos += 1
                choices.append(self.comparable(self.operand()))
            self.expect(")")
            if len(choices) > MAX_IN_OPERANDS:
                raise invalid(
                    self.kind,
                    "The IN operator is provided with too many operands; "
                    f"number of operands: {len(choices)}",
                )
            return In(self.comparable(left), tuple(choices))
        if isinstance(left, Call):
            if left.name not in CONDITION_FUNCTIONS:
                raise self.misused(left.name)
            return FunctionCondition(left)
        raise self.error()

    def comparable(self, operand: Operand) -> Operand:
        """``operand`` if it may stand in a comparison (paths, values and size())."""
        if isinstance(operand, Call) and operand.name != "size":
            raise self.misused(operand.name)
        return operand

    def misused(self, function: str) -> ExpressionError:
        return invalid(
            self.kind, f"The function is not allowed to be used this way in an expression; function: {function}"
        )

    # -- updates ---------------------------------------------------------------------------
    def update(self) -> tuple[UpdateAction, ...]:
        actions: list[UpdateAction] = []
        seen: set[str] = set()
        while self.peek() != "EOF":
            clause = self.keyword()
            if clause not in CLAUSES:
                raise self.error()
            if clause in seen:
                raise invalid(
                    self.kind, f'The "{clause}" section can only be used once in an update expression;'
                )
            seen.add(clause)
            self.pos += 1
            actions.append(self.update_action(clause))
            while self.peek() == ",":
                self.pos += 1
                actions.append(self.update_action(clause))
        return tuple(actions)

    def update_action(self, clause: str) -> UpdateAction:
        path = self.path()
        if clause == "REMOVE":
            return UpdateAction(clause, path, None)
        if clause == "SET":
            self.expect("=")
            return UpdateAction(clause, path, self.set_value())
        token = self.tokens[self.pos]
        if token.kind != "VALUEREF":
            raise self.error()
        return UpdateAction(clause, path, self.operand())

    def set_value(self) -> Operand:
        left = self.set_operand()
        kind = self.peek()
        if kind in ("+", "-"):
            self.pos += 1
            return Arithmetic(kind, left, self.set_operand())
        return left

    def set_operand(self) -> Operand:
        token = self.tokens[self.pos]
        if token.kind == "NAME" and self.tokens[self.pos + 1].kind == "(":
            name = token.text
            if name not in ARITY:
                raise invalid(self.kind, f"Invalid function name; function: {name}")
            if name not in UPDATE_FUNCTIONS:
                raise self.misused(name)
            self.pos += 2
            args = [self.set_operand()]
            while self.peek() == ",":
                self.pos += 1
                args.append(self.set_operand())
            self.expect(")")
            if len(args) != ARITY[name]:
                raise invalid(
                    self.kind,
                    "Incorrect number of operands for operator or function; "
                    f"operator or function: {name}, number of operands: {len(args)}",
                )
            if name in NEEDS_PATH and not isinstance(args[0], Path):
                raise invalid(
                    self.kind, f"Operator or function requires a document path; operator or function: {name}"
                )
            return Call(name, tuple(args))
        return self.operand()

    # -- projections -----------------------------------------------------------------------
    def projection(self) -> tuple[Path, ...]:
        paths = [self.path()]
        while self.peek() == ",":
            self.pos += 1
            paths.append(self.path())
        return tuple(paths)


@functools.lru_cache(maxsize=4096)
def parse(text: str, kind: str) -> ParsedExpression:
    """Parse ``text`` as expression ``kind`` (e.g. ``"ConditionExpression"``); raises AWS's errors.

    Condition kinds give a ``ConditionNode`` root, ``UpdateExpression`` a tuple of
    ``UpdateAction``, ``ProjectionExpression`` a tuple of ``Path``.
    """
    if not text.strip():
        raise invalid(kind, "The expression can not be empty;")
    parser = _Parser(text, kind)
    root: object
    if kind in CONDITION_KINDS:
        root = parser.condition()
    elif kind == UPDATE_KIND:
        root = parser.update()
    elif kind == PROJECTION_KIND:
        root = parser.projection()
    else:
        raise ValueError(f"unknown expression kind {kind!r}")
    parser.end()
    return ParsedExpression(kind, root, tuple(parser.name_refs), tuple(parser.value_refs))
