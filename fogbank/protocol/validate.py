"""Model-driven input validation: required members, enums, lengths, ranges and chosen patterns.

botocore's service models carry the constraints AWS enforces server side (``required``,
``enum``, ``min``/``max``, ``pattern``) but botocore checks almost none of them in the client,
so fogbank checks them here, after parsing and before the provider runs.

Each operation's input shape is compiled once into a tree of small closures (cached per
operation and protocol family), so that a request only pays for members that carry a rule.

How a service words its answer is data: the per-family defaults below, overridden by the
``validation`` key of ``fogbank/spec/extras/<service>.json``::

    {"missing": {"code": ..., "message": "aggregate" | template},
     "invalid": {"code": ..., "message": "aggregate" | template, "fields": {...}},
     "status": 400, "required": true, "enum": true, "length": true, "range": true,
     "patterns": {"ShapeName": null | "python regex"}, "skip_enum": ["ShapeName", ...],
     "families": {"query": {...overrides for requests arriving over that protocol...}}}

``aggregate`` is the form of AWS's Coral-based services (DynamoDB, KMS, Logs, SSM, Lambda, IAM,
STS, CloudFormation ...): ``2 validation errors detected: Value 'x' at 'tableName' failed to
satisfy constraint: Member must have length less than or equal to 255; Value null at
'keySchema' failed to satisfy constraint: Member must not be null``. Member paths are the
member names with the first letter lower-cased (``SSESpecification`` -> ``sSESpecification``);
list items read ``keySchema.1.member.attributeName``; a list whose scalar items break a rule
reads ``Member must satisfy constraint: [...]`` and a map ``Map keys must satisfy constraint:
[...]`` / ``Map value must satisfy constraint: [...]``, listing the item shape's rules. Values are
written as Java's ``toString`` would (lists ``[a, b]``, maps ``{k=v}``, blobs
``java.nio.HeapByteBuffer[pos=0 lim=N cap=N]``); sensitive strings omit the value
(``Value at 'password' ...``), the form Cognito and others answer with.

A template (EC2, SQS-over-query, SNS, S3) reports only the first problem, with ``{name}``
(the member's name on the wire: EC2's query name, S3's header or query key), ``{path}``
(lower-camel path), ``{value}`` and ``{constraint}``.

botocore's patterns are Java regexes that Python cannot always read, and AWS does not enforce
every modelled pattern, so only shapes listed under ``patterns`` are checked; a pattern Python
cannot compile is skipped rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from botocore.model import OperationModel, Shape

from fogbank.errors import InvalidInput
from fogbank.spec.extras import extras

_AGGREGATE = "aggregate"

# Per protocol family: how AWS's services of that family answer a broken constraint.
FAMILY_DEFAULTS: dict[str, dict[str, Any]] = {
    "json": {
        "missing": {"code": "ValidationException", "message": _AGGREGATE},
        "invalid": {"code": "ValidationException", "message": _AGGREGATE},
        "status": 400, "required": True, "enum": True, "length": True, "range": True,
    },
    "query": {
        "missing": {"code": "ValidationError", "message": _AGGREGATE},
        "invalid": {"code": "ValidationError", "message": _AGGREGATE},
        "status": 400, "required": True, "enum": True, "length": True, "range": True,
    },
    "ec2": {
        "missing": {"code": "MissingParameter", "message": "The request must contain the parameter {name}"},
        "invalid": {"code": "InvalidParameterValue",
                    "message": "Value ({value}) for parameter {path} is invalid. {constraint}"},
        "status": 400, "required": True, "enum": True, "length": True, "range": True,
    },
    "rest-xml": {
        "missing": {"code": "InvalidArgument", "message": "{name} must be specified",
                    "fields": {"ArgumentName": "{name}", "ArgumentValue": ""}},
        "invalid": {"code": "InvalidArgument", "message": "{constraint}",
                    "fields": {"ArgumentName": "{name}", "ArgumentValue": "{value}"}},
        "status": 400, "required": True, "enum": False, "length": False, "range": False,
    },
}
FAMILY_DEFAULTS["rest-json"] = FAMILY_DEFAULTS["json"]
FAMILY_DEFAULTS["smithy-rpc-v2-cbor"] = FAMILY_DEFAULTS["json"]


class Violation(NamedTuple):
    """One broken rule: ``kind`` is ``missing`` or ``invalid``."""

    kind: str
    path: str
    name: str
    value: Any
    constraint: str
    sensitive: bool


class ValidationFailed(InvalidInput):
    """Input that breaks the model's constraints, answered with the service's code and wording."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int,
        kind: str,
        member: str | None,
        violations: list[Violation],
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, kind=kind, member=member)
        self.code = code
        self.status = status
        self.violations = violations
        if fields:
            self.fields.update(fields)


# value, lower-camel path, member name as modelled, violations found so far -> None
Check = Callable[[Any, str, str, list[Violation]], None]


def validate(op: OperationModel, params: dict[str, Any], family: str) -> None:
    """Raise ``ValidationFailed`` (an ``InvalidInput``) when ``params`` break ``op``'s input rules.

    ``family`` is the botocore protocol name the request arrived with; any other value (such as
    ``"internal"`` for in-process calls) means the service's own default protocol.
    """
    if family not in FAMILY_DEFAULTS:
        family = op.service_model.protocol
    check = _operation_check(op, family)
    if check is None:
        return
    found: list[Violation] = []
    check(params, "", "", found)
    if found:
        raise _error(op.service_model.service_name, family, found)


def settings(service_name: str, family: str) -> dict[str, Any]:
    """The validation settings for ``service_name`` reached over ``family``: defaults + overlay."""
    return _settings(service_name, family)


@lru_cache(maxsize=256)
def _settings(service_name: str, family: str) -> dict[str, Any]:
    merged = dict(FAMILY_DEFAULTS.get(family, FAMILY_DEFAULTS["json"]))
    overlay = extras(service_name).get("validation", {})
    merged.update({k: v for k, v in overlay.items() if k != "families"})
    merged.update(overlay.get("families", {}).get(family, {}))
    return merged


@lru_cache(maxsize=4096)
def _operation_check(op: OperationModel, family: str) -> Check | None:
    shape = op.input_shape
    if shape is None:
        return None
    return _Compiler(_settings(op.service_model.service_name, family), family).compile(shape)


# -- messages ---------------------------------------------------------------------------------


def _error(service_name: str, family: str, found: list[Violation]) -> ValidationFailed:
    cfg = _settings(service_name, family)
    missing = [v for v in found if v.kind == "missing"]
    invalid = [v for v in found if v.kind == "invalid"]
    m_rule, i_rule = cfg["missing"], cfg["invalid"]
    together = (
        m_rule["code"] == i_rule["code"]
        and m_rule["message"] == _AGGREGATE
        and i_rule["message"] == _AGGREGATE
    )
    if together:
        chosen, rule, kind = found, m_rule, ("missing" if missing else "constraint")
    elif missing:
        chosen, rule, kind = missing, m_rule, "missing"
    else:
        chosen, rule, kind = invalid, i_rule, "constraint"
    first = chosen[0]
    if rule["message"] == _AGGREGATE:
        count = len(chosen)
        plural = "error" if count == 1 else "errors"
        message = f"{count} validation {plural} detected: " + "; ".join(_sentence(v) for v in chosen)
    else:
        message = _fill(rule["message"], first)
    fields = {k: _fill(t, first) for k, t in rule.get("fields", {}).items()}
    return ValidationFailed(
        message,
        code=rule["code"],
        status=int(rule.get("status", cfg.get("status", 400))),
        kind=kind,
        member=first.path,
        violations=chosen,
        fields=fields,
    )


def _sentence(v: Violation) -> str:
    if v.kind == "missing":
        return f"Value null at '{v.path}' failed to satisfy constraint: {v.constraint}"
    if v.sensitive:
        return f"Value at '{v.path}' failed to satisfy constraint: {v.constraint}"
    return f"Value '{java_str(v.value)}' at '{v.path}' failed to satisfy constraint: {v.constraint}"


def _fill(template: str, v: Violation) -> str:
    value = "" if v.sensitive or v.value is None else java_str(v.value)
    return template.format(name=v.name, path=v.path, value=value, constraint=v.constraint).strip()


def java_str(value: Any) -> str:
    """``value`` written the way AWS's Java services print it in validation messages."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray):
        n = len(value)
        return f"java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(java_str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java_str(k)}={java_str(v)}" for k, v in value.items()) + "}"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


# -- compiling shapes into checks -------------------------------------------------------------


@lru_cache(maxsize=1024)
def _compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """A Java-flavoured regex as Python can read it, or None when it cannot."""
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _bound(n: Any) -> str:
    return str(int(n)) if isinstance(n, float) and n.is_integer() else str(n)


class _Compiler:
    """Turns shapes into checks for one service's settings; lives for one compilation."""

    def __init__(self, cfg: dict[str, Any], family: str) -> None:
        self.cfg = cfg
        self.family = family
        self.patterns: dict[str, str | None] = cfg.get("patterns", {})
        self.skip_enum = frozenset(cfg.get("skip_enum", ()))
        # shape name -> compiled check; a list cell while that shape is being compiled
        self.memo: dict[str, Check | None | list[Any]] = {}
        self.has_rules: dict[str, bool] = {}

    def compile(self, shape: Shape) -> Check | None:
        if not self._has_rules(shape):
            return None
        key = shape.name
        known = self.memo.get(key, False)
        if isinstance(known, list):
            # A recursive shape: refer to it through its cell, filled in once compiled.
            known[1] = True
            cell = known

            def later(value: Any, path: str, name: str, out: list[Violation]) -> None:
                if cell[0] is not None:
                    cell[0](value, path, name, out)

            return later
        if known is not False:
            return known  # type: ignore[return-value]
        cell = [None, False]
        self.memo[key] = cell
        result = self._build(shape)
        cell[0] = result
        self.memo[key] = result
        return result

    def _has_rules(self, shape: Shape) -> bool:
        """Whether any rule applies to ``shape`` or anything reachable from it.

        Answered by a complete walk from each shape, so that recursive shapes without rules
        (DynamoDB's AttributeValue) cost nothing per request.
        """
        known = self.has_rules.get(shape.name)
        if known is not None:
            return known
        seen: set[str] = set()
        stack = [shape]
        found = False
        while stack and not found:
            current = stack.pop()
            if current.name in seen:
                continue
            seen.add(current.name)
            if self.has_rules.get(current.name):
                found = True
            elif self._own_rules(current):
                found = True
            else:
                stack.extend(_children(current))
        self.has_rules[shape.name] = found
        return found

    def _own_rules(self, shape: Shape) -> bool:
        kind = shape.type_name
        if kind == "structure":
            return bool(self.cfg.get("required") and shape.required_members)
        if kind in ("list", "map"):
            return bool(self.cfg.get("length") and ({"min", "max"} & shape.metadata.keys()))
        return bool(self._scalar_rules(shape))

    def _build(self, shape: Shape) -> Check | None:
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape)
        if kind == "list":
            return self._list(shape)
        if kind == "map":
            return self._map(shape)
        rules = self._scalar_rules(shape)
        if not rules:
            return None
        # AWS hides sensitive strings (passwords, secrets) but still prints a blob's buffer.
        return _scalar_check(rules, kind == "string" and bool(shape.metadata.get("sensitive")))

    # scalar rules: each is (test(value) -> bool broken, constraint text)
    def _scalar_rules(self, shape: Shape) -> list[tuple[Callable[[Any], bool], str]]:
        meta = shape.metadata
        kind = shape.type_name
        rules: list[tuple[Callable[[Any], bool], str]] = []
        if kind in ("string", "blob") and self.cfg.get("length"):
            rules.extend(_length_rules(meta, (str, bytes, bytearray)))
        elif kind in ("integer", "long", "float", "double", "bigInteger", "bigDecimal") and self.cfg.get("range"):
            if "max" in meta:
                hi = meta["max"]
                rules.append((lambda v, hi=hi: _is_number(v) and v > hi,
                              f"Member must have value less than or equal to {_bound(hi)}"))
            if "min" in meta:
                lo = meta["min"]
                rules.append((lambda v, lo=lo: _is_number(v) and v < lo,
                              f"Member must have value greater than or equal to {_bound(lo)}"))
        if kind == "string" and self.cfg.get("enum") and shape.enum and shape.name not in self.skip_enum:
            allowed = frozenset(shape.enum)
            rules.append((lambda v, allowed=allowed: isinstance(v, str) and v not in allowed,
                          "Member must satisfy enum value set: [" + ", ".join(shape.enum) + "]"))
        if kind == "string" and shape.name in self.patterns:
            source = meta.get("pattern")
            python = self.patterns[shape.name] or source
            if python:
                rules.append((_pattern_test(python), f"Member must satisfy regular expression pattern: {source or python}"))
        return rules

    def _structure(self, shape: Shape) -> Check | None:
        required = set(shape.required_members) if self.cfg.get("required") else set()
        plan: list[tuple[str, str, str, bool, bool, Check | None]] = []
        for name, member in shape.members.items():
            child = self.compile(member)
            is_required = name in required
            if child is None and not is_required:
                continue
            sensitive = member.type_name == "string" and bool(member.metadata.get("sensitive"))
            wire = _wire_name(name, member, self.family)
            plan.append((name, wire, _lower_camel(name), is_required, sensitive, child))
        if not plan:
            return None
        members = tuple(plan)

        def check_structure(value: Any, path: str, _name: str, out: list[Violation]) -> None:
            if not isinstance(value, dict):
                return
            for name, wire, camel, is_required, sensitive, child in members:
                v = value.get(name)
                if v is None:
                    if is_required:
                        out.append(Violation("missing", f"{path}.{camel}" if path else camel, wire, None,
                                             "Member must not be null", sensitive))
                    continue
                if child is not None:
                    child(v, f"{path}.{camel}" if path else camel, wire, out)

        return check_structure

    def _list(self, shape: Shape) -> Check | None:
        own = _length_rules(shape.metadata, (list, tuple)) if self.cfg.get("length") else []
        item = shape.member
        item_rules = self._scalar_rules(item) if item.type_name not in ("structure", "list", "map") else []
        nested = self.compile(item) if item.type_name in ("structure", "list", "map") else None
        if not own and not item_rules and nested is None:
            return None
        item_text = "Member must satisfy constraint: [" + ", ".join(t for _, t in item_rules) + "]"

        def check_list(value: Any, path: str, name: str, out: list[Violation]) -> None:
            if not isinstance(value, list | tuple):
                return
            for broken, text in own:
                if broken(value):
                    out.append(Violation("invalid", path, name, value, text, False))
            if item_rules and any(broken(v) for v in value for broken, _ in item_rules):
                out.append(Violation("invalid", path, name, value, item_text, False))
            if nested is not None:
                for i, v in enumerate(value, 1):
                    if v is not None:
                        nested(v, f"{path}.{i}.member", name, out)

        return check_list

    def _map(self, shape: Shape) -> Check | None:
        own = _length_rules(shape.metadata, (dict,)) if self.cfg.get("length") else []
        key_rules = self._scalar_rules(shape.key)
        value_shape = shape.value
        scalar_value = value_shape.type_name not in ("structure", "list", "map")
        value_rules = self._scalar_rules(value_shape) if scalar_value else []
        nested = None if scalar_value else self.compile(value_shape)
        if not own and not key_rules and not value_rules and nested is None:
            return None
        key_text = "Map keys must satisfy constraint: [" + ", ".join(t for _, t in key_rules) + "]"
        value_text = "Map value must satisfy constraint: [" + ", ".join(t for _, t in value_rules) + "]"

        def check_map(value: Any, path: str, name: str, out: list[Violation]) -> None:
            if not isinstance(value, dict):
                return
            for broken, text in own:
                if broken(value):
                    out.append(Violation("invalid", path, name, value, text, False))
            if key_rules and any(broken(k) for k in value for broken, _ in key_rules):
                out.append(Violation("invalid", path, name, value, key_text, False))
            if value_rules and any(broken(v) for v in value.values() for broken, _ in value_rules):
                out.append(Violation("invalid", path, name, value, value_text, False))
            if nested is not None:
                for k, v in value.items():
                    if v is not None:
                        nested(v, f"{path}.{k}", name, out)

        return check_map


def _children(shape: Shape) -> list[Shape]:
    kind = shape.type_name
    if kind == "structure":
        return list(shape.members.values())
    if kind == "list":
        return [shape.member]
    if kind == "map":
        return [shape.key, shape.value]
    return []


def _wire_name(name: str, member: Shape, family: str) -> str:
    """The member's name as the client sent it, which template messages quote."""
    ser = member.serialization
    if family == "ec2":
        if "queryName" in ser:
            return ser["queryName"]
        located = ser.get("name")
        return located[:1].upper() + located[1:] if located else name
    if family in ("query", "rest-xml", "rest-json"):
        return ser.get("name", name)
    return name


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _length_rules(meta: dict[str, Any], types: tuple[type, ...]) -> list[tuple[Callable[[Any], bool], str]]:
    rules: list[tuple[Callable[[Any], bool], str]] = []
    if "max" in meta:
        hi = meta["max"]
        rules.append((lambda v, hi=hi: isinstance(v, types) and len(v) > hi,
                      f"Member must have length less than or equal to {_bound(hi)}"))
    if "min" in meta:
        lo = meta["min"]
        if lo > 0:
            rules.append((lambda v, lo=lo: isinstance(v, types) and len(v) < lo,
                          f"Member must have length greater than or equal to {_bound(lo)}"))
    return rules


def _pattern_test(pattern: str) -> Callable[[Any], bool]:
    def broken(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        compiled = _compile_pattern(pattern)
        return compiled is not None and compiled.fullmatch(value) is None

    return broken


def _scalar_check(rules: list[tuple[Callable[[Any], bool], str]], sensitive: bool) -> Check:
    frozen = tuple(rules)

    def check_scalar(value: Any, path: str, name: str, out: list[Violation]) -> None:
        for broken, text in frozen:
            if broken(value):
                out.append(Violation("invalid", path, name, value, text, sensitive))

    return check_scalar
