"""Query and Scan: range scans over a table's or an index's entries, one page at a time.

A page stops at ``Limit`` items read or once 1 MB has been read, before the filter is applied
(as AWS does); ``LastEvaluatedKey`` is the key of the last item read. Sort-key conditions become
the bounds of the scan, so a Query reads only the items it returns (plus the filtered ones).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from fogbank.context import Ctx
from fogbank.services.dynamodb import store as keys
from fogbank.services.dynamodb.capacity import Consumed, read_units
from fogbank.services.dynamodb.errors import validation
from fogbank.services.dynamodb.expressions import (
    Condition,
    KeyCondition,
    condition,
    key_condition,
    legacy,
    validate_expression_values,
    validate_placeholders,
    validate_value,
)
from fogbank.services.dynamodb.items import projection_of
from fogbank.services.dynamodb.schema import Index, Table
from fogbank.store.keys import encode

PAGE_BYTES = 1024 * 1024
#: Sorts after every key element (nested tuples sort last), so (v, AFTER) bounds "everything with v".
AFTER = ()


def _successor(value: Any) -> Any | None:
    """The smallest string/bytes above every value that starts with ``value`` (None if unbounded)."""
    if isinstance(value, str):
        chars = list(value)
        while chars and ord(chars[-1]) == 0x10FFFF:
            chars.pop()
        if not chars:
            return None
        chars[-1] = chr(ord(chars[-1]) + 1)
        return "".join(chars)
    data = bytearray(value)
    while data and data[-1] == 0xFF:
        data.pop()
    if not data:
        return None
    data[-1] += 1
    return bytes(data)


def _bounds(prefix: tuple, kc: KeyCondition) -> tuple[tuple, tuple | None, tuple | None]:
    """(prefix, start, end) of the scan a key condition asks for."""
    prefix = prefix + (keys.key_element(kc.partition_value),)
    sort = kc.sort
    if sort is None:
        return prefix, None, None
    v = [keys.key_element(x) for x in sort.values]
    op = sort.op
    if op == "=":
        return prefix + (v[0],), None, None
    if op == "<":
        return prefix, None, prefix + (v[0],)
    if op == "<=":
        return prefix, None, prefix + (v[0], AFTER)
    if op == ">":
        return prefix, prefix + (v[0], AFTER), None
    if op == ">=":
        return prefix, prefix + (v[0],), None
    if op == "BETWEEN":
        return prefix, prefix + (v[0],), prefix + (v[1], AFTER)
    upper = _successor(v[0])
    return prefix, prefix + (v[0],), (prefix + (upper,)) if upper is not None else None


def _later(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return a or b
    return a if encode(a) >= encode(b) else b


def _earlier(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return a or b
    return a if encode(a) <= encode(b) else b


class Reader:
    """Everything a Query or Scan request asks for, checked, and the page it reads."""

    def __init__(self, ctx: Ctx, table: Table, request: Mapping[str, Any], operation: str) -> None:
        self.ctx = ctx
        self.table = table
        self.request = request
        self.operation = operation
        name = request.get("IndexName")
        self.index: Index | None = table.index(name) if name else None
        self.consistent = bool(request.get("ConsistentRead"))
        if self.consistent and self.index is not None and self.index.kind == "GSI":
            raise validation("Consistent reads are not supported on global secondary indexes")
        kinds = ["ProjectionExpression", "FilterExpression"]
        if operation == "Query":
            kinds.append("KeyConditionExpression")
        legacy.check_not_mixed(request)
        validate_placeholders({k: request.get(k) for k in kinds}, request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues"))
        self.values = validate_expression_values(request.get("ExpressionAttributeValues"))
        self.filter = self._filter()
        self.projection = projection_of(request)
        self.select = self._select()
        self.limit = request.get("Limit")
        if self.limit is not None and self.limit < 1:
            raise validation(f"1 validation error detected: Value '{self.limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")

    def _filter(self) -> Condition | None:
        text = self.request.get("FilterExpression")
        if text is not None:
            return condition(text, self.request.get("ExpressionAttributeNames"), self.values, kind="FilterExpression")
        spec = self.request.get("QueryFilter" if self.operation == "Query" else "ScanFilter")
        if spec:
            return legacy.filter_condition(spec, self.request.get("ConditionalOperator"))
        return None

    def _select(self) -> str:
        select = self.request.get("Select")
        has_projection = self.projection is not None
        if select is None:
            if has_projection:
                return "SPECIFIC_ATTRIBUTES"
            return "ALL_ATTRIBUTES" if self.index is None else "ALL_PROJECTED_ATTRIBUTES"
        if select == "SPECIFIC_ATTRIBUTES" and not has_projection:
            raise validation("One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires ProjectionExpression or AttributesToGet")
        if select != "SPECIFIC_ATTRIBUTES" and has_projection:
            raise validation(
                f"One or more parameter values were invalid: Cannot specify the AttributesToGet when choosing to get {select}"
                if "AttributesToGet" in self.request
                else f"One or more parameter values were invalid: Select type {select} is not compatible with ProjectionExpression"
            )
        if select == "ALL_PROJECTED_ATTRIBUTES" and self.index is None:
            raise validation("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is supported only for index queries")
        if select == "ALL_ATTRIBUTES" and self.index is not None and self.index.kind == "GSI" and self.index.projection_type != "ALL":
            raise validation(
                f"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {self.index.name} because its projection type is not ALL"
            )
        return select

    # --- the range ---------------------------------------------------------------------------

    def _schema(self) -> list[dict[str, str]]:
        return self.index.key_schema if self.index is not None else self.table.key_schema

    def _base_prefix(self) -> tuple:
        a, r, t = self.ctx.account, self.ctx.region, self.table.name
        if self.index is None:
            return keys.items_prefix(a, r, t)
        return keys.index_prefix(a, r, t, self.index.name)

    def _key_condition(self) -> KeyCondition:
        text = self.request.get("KeyConditionExpression")
        types = self.table.key_types
        if text is not None:
            return key_condition(text, self.request.get("ExpressionAttributeNames"), self.values, self._schema(), types)
        if self.request.get("KeyConditions"):
            spec = {n: dict(c, AttributeValueList=[validate_value(v) for v in c.get("AttributeValueList", [])]) for n, c in self.request["KeyConditions"].items()}
            kc = legacy.key_conditions(spec, self._schema())
            checks = [(kc.partition_name, kc.partition_value)]
            if kc.sort is not None:
                checks += [(kc.sort.name, v) for v in kc.sort.values]
            for name, value in checks:
                declared = types.get(name)
                if declared is not None and declared not in value:
                    raise validation("One or more parameter values were invalid: Condition parameter type does not match schema type")
            return kc
        raise validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")

    def _start_key(self) -> tuple | None:
        """The store key of ExclusiveStartKey, after AWS's checks."""
        esk = self.request.get("ExclusiveStartKey")
        if esk is None:
            return None
        esk = {n: validate_value(v) for n, v in esk.items()}
        names = list(self.table.key_names)
        if self.index is not None:
            names = [n for n in self.index.key_names() if n not in names] + names
        if set(esk) != set(names):
            raise validation("The provided starting key is invalid: The provided key element does not match the schema")
        table_part = self.table.check_key({n: esk[n] for n in self.table.key_names})
        if self.index is None:
            return table_part
        return self.table.index_entry_key(self.index, esk, table_part)

    # --- the page ----------------------------------------------------------------------------

    def page(self) -> dict[str, Any]:
        """Read one page and build the Query/Scan answer."""
        base = self._base_prefix()
        reverse = False
        if self.operation == "Query":
            prefix, start, end = _bounds(base, self._key_condition())
            reverse = self.request.get("ScanIndexForward") is False
        else:
            prefix, start, end = base, None, None
        segment = self._segments()
        after = self._start_key()
        if after is not None:
            if reverse:
                end = _earlier(end, base + after)
            else:
                start = _later(start, base + after + (None,))
        rows = self.ctx.store.scan(prefix=prefix, start=start, end=end, reverse=reverse)
        read_bytes = 0
        scanned = 0
        matched: list[dict[str, Any]] = []
        last: dict[str, Any] | None = None
        more = False
        cut = len(base)
        limit = self.limit
        for store_key, raw in rows:
            if segment is not None and zlib.crc32(encode(store_key[cut : cut + 1])) % segment[1] != segment[0]:
                continue
            if (limit is not None and scanned >= limit) or read_bytes >= PAGE_BYTES:
                more = True
                break
            item, size = keys.load_sized(raw)
            read_bytes += size
            scanned += 1
            last = item
            if self.filter is None or self.filter.evaluate(item):
                matched.append(item)
        # AWS answers LastEvaluatedKey whenever Limit ended the page, even with nothing after it
        if not more and not (limit is not None and scanned >= limit):
            last = None
        return self._answer(matched, scanned, read_bytes, last)

    def _segments(self) -> tuple[int, int] | None:
        if self.operation != "Scan":
            return None
        segment, total = self.request.get("Segment"), self.request.get("TotalSegments")
        if segment is None and total is None:
            return None
        if total is None:
            raise validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
        if segment is None:
            raise validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
        if segment >= total:
            raise validation(f"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} is not less than TotalSegments: {total}")
        return segment, total

    def _answer(self, matched: list[dict[str, Any]], scanned: int, read_bytes: int, last: dict[str, Any] | None) -> dict[str, Any]:
        consumed = Consumed(self.table.name, read=True)
        units = read_units(read_bytes, self.consistent)
        if self.index is None:
            consumed.units = units
        else:
            consumed.add_index(self.index.kind, self.index.name, units)
        self.consumed = consumed
        out: dict[str, Any] = {"Count": len(matched), "ScannedCount": scanned}
        if self.select != "COUNT":
            items = matched
            if self.index is not None and self.index.kind == "LSI" and self._needs_table():
                items = self._fetch(items, consumed)
            if self.projection is not None:
                items = [self.projection.apply(i) for i in items]
            out["Items"] = items
        if last is not None:
            names = list(self.table.key_names)
            if self.index is not None:
                names += [n for n in self.index.key_names() if n not in names]
            out["LastEvaluatedKey"] = {n: last[n] for n in names}
        return out

    def _needs_table(self) -> bool:
        assert self.index is not None
        if self.select == "ALL_ATTRIBUTES":
            return self.index.projection_type != "ALL"
        if self.projection is not None:
            return not self.index.projects_all(self.projection.top_level)
        return False

    def _fetch(self, items: list[dict[str, Any]], consumed: Consumed) -> list[dict[str, Any]]:
        """Whole items from the table for an LSI whose projection lacks what was asked."""
        prefix = keys.items_prefix(self.ctx.account, self.ctx.region, self.table.name)
        out = []
        for entry in items:
            raw = self.ctx.store.get(prefix + tuple(keys.key_element(entry[n]) for n in self.table.key_names))
            if raw is not None:
                item, size = keys.load_sized(raw)
                consumed.units += read_units(size, self.consistent)
                out.append(item)
        return out
