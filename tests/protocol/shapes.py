"""Valid values for any botocore shape: hypothesis strategies and a deterministic one-shot mode.

The same generator serves both: it asks a ``Chooser`` for every decision. ``RandomChooser`` makes
the decisions from a seeded ``random.Random`` (one fast, reproducible example per operation, with
every optional member present); ``DrawChooser`` makes them with hypothesis draws, so failures
shrink. Values respect what the wire can carry at the member's location: header strings are
printable ASCII, URI labels are non-empty path-safe text, timestamps in headers are whole seconds.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from botocore.model import Shape
from hypothesis import strategies as st

UTC = dt.UTC
EPOCH_MIN = 946684800  # 2000-01-01
EPOCH_MAX = 4102444800  # 2100-01-01

# Body text deliberately carries characters that each wire format must escape.
BODY_ALPHABET = string.ascii_letters + string.digits + " -_.:/<>&'\"=+é€"
# Hypothesis also tries whitespace that XML parsers like to normalise and 4-byte UTF-8.
WIDE_BODY_ALPHABET = BODY_ALPHABET + "\n\t\r😀\u00a0"
HEADER_ALPHABET = string.ascii_letters + string.digits + "-_.:/=+"
LABEL_ALPHABET = string.ascii_letters + string.digits + "-_"
KEY_ALPHABET = string.ascii_lowercase + string.digits

# Headers whose value the HTTP layer owns; a member bound to one cannot round-trip by itself.
HTTP_OWNED_HEADERS = frozenset({"content-length", "transfer-encoding", "host", "expect"})


# How many times a structure may already be on the stack before optional members stop recursing.
RECURSION = 2


class Chooser(Protocol):
    """Every decision the generator makes."""

    def integer(self, lo: int, hi: int) -> int: ...
    def boolean(self) -> bool: ...
    def choice(self, items: Sequence[Any]) -> Any: ...
    def text(self, alphabet: str, lo: int, hi: int) -> str: ...
    def binary(self, lo: int, hi: int) -> bytes: ...
    def real(self) -> float: ...
    def include_optional(self) -> bool: ...


class RandomChooser:
    """Decisions from a seeded ``random.Random``; optional members all included, or none."""

    def __init__(self, seed: int, optional: bool = True) -> None:
        self.rng = random.Random(seed)
        self.optional = optional

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def boolean(self) -> bool:
        return self.rng.random() < 0.5

    def choice(self, items: Sequence[Any]) -> Any:
        return self.rng.choice(list(items))

    def text(self, alphabet: str, lo: int, hi: int) -> str:
        n = self.rng.randint(lo, hi)
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def binary(self, lo: int, hi: int) -> bytes:
        n = self.rng.randint(lo, hi)
        return bytes(self.rng.randrange(256) for _ in range(n))

    def real(self) -> float:
        # Multiples of 1/8 are exact in binary, so any faithful wire format carries them unchanged.
        return self.rng.randint(-80000, 80000) / 8

    def include_optional(self) -> bool:
        return self.optional


class DrawChooser:
    """Decisions drawn by hypothesis (``draw`` from ``st.composite`` or ``st.data().draw``)."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def boolean(self) -> bool:
        return self.draw(st.booleans())

    def choice(self, items: Sequence[Any]) -> Any:
        return self.draw(st.sampled_from(list(items)))

    def text(self, alphabet: str, lo: int, hi: int) -> str:
        return self.draw(st.text(alphabet=alphabet, min_size=lo, max_size=hi))

    def binary(self, lo: int, hi: int) -> bytes:
        return self.draw(st.binary(min_size=lo, max_size=hi))

    def real(self) -> float:
        return self.draw(
            st.one_of(
                st.integers(-(2**20), 2**20).map(lambda i: i / 16),
                st.floats(allow_nan=False, allow_infinity=False, width=64),
            )
        )

    def include_optional(self) -> bool:
        return self.draw(st.booleans())


@dataclass(frozen=True)
class Where:
    """Where on the wire a value travels, which limits what it may contain."""

    location: str = ""  # "", "header", "headers", "querystring", "uri", "statusCode", "host"
    greedy: bool = False
    output: bool = False
    in_list: bool = False


@dataclass(frozen=True)
class Limits:
    """Size limits that keep examples small and recursion finite."""

    max_depth: int = 5
    max_items: int = 2
    max_text: int = 12
    max_blob: int = 16


class ShapeValues:
    """Builds values for botocore shapes, asking ``chooser`` for each decision."""

    def __init__(self, chooser: Chooser, limits: Limits | None = None) -> None:
        self.c = chooser
        self.limits = limits or Limits()

    # -- entry points --------------------------------------------------------------------
    def top(self, shape: Shape | None, *, output: bool = False, skip: Sequence[str] = ()) -> dict:
        """A value for an operation's input or output structure (``{}`` when there is none)."""
        if shape is None:
            return {}
        return self._structure(shape, Where(output=output), (), top=True, skip=skip)

    def value(self, shape: Shape, where: Where, stack: tuple[str, ...]) -> Any:
        """A value for any shape."""
        kind = shape.type_name
        if kind == "structure":
            if shape.serialization.get("eventstream") or shape.metadata.get("document"):
                return self._document() if shape.metadata.get("document") else None
            return self._structure(shape, where, stack)
        if kind == "list":
            return self._list(shape, where, stack)
        if kind == "map":
            return self._map(shape, where, stack)
        if kind == "string":
            return self._string(shape, where)
        if kind in ("integer", "long", "short", "byte"):
            return self._integer(shape, where)
        if kind in ("float", "double"):
            return self.c.real()
        if kind == "boolean":
            return self.c.boolean()
        if kind == "timestamp":
            return self._timestamp(shape, where)
        if kind == "blob":
            return self._blob(shape, where)
        raise TypeError(f"no generator for shape type {kind!r} ({shape.name})")

    # -- containers ----------------------------------------------------------------------
    def _structure(
        self, shape: Shape, where: Where, stack: tuple[str, ...], *, top: bool = False, skip: Sequence[str] = ()
    ) -> dict:
        required = set(shape.required_members)
        # A recursive shape may nest in itself once (DynamoDB's M and L hold AttributeValues).
        recursive = stack.count(shape.name) >= RECURSION or len(stack) >= self.limits.max_depth
        stack = stack + (shape.name,)
        members = [(n, m) for n, m in shape.members.items() if n not in skip and (not top or _carried(m))]
        if shape.is_tagged_union:
            candidates = [(n, m) for n, m in members if not _would_recurse(m, stack)] or members
            if not candidates:
                return {}
            name, member = self.c.choice(candidates)
            return {name: self.value(member, self._where(member, where, top), stack)}
        out: dict[str, Any] = {}
        for name, member in members:
            if name not in required and (recursive or not self.c.include_optional()):
                continue
            if name not in required and _would_recurse(member, stack):
                continue
            value = self.value(member, self._where(member, where, top), stack)
            if value is not None:
                out[name] = value
        return out

    def _list(self, shape: Shape, where: Where, stack: tuple[str, ...]) -> list:
        lo = int(shape.metadata.get("min", 0))
        deep = len(stack) >= self.limits.max_depth or _would_recurse(shape.member, stack)
        hi = lo if deep else max(lo, min(int(shape.metadata.get("max", 10**9)), self.limits.max_items))
        if where.location in ("header", "querystring", "uri"):
            lo = max(lo, 1)
            hi = max(hi, lo)
        n = self.c.integer(lo, hi) if isinstance(self.c, DrawChooser) else hi
        inner = replace(where, in_list=True)
        items = [self.value(shape.member, inner, stack) for _ in range(n)]
        if shape.member.type_name == "string" and where.location == "header":
            # A header list is one comma-joined value; make the items distinct and comma free.
            items = [f"{v}{i}" for i, v in enumerate(items)]
        return items

    def _map(self, shape: Shape, where: Where, stack: tuple[str, ...]) -> dict:
        lo = int(shape.metadata.get("min", 0))
        deep = len(stack) >= self.limits.max_depth or _would_recurse(shape.value, stack)
        hi = lo if deep else max(lo, min(int(shape.metadata.get("max", 10**9)), self.limits.max_items))
        n = self.c.integer(lo, hi) if isinstance(self.c, DrawChooser) else hi
        key_where = Where(location="header" if where.location in ("headers", "querystring") else "")
        out: dict[str, Any] = {}
        enum = shape.key.enum
        for i in range(n * 3):
            if len(out) >= n:
                break
            if enum:
                key = self.c.choice(enum)
            elif where.location in ("headers", "querystring"):
                # Header names are case-insensitive and query keys share the query string with
                # named members: a distinctive lower-case prefix keeps both unambiguous.
                key = "k" + self.c.text(KEY_ALPHABET, 1, 6) + str(i)
            else:
                key = self._string(shape.key, key_where)
            out[key] = self.value(shape.value, Where(location=where.location, output=where.output), stack)
        return out

    def _document(self) -> Any:
        return {"k": self.c.text(LABEL_ALPHABET, 1, 6), "n": self.c.integer(0, 100), "b": self.c.boolean()}

    # -- scalars -------------------------------------------------------------------------
    def _string(self, shape: Shape, where: Where) -> Any:
        if shape.serialization.get("jsonvalue"):
            return {"k": self.c.text(LABEL_ALPHABET, 1, 6), "n": [1, 2]}
        enum = shape.enum
        if enum:
            return self.c.choice(enum)
        lo = int(shape.metadata.get("min", 0))
        hi = int(shape.metadata.get("max", 10**9))
        if where.location in ("header", "headers", "uri", "querystring", "host") or isinstance(self.c, RandomChooser):
            lo = max(lo, 1)
        size_hi = max(lo, min(hi, self.limits.max_text))
        if where.location == "host":
            # A host-prefix label must be a DNS label (botocore refuses anything else).
            return (self.c.text(string.ascii_lowercase, 1, 1)
                    + self.c.text(string.ascii_lowercase + string.digits + "-", max(lo - 1, 0), max(size_hi - 2, 0))
                    + self.c.text(string.ascii_lowercase + string.digits, 1, 1))[: max(hi, 1)]
        if where.location == "uri":
            head = self.c.text(string.ascii_letters, 1, 1)
            body = self.c.text(LABEL_ALPHABET, max(lo - 1, 0), max(size_hi - 1, 0))
            text = head + body
            if where.greedy and len(text) > 2:
                text = text[:1] + "/" + text[2:]
            return text[:hi]
        if where.location in ("header", "headers"):
            first = self.c.text(string.ascii_letters, 1, 1)
            return (first + self.c.text(HEADER_ALPHABET, max(lo - 1, 0), max(size_hi - 1, 0)))[:hi]
        return self.c.text(WIDE_BODY_ALPHABET if isinstance(self.c, DrawChooser) else BODY_ALPHABET, lo, size_hi)

    def _integer(self, shape: Shape, where: Where) -> int:
        if where.location == "statusCode":
            return self.c.choice([200, 202])
        bound = {"integer": 2**31 - 1, "long": 2**53, "short": 2**15 - 1, "byte": 127}[shape.type_name]
        lo = int(shape.metadata.get("min", -bound - 1))
        hi = int(shape.metadata.get("max", bound))
        if isinstance(self.c, DrawChooser):
            return self.c.integer(max(lo, -bound - 1), min(hi, bound))
        return self.c.integer(max(lo, -1000), max(min(hi, 100000), max(lo, -1000)))

    def _timestamp(self, shape: Shape, where: Where) -> dt.datetime:
        seconds = self.c.integer(EPOCH_MIN, EPOCH_MAX)
        # botocore writes header timestamps from whole seconds whatever their format.
        whole = shape.serialization.get("timestampFormat") == "rfc822" or where.location in ("header", "headers")
        millis = 0 if whole else self.c.integer(0, 999)
        return dt.datetime.fromtimestamp(seconds, UTC) + dt.timedelta(milliseconds=millis)

    def _blob(self, shape: Shape, where: Where) -> bytes:
        lo = int(shape.metadata.get("min", 0))
        hi = int(shape.metadata.get("max", 10**9))
        if where.location or isinstance(self.c, RandomChooser):
            lo = max(lo, 1)
        return self.c.binary(lo, max(lo, min(hi, self.limits.max_blob)))

    def _where(self, member: Shape, parent: Where, top: bool) -> Where:
        if not top:
            return Where(output=parent.output, location="")
        # Greedy URI labels are filled in afterwards (see ``_with_greedy``): only the URI knows them.
        loc = "host" if member.serialization.get("hostLabel") else member.serialization.get("location", "")
        return Where(location=loc, output=parent.output)


def _carried(member: Shape) -> bool:
    """Whether a top-level member can travel on its own (event streams and HTTP-owned headers can't)."""
    if member.serialization.get("eventstream"):
        return False
    return not http_owned(member)


def http_owned(member: Shape) -> bool:
    """Whether a member is bound to a header that the HTTP layer itself sets (Content-Length...)."""
    return (
        member.serialization.get("location") == "header"
        and member.serialization.get("name", "").lower() in HTTP_OWNED_HEADERS
    )


def _would_recurse(shape: Shape, stack: tuple[str, ...]) -> bool:
    """Whether following ``shape`` leads back to a structure already on the stack."""
    seen: set[str] = set()
    todo = [shape]
    while todo:
        s = todo.pop()
        if s.name in seen:
            continue
        seen.add(s.name)
        if s.type_name == "structure" and stack.count(s.name) >= RECURSION:
            return True
        if s.type_name == "list":
            todo.append(s.member)
        elif s.type_name == "map":
            todo.append(s.value)
    return False


def greedy_labels(uri: str) -> set[str]:
    """Names of the greedy (``{Name+}``) labels of a requestUri."""
    import re

    return set(re.findall(r"\{([^}+]+)\+\}", uri))


def example_input(op: Any, seed: int, *, full: bool = True) -> dict:
    """The deterministic example input of an operation: every optional member, or (full=False) none."""
    gen = ShapeValues(RandomChooser(seed, optional=full))
    return _with_greedy(gen, op)


def example_output(op: Any, seed: int, *, full: bool = True) -> dict:
    """The deterministic example output of an operation: every optional member, or (full=False) none."""
    return ShapeValues(RandomChooser(seed, optional=full)).top(op.output_shape, output=True)


def example_error(shape: Shape, seed: int, skip: Sequence[str] = ()) -> dict:
    """Deterministic values for an error shape's members other than ``skip``."""
    return ShapeValues(RandomChooser(seed)).top(shape, output=True, skip=skip)


def _with_greedy(gen: ShapeValues, op: Any) -> dict:
    value = gen.top(op.input_shape)
    shape = op.input_shape
    if shape is None:
        return value
    for name in greedy_labels(op.http.get("requestUri", "")):
        for member_name, member in shape.members.items():
            if member.serialization.get("name", member_name) == name and member_name in value:
                value[member_name] = gen._string(member, Where(location="uri", greedy=True))
    return value


@st.composite
def inputs(draw: Callable[[st.SearchStrategy[Any]], Any], op: Any) -> dict:
    """Hypothesis strategy: valid inputs of operation ``op`` (a botocore OperationModel)."""
    return _with_greedy(ShapeValues(DrawChooser(draw)), op)


@st.composite
def outputs(draw: Callable[[st.SearchStrategy[Any]], Any], op: Any) -> dict:
    """Hypothesis strategy: valid outputs of operation ``op``."""
    return ShapeValues(DrawChooser(draw)).top(op.output_shape, output=True)


@st.composite
def shape_values(draw: Callable[[st.SearchStrategy[Any]], Any], shape: Shape, output: bool = False) -> Any:
    """Hypothesis strategy: valid values of any botocore shape."""
    return ShapeValues(DrawChooser(draw)).value(shape, Where(output=output), ())


@st.composite
def error_fields(draw: Callable[[st.SearchStrategy[Any]], Any], shape: Shape, skip: Sequence[str] = ()) -> dict:
    """Hypothesis strategy: values for an error shape's members other than ``skip``."""
    return ShapeValues(DrawChooser(draw)).top(shape, output=True, skip=skip)
