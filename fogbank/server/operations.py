"""Finds the REST operation a request is for, from the model's ``requestUri`` templates.

Each operation's template becomes a path regex (``{Label}`` one segment, ``{Label+}`` greedy)
plus the query keys it requires (``?uploads``, ``?list-type=2``). Among the operations that
match a request, the most specific wins: more literal query keys, then the operation's required
header and query members present (S3's CopyObject and UploadPart vs PutObject), then more literal
path characters, and last a current operation over its deprecated twin (S3's
GetBucketLifecycleConfiguration over GetBucketLifecycle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")


@dataclass(frozen=True)
class Template:
    """One operation's compiled URI template."""

    operation: str
    method: str
    path: re.Pattern[str]
    labels: tuple[str, ...]
    query: tuple[tuple[str, str | None], ...]
    literal_chars: int
    required_headers: tuple[str, ...]
    required_query: tuple[str, ...]
    current: bool


def _compile(op: OperationModel) -> Template:
    uri = op.http.get("requestUri", "/")
    path_part, _, query_part = uri.partition("?")
    pattern, labels, pos, literal = [], [], 0, 0
    for m in _LABEL.finditer(path_part):
        text = path_part[pos:m.start()]
        pattern.append(re.escape(text))
        literal += len(text)
        labels.append(m.group(1))
        pattern.append("(.+)" if m.group(2) else "([^/]+)")
        pos = m.end()
    tail = path_part[pos:]
    literal += len(tail)
    pattern.append(re.escape(tail))
    regex = "".join(pattern)
    if path_part.endswith("/") and path_part != "/":
        regex += "?"
    elif not regex.endswith("/"):
        regex += "/?"  # a trailing slash is tolerated (S3's `/bucket/`)
    query: list[tuple[str, str | None]] = []
    for item in filter(None, query_part.split("&")):
        key, eq, value = item.partition("=")
        query.append((key, value if eq else None))
    required_headers: list[str] = []
    required_query: list[str] = []
    shape = op.input_shape
    if shape is not None:
        for name in shape.required_members:
            member = shape.members[name]
            location = member.serialization.get("location")
            if location == "header":
                required_headers.append(member.serialization.get("name", name).lower())
            elif location == "querystring":
                required_query.append(member.serialization.get("name", name))
    return Template(
        operation=op.name,
        method=op.http.get("method", "POST").upper(),
        path=re.compile(regex + r"\Z", re.DOTALL),
        labels=tuple(labels),
        query=tuple(query),
        literal_chars=literal,
        required_headers=tuple(required_headers),
        required_query=tuple(required_query),
        current=not op.deprecated,
    )


@dataclass(frozen=True)
class Matcher:
    """All REST templates of one service, grouped by HTTP method."""

    by_method: dict[str, tuple[Template, ...]]

    def match(
        self, method: str, raw_path: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> tuple[str, dict[str, str]] | None:
        """The best operation name and its decoded path labels, or None when nothing matches."""
        method = method.upper()
        candidates = self.by_method.get(method, ())
        if method == "HEAD" and not candidates:
            candidates = self.by_method.get("GET", ())
        best: tuple[tuple[int, int, int, int], Template, re.Match[str]] | None = None
        for t in candidates:
            # the literal query keys first: a dict lookup rules out most of S3's templates
            # (`?acl`, `?cors`, ...) before any regex runs
            if t.query:
                if t.query[0][0] not in query:
                    continue
                if not all(k in query and (v is None or v in query[k]) for k, v in t.query):
                    continue
            m = t.path.match(raw_path)
            if m is None:
                continue
            required_ok = all(h in headers for h in t.required_headers) and all(q in query for q in t.required_query)
            required = len(t.required_headers) + len(t.required_query)
            score = (len(t.query), int(required_ok) * (1 + required), t.literal_chars, int(t.current))
            if best is None or score > best[0]:
                best = (score, t, m)
        if best is None:
            return None
        _, template, m = best
        params = {name: unquote(value) for name, value in zip(template.labels, m.groups(), strict=True)}
        return template.operation, params


@cache
def matcher_for(service: ServiceModel) -> Matcher:
    """The compiled matcher of a REST service (cached per model)."""
    groups: dict[str, list[Template]] = {}
    for name in service.operation_names:
        t = _compile(service.operation_model(name))
        groups.setdefault(t.method, []).append(t)
    return Matcher({k: tuple(v) for k, v in groups.items()})
