"""Shape-driven codec shared by the XML-family protocols (query, ec2, rest-xml).

Two jobs, each walking a botocore shape, plus the scalar conversions they share:

* ``XmlWriter`` / ``write_xml`` render a value as XML text (responses and errors of all three);
* ``parse_xml`` / ``read_xml`` turn an XML body into a value (rest-xml request bodies).

Query and ec2 request parameters are read by ``query_params``.

Input that does not fit its shape raises ``WireError``; each protocol turns that into its own
AWS error code. Per-shape facts are computed once and cached on the shape object's identity.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from typing import Any
from xml.parsers import expat

from botocore.model import Shape

_INTEGERS = frozenset({"integer", "long", "short", "byte"})
_FLOATS = frozenset({"float", "double"})
_INT_RE = re.compile(r"[+-]?[0-9]+")
_NUMBER_RE = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?")
# Members bound to other parts of an HTTP message never appear in the XML body.
_STRING, _SCALAR, _STRUCT, _LIST, _MAP = range(5)
# (member name, "<tag>", "</tag>", kind, member shape, tag) of one structure member.
_Element = tuple[str, str, str, int, Shape, str]
# members bound to these never travel in an XML body (a response has no URI or query string,
# so members bound there do; a request body never carries them, and rest.py filters them out)
_NON_BODY_LOCATIONS = frozenset({"header", "headers", "statusCode"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#xD;",
                               "\n": "&#xA;", "\t": "&#x9;"})


class WireError(ValueError):
    """A request value that does not fit its shape (wrong type, bad encoding, bad XML)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


# ---------------------------------------------------------------------------------------------
# Scalars
# ---------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """``text`` escaped for XML character data.

    Substring tests first: most text needs no escaping, and ``in`` is far cheaper than
    ``str.translate`` on long values such as message bodies.
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#xD;")
    return text


def escape_attr(text: str) -> str:
    """``text`` escaped for a double-quoted XML attribute value."""
    return text.translate(_ATTR_ESCAPES)


def to_datetime(value: Any) -> datetime:
    """``value`` (datetime, epoch seconds or ISO 8601 text) as an aware UTC datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is UTC:
            return value
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return parse_timestamp(str(value))


def format_timestamp(value: Any, fmt: str | None = None, *, millis: bool = False) -> str:
    """A timestamp as AWS writes it: ISO 8601 (default), ``unixTimestamp`` or ``rfc822``.

    ISO 8601 carries milliseconds when ``millis`` is set or when the value has a fraction.
    """
    dt = to_datetime(value)
    if fmt is not None:
        fmt = fmt.lower()
        if fmt == "unixtimestamp":
            seconds = dt.timestamp()
            return str(int(seconds)) if seconds == int(seconds) else f"{seconds:.3f}"
        if fmt == "rfc822":
            return format_datetime(dt.replace(microsecond=0), usegmt=True)
    # isoformat is implemented in C; strftime is several times slower.
    naive = dt.replace(tzinfo=None)
    if millis or dt.microsecond:
        return naive.isoformat(timespec="milliseconds") + "Z"
    return naive.isoformat(timespec="seconds") + "Z"


def parse_timestamp(text: str, fmt: str | None = None) -> datetime:
    """An aware UTC datetime from any of the forms AWS clients send (ISO 8601, epoch, RFC 822)."""
    text = text.strip()
    try:
        if _NUMBER_RE.fullmatch(text):
            return datetime.fromtimestamp(float(text), UTC)
        if text[:1].isalpha():
            dt = parsedate_to_datetime(text)
        else:
            dt = datetime.fromisoformat(text)
    except (ValueError, TypeError, OverflowError, OSError, IndexError) as exc:
        raise WireError(f"'{text}' is not a valid timestamp") from exc
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def format_float(value: float) -> str:
    """A float as text that every AWS SDK reads back (``NaN``/``Infinity`` included)."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


def format_scalar(shape: Shape, value: Any, *, millis: bool = False) -> str:
    """A scalar value of ``shape`` as text (not yet XML-escaped)."""
    t = shape.type_name
    if t == "string":
        return value if isinstance(value, str) else str(value)
    if t == "boolean":
        return "true" if value else "false"
    if t in _INTEGERS:
        return str(int(value))
    if t in _FLOATS:
        return format_float(float(value))
    if t == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat"), millis=millis)
    if t == "blob":
        if isinstance(value, str):
            value = value.encode("utf-8")
        elif not isinstance(value, bytes | bytearray):
            value = value.read()
        return base64.b64encode(value).decode("ascii")
    return str(value)


def parse_scalar(shape: Shape, text: str, path: str) -> Any:
    """Text from the wire as a value of scalar ``shape``; ``WireError`` if it does not fit."""
    t = shape.type_name
    if t == "string" or t == "character":
        return text
    if t in _INTEGERS:
        stripped = text.strip()
        if not _INT_RE.fullmatch(stripped):
            raise WireError(f"Value '{text}' for parameter {path} is invalid: not an integer", path)
        return int(stripped)
    if t in _FLOATS:
        try:
            return float(text)
        except ValueError:
            raise WireError(f"Value '{text}' for parameter {path} is invalid: not a number", path) from None
    if t == "boolean":
        low = text.strip().lower()
        if low == "true":
            return True
        if low == "false":
            return False
        raise WireError(f"Value '{text}' for parameter {path} is invalid: not a boolean", path)
    if t == "timestamp":
        try:
            return parse_timestamp(text, shape.serialization.get("timestampFormat"))
        except WireError:
            raise WireError(f"Value '{text}' for parameter {path} is invalid: not a timestamp", path) from None
    if t == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise WireError(f"Value for parameter {path} is invalid: not base64", path) from None
    return text


# ---------------------------------------------------------------------------------------------
# Per-shape plans
# ---------------------------------------------------------------------------------------------


def member_tag(shape: Shape, name: str) -> str:
    """The XML element (or query key) name of a structure member, as botocore resolves it.

    A flattened list whose member has a ``locationName`` takes that name; otherwise the
    member's own ``locationName``, else its name in the structure.
    """
    ser = shape.serialization
    if shape.type_name == "list" and ser.get("flattened"):
        inner = shape.member.serialization.get("name")
        if inner is not None:
            return inner
    return ser.get("name", name)


@lru_cache(maxsize=8192)
def _struct_plan(shape: Shape) -> tuple[tuple[_Element, ...], tuple[tuple[str, str, Shape], ...], str]:
    """(body elements, attributes as (name, attr name, shape), namespace declaration)."""
    elements = []
    attributes = []
    for name, mshape in shape.members.items():
        ser = mshape.serialization
        if ser.get("location") in _NON_BODY_LOCATIONS:
            continue
        if ser.get("xmlAttribute"):
            attributes.append((name, ser.get("name", name), mshape))
        else:
            tag = member_tag(mshape, name)
            elements.append((name, f"<{tag}>", f"</{tag}>", _kind(mshape), mshape, tag))
    return tuple(elements), tuple(attributes), namespace_decl(shape)


def _kind(shape: Shape) -> int:
    t = shape.type_name
    if t == "string":
        return _STRING
    if t == "structure":
        return _STRUCT
    if t == "list":
        return _LIST
    if t == "map":
        return _MAP
    return _SCALAR


def namespace_decl(shape: Shape) -> str:
    """The ``xmlns`` attribute text (leading space included) a shape's xmlNamespace asks for."""
    ns = shape.serialization.get("xmlNamespace")
    if not ns:
        return ""
    if isinstance(ns, str):
        return f' xmlns="{escape_attr(ns)}"'
    uri = escape_attr(ns.get("uri", ""))
    prefix = ns.get("prefix")
    return f' xmlns:{prefix}="{uri}"' if prefix else f' xmlns="{uri}"'


# ---------------------------------------------------------------------------------------------
# Writing XML
# ---------------------------------------------------------------------------------------------


class XmlWriter:
    """Renders values of botocore shapes into a list of text parts.

    ``millis`` forces millisecond precision on ISO 8601 timestamps (S3 and EC2 always show it).
    """

    __slots__ = ("parts", "millis")

    def __init__(self, *, millis: bool = False) -> None:
        self.parts: list[str] = []
        self.millis = millis

    def text(self) -> str:
        """Everything written so far."""
        return "".join(self.parts)

    def raw(self, text: str) -> None:
        """Append markup as is."""
        self.parts.append(text)

    def element(self, tag: str, text: str) -> None:
        """Append ``<tag>text</tag>`` with the text escaped."""
        self.parts.append(f"<{tag}>{escape(text)}</{tag}>")

    def value(self, shape: Shape, value: Any, tag: str, extra_attrs: str = "") -> None:
        """Append ``value`` of ``shape`` as the element ``tag`` (a flattened list/map as its items)."""
        t = shape.type_name
        if t == "structure":
            self.structure(shape, value, tag, extra_attrs)
        elif t == "list":
            self._list(shape, value, tag)
        elif t == "map":
            self._map(shape, value, tag)
        else:
            text = escape(format_scalar(shape, value, millis=self.millis))
            self.parts.append(f"<{tag}{extra_attrs}>{text}</{tag}>")

    def structure(self, shape: Shape, value: Mapping[str, Any], tag: str, extra_attrs: str = "") -> None:
        """Append a structure as ``<tag>`` with its members (xmlAttribute members as attributes)."""
        elements, attributes, ns = _struct_plan(shape)
        attrs = ns + extra_attrs
        for name, attr, ashape in attributes:
            v = value.get(name)
            if v is not None:
                attrs += f' {attr}="{escape_attr(format_scalar(ashape, v))}"'
        parts = self.parts
        parts.append(f"<{tag}{attrs}>")
        self._members(elements, value)
        parts.append(f"</{tag}>")

    def body_members(self, shape: Shape, value: Mapping[str, Any]) -> None:
        """Append the body members of structure ``shape`` with no enclosing element."""
        self._members(_struct_plan(shape)[0], value)

    def _members(self, elements: tuple[_Element, ...], value: Mapping[str, Any]) -> None:
        append = self.parts.append
        for name, open_tag, close_tag, kind, mshape, tag in elements:
            v = value.get(name)
            if v is None:
                continue
            if kind == _STRING:
                append(open_tag + escape(v if v.__class__ is str else str(v)) + close_tag)
            elif kind == _SCALAR:
                append(open_tag + escape(format_scalar(mshape, v, millis=self.millis)) + close_tag)
            elif kind == _STRUCT:
                self.structure(mshape, v, tag)
            elif kind == _LIST:
                self._list(mshape, v, tag)
            else:
                self._map(mshape, v, tag)

    def _list(self, shape: Shape, value: Any, tag: str) -> None:
        member = shape.member
        flattened = shape.serialization.get("flattened")
        inner = tag if flattened else member.serialization.get("name", "member")
        append = self.parts.append
        if not flattened:
            append(f"<{tag}>")
        kind = _kind(member)
        if kind == _STRUCT and not _struct_plan(member)[1] and not _struct_plan(member)[2]:
            # The common case (a list of plain structures): one plan lookup for all items.
            elements = _struct_plan(member)[0]
            open_tag, close_tag = f"<{inner}>", f"</{inner}>"
            for item in value:
                if item is not None:
                    append(open_tag)
                    self._members(elements, item)
                    append(close_tag)
        elif kind == _STRING:
            open_tag, close_tag = f"<{inner}>", f"</{inner}>"
            for item in value:
                if item is not None:
                    append(open_tag + escape(item if item.__class__ is str else str(item)) + close_tag)
        else:
            for item in value:
                if item is not None:
                    self.value(member, item, inner)
        if not flattened:
            append(f"</{tag}>")

    def _map(self, shape: Shape, value: Mapping[Any, Any], tag: str) -> None:
        kshape, vshape = shape.key, shape.value
        ktag = kshape.serialization.get("name") or "key"
        vtag = vshape.serialization.get("name") or "value"
        flattened = shape.serialization.get("flattened")
        append = self.parts.append
        if not flattened:
            append(f"<{tag}>")
        entry_open, entry_close = (f"<{tag}>", f"</{tag}>") if flattened else ("<entry>", "</entry>")
        kopen, kclose = f"<{ktag}>", f"</{ktag}>"
        for k, v in value.items():
            append(entry_open)
            append(kopen + escape(str(k)) + kclose)
            if v is not None:
                self.value(vshape, v, vtag)
            append(entry_close)
        if not flattened:
            append(f"</{tag}>")


def write_xml(shape: Shape, value: Mapping[str, Any], tag: str, *, millis: bool = False,
              extra_attrs: str = "") -> str:
    """``value`` of ``shape`` as one XML element named ``tag`` (no XML declaration)."""
    w = XmlWriter(millis=millis)
    w.value(shape, value, tag, extra_attrs)
    return w.text()


# ---------------------------------------------------------------------------------------------
# Reading XML
# ---------------------------------------------------------------------------------------------


class Node:
    """One parsed XML element: local tag name, raw attributes, children and text."""

    __slots__ = ("tag", "attrs", "children", "text")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node] = []
        self.text = ""


def _refuse_dtd(*_args: Any) -> None:
    raise WireError("DOCTYPE and entity declarations are not allowed")


def parse_xml(data: bytes) -> Node:
    """Parse an XML document into ``Node``s; ``WireError`` if it is not well-formed XML.

    Document type declarations are refused outright, so no entity can ever be expanded.
    Element names lose their namespace prefix; attribute names keep theirs (``xsi:type``).
    """
    parser = expat.ParserCreate("utf-8")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.buffer_text = True
    stack: list[Node] = []
    texts: list[list[str]] = []
    root: list[Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag.rpartition(":")[2], attrs)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)
        texts.append([])

    def end(_tag: str) -> None:
        stack.pop().text = "".join(texts.pop())

    def chars(data: str) -> None:
        if texts:
            texts[-1].append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise WireError(f"The XML you provided was not well-formed: {exc}") from None
    if not root:
        raise WireError("The XML you provided was empty")
    return root[0]


def read_xml(shape: Shape, node: Node, path: str = "") -> Any:
    """The value of ``shape`` held by ``node`` (the element that stands for it)."""
    t = shape.type_name
    if t == "structure":
        return _read_struct(shape, node, path)
    if t == "list":
        member = shape.member
        return [read_xml(member, child, f"{path}[{i}]") for i, child in enumerate(node.children)]
    if t == "map":
        return _read_map_entries(shape, node.children, path)
    return parse_scalar(shape, node.text, path or shape.name)


def _read_struct(shape: Shape, node: Node, path: str) -> dict[str, Any]:
    by_tag: dict[str, list[Node]] = {}
    for child in node.children:
        by_tag.setdefault(child.tag, []).append(child)
    elements, attributes, _ns = _struct_plan(shape)
    out: dict[str, Any] = {}
    for name, _open, _close, _k, mshape, tag in elements:
        found = by_tag.get(tag)
        if not found:
            # a client writes a flattened list's items under the structure member's own name,
            # not the list member's locationName that responses use (botocore's serialisers)
            found = by_tag.get(mshape.serialization.get("name", name)) if mshape.type_name == "list" else None
            if not found:
                continue
        mpath = f"{path}.{name}" if path else name
        ser = mshape.serialization
        if mshape.type_name == "list" and ser.get("flattened"):
            out[name] = [read_xml(mshape.member, n, f"{mpath}[{i}]") for i, n in enumerate(found)]
        elif mshape.type_name == "map" and ser.get("flattened"):
            out[name] = _read_map_entries(mshape, found, mpath)
        else:
            out[name] = read_xml(mshape, found[0], mpath)
    for name, attr, ashape in attributes:
        if attr in node.attrs:
            out[name] = parse_scalar(ashape, node.attrs[attr], name)
    return out


def _read_map_entries(shape: Shape, entries: list[Node], path: str) -> dict[str, Any]:
    kshape, vshape = shape.key, shape.value
    ktag = kshape.serialization.get("name") or "key"
    vtag = vshape.serialization.get("name") or "value"
    out: dict[str, Any] = {}
    for entry in entries:
        key: Any = None
        val: Any = None
        for part in entry.children:
            if part.tag == ktag:
                key = parse_scalar(kshape, part.text, path)
            elif part.tag == vtag:
                val = read_xml(vshape, part, f"{path}.{part.text[:20]}")
        if key is not None:
            out[key] = val
    return out
