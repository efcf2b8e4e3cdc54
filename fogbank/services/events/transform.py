"""What a target receives: the whole event, a constant ``Input``, the part at ``InputPath``, or an
``InputTransformer``'s template with ``<name>`` placeholders filled from JSON paths."""

from __future__ import annotations

import json
import re
from typing import Any

_MISSING = object()
_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
PATH_SYNTAX = re.compile(r"^\$((\.[^.\[\]]+)|(\[\d+\])|(\['[^']*'\])|(\[\"[^\"]*\"\]))*$")


def valid_path(path: str) -> bool:
    """Whether ``path`` is a JSON path EventBridge accepts ($, $.a.b, $.a[0], $['a-b'])."""
    return bool(PATH_SYNTAX.match(path))


def select(document: Any, path: str) -> Any:
    """The value at ``path`` in ``document``; ``_MISSING`` when there is none."""
    if path == "$":
        return document
    value = document
    for match in _PATH_STEP.finditer(path[1:]):
        name, index, quoted, dquoted = match.groups()
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
            continue
        key = name if name is not None else quoted if quoted is not None else dquoted
        if not isinstance(value, dict) or key not in value:
            return _MISSING
        value = value[key]
    return value


def render(target: dict[str, Any], event: dict[str, Any], rule_name: str, rule_arn: str,
           ingestion_time: str) -> str:
    """The text a target receives for ``event``."""
    if "Input" in target:
        return target["Input"]
    if "InputPath" in target:
        value = select(event, target["InputPath"])
        return "" if value is _MISSING else json.dumps(value)
    transformer = target.get("InputTransformer")
    if transformer:
        values: dict[str, Any] = {
            "aws.events.rule-arn": rule_arn,
            "aws.events.rule-name": rule_name,
            "aws.events.event.ingestion-time": ingestion_time,
            "aws.events.event": event,
            "aws.events.event.json": event,
        }
        for name, path in (transformer.get("InputPathsMap") or {}).items():
            values[name] = select(event, path)
        return fill(transformer["InputTemplate"], values)
    return json.dumps(event)


def fill(template: str, values: dict[str, Any]) -> str:
    """Replace ``<name>`` placeholders: inside a JSON string a value goes in as text; elsewhere
    as JSON (so a string gets its quotes). Missing values become empty text or ``null``. A
    template that is not a JSON object or array is text: strings go in as they are."""
    if template.lstrip()[:1] not in ("{", "["):
        return _PLACEHOLDER.sub(lambda m: _plain(values[m.group(1)]) if m.group(1) in values else m.group(0), template)
    out: list[str] = []
    in_string = False
    i = 0
    while i < len(template):
        char = template[i]
        if char == "<":
            match = _PLACEHOLDER.match(template, i)
            if match and match.group(1) in values:
                out.append(_placeholder_text(values[match.group(1)], in_string))
                i = match.end()
                continue
        if char == '"' and (i == 0 or template[i - 1] != "\\"):
            in_string = not in_string
        out.append(char)
        i += 1
    return "".join(out)


def _placeholder_text(value: Any, in_string: bool) -> str:
    if in_string:
        if value is _MISSING or value is None:
            return ""
        text = value if isinstance(value, str) else json.dumps(value)
        return json.dumps(text)[1:-1]
    if value is _MISSING:
        return "null"
    return json.dumps(value)


def _plain(value: Any) -> str:
    if value is _MISSING or value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
