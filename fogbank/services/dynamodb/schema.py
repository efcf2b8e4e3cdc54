"""A table's shape as the item path needs it: key schema, key types, indexes and projections.

``Table`` wraps the stored table record (see ``tables``) and answers the questions every item
operation asks: which attributes form the key, how a key becomes a store key, whether a key or
an item is valid for the schema (with AWS's messages), and what each index holds of an item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fogbank.errors import ServiceError
from fogbank.services.dynamodb.errors import invalid_parameters, validation
from fogbank.services.dynamodb.store import key_element

KEY_MISMATCH = "The provided key element does not match the schema"


def _empty_key_error(name: str, tag: str) -> ServiceError:
    kind = "string" if tag == "S" else "binary"
    return validation(
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
        f"contain an empty {kind} value. Key: {name}"
    )


@dataclass(frozen=True, slots=True)
class Index:
    """A secondary index: its key, its projection and what it stores of an item."""

    name: str
    kind: str  # "GSI" or "LSI"
    hash_name: str
    range_name: str | None
    projection_type: str
    non_key: tuple[str, ...]
    table_keys: tuple[str, ...]

    @property
    def key_schema(self) -> list[dict[str, str]]:
        """The index's KeySchema list."""
        schema = [{"AttributeName": self.hash_name, "KeyType": "HASH"}]
        if self.range_name:
            schema.append({"AttributeName": self.range_name, "KeyType": "RANGE"})
        return schema

    def key_names(self) -> tuple[str, ...]:
        """The index's key attribute names."""
        return (self.hash_name, self.range_name) if self.range_name else (self.hash_name,)

    def holds(self, item: Mapping[str, Any] | None) -> bool:
        """Whether the index has an entry for ``item`` (sparse: every index key attribute present)."""
        if not item or self.hash_name not in item:
            return False
        return self.range_name is None or self.range_name in item

    def project(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """What the index stores of ``item``: keys always, then ALL, INCLUDE'd or nothing more."""
        if self.projection_type == "ALL":
            return dict(item)
        out = {name: item[name] for name in self.table_keys if name in item}
        for name in self.key_names():
            out[name] = item[name]
        if self.projection_type == "INCLUDE":
            for name in self.non_key:
                if name in item:
                    out[name] = item[name]
        return out

    def projects_all(self, names: frozenset[str]) -> bool:
        """Whether every top-level attribute in ``names`` is projected into the index."""
        if self.projection_type == "ALL":
            return True
        have = set(self.table_keys) | set(self.key_names()) | set(self.non_key if self.projection_type == "INCLUDE" else ())
        return names <= have


class Table:
    """A table record with the key logic built once."""

    __slots__ = ("record", "name", "hash_name", "range_name", "key_types", "indexes", "key_names")

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.name: str = record["name"]
        schema = record["key_schema"]
        self.hash_name: str = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
        self.range_name: str | None = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
        self.key_types: dict[str, str] = {a["AttributeName"]: a["AttributeType"] for a in record["attrs"]}
        self.key_names: tuple[str, ...] = (self.hash_name, self.range_name) if self.range_name else (self.hash_name,)
        self.indexes: dict[str, Index] = {}
        for kind, entries in (("GSI", record.get("gsis") or []), ("LSI", record.get("lsis") or [])):
            for entry in entries:
                ks = entry["KeySchema"]
                projection = entry.get("Projection") or {}
                self.indexes[entry["IndexName"]] = Index(
                    name=entry["IndexName"],
                    kind=kind,
                    hash_name=next(k["AttributeName"] for k in ks if k["KeyType"] == "HASH"),
                    range_name=next((k["AttributeName"] for k in ks if k["KeyType"] == "RANGE"), None),
                    projection_type=projection.get("ProjectionType", "ALL"),
                    non_key=tuple(projection.get("NonKeyAttributes") or ()),
                    table_keys=self.key_names,
                )

    @property
    def key_schema(self) -> list[dict[str, str]]:
        """The table's KeySchema list."""
        return self.record["key_schema"]

    @property
    def provisioned(self) -> bool:
        """Whether the table bills (and throttles) by provisioned capacity."""
        return self.record.get("billing") == "PROVISIONED"

    @property
    def stream(self) -> dict[str, Any] | None:
        """The current stream (``label``, ``view``) while the stream is enabled, else None."""
        stream = self.record.get("stream")
        return stream if stream and stream.get("enabled") else None

    @property
    def ttl_attribute(self) -> str | None:
        """The TTL attribute while TTL is enabled."""
        ttl = self.record.get("ttl")
        return ttl["attr"] if ttl and ttl.get("enabled") else None

    def index(self, name: str) -> Index:
        """An index by name, or AWS's ValidationException."""
        found = self.indexes.get(name)
        if found is None:
            raise validation(f"The table does not have the specified index: {name}")
        return found

    # --- keys --------------------------------------------------------------------------------

    def check_key(self, key: Mapping[str, Any]) -> tuple:
        """The store key elements of a Key parameter, or AWS's schema mismatch error."""
        if len(key) != len(self.key_names):
            raise validation(KEY_MISMATCH)
        out = []
        for name in self.key_names:
            value = key.get(name)
            if value is None:
                raise validation(KEY_MISMATCH)
            out.append(self._element(name, value, KEY_MISMATCH))
        return tuple(out)

    def check_item_key(self, item: Mapping[str, Any]) -> tuple:
        """The store key elements of a whole item, or AWS's missing-key / type errors."""
        out = []
        for name in self.key_names:
            value = item.get(name)
            if value is None:
                raise invalid_parameters(f"Missing the key {name} in the item")
            expected = self.key_types[name]
            if expected not in value:
                actual = next(iter(value), "")
                raise invalid_parameters(f"Type mismatch for key {name} expected: {expected} actual: {actual}")
            out.append(self._element(name, value, None))
        return tuple(out)

    def _element(self, name: str, value: Mapping[str, Any], mismatch: str | None) -> Any:
        expected = self.key_types[name]
        if expected not in value or len(value) != 1:
            raise validation(mismatch or KEY_MISMATCH)
        raw = value[expected]
        if expected != "N" and len(raw) == 0:
            raise _empty_key_error(name, expected)
        return key_element(value)

    def key_of(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """The key attributes of an item."""
        return {name: item[name] for name in self.key_names}

    def check_index_keys(self, item: Mapping[str, Any]) -> None:
        """AWS's errors for index key attributes of the wrong type or empty in an item."""
        for index in self.indexes.values():
            for name in index.key_names():
                value = item.get(name)
                if value is None:
                    continue
                expected = self.key_types.get(name)
                if expected and expected not in value:
                    actual = next(iter(value), "")
                    raise invalid_parameters(
                        f"Type mismatch for Index Key {name} Expected: {expected} Actual: {actual} IndexName: {index.name}"
                    )
                if expected in ("S", "B") and len(value[expected]) == 0:
                    raise validation(
                        "One or more parameter values are not valid. A value specified for a secondary index key "
                        "is not supported. The AttributeValue for a key attribute cannot contain an empty "
                        f"{'string' if expected == 'S' else 'binary'} value. IndexName: {index.name}, IndexKey: {name}"
                    )

    def index_entry_key(self, index: Index, item: Mapping[str, Any], table_key: tuple) -> tuple:
        """The part of an index entry's store key after the index name."""
        parts = [key_element(item[index.hash_name])]
        if index.range_name:
            parts.append(key_element(item[index.range_name]))
        return tuple(parts) + table_key
