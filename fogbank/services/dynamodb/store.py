"""DynamoDB's key layout in the store. Every key starts with ("dynamodb", account, region).

  (..., "table", name)                               -> table record (JSON, see ``tables``)
  (..., "item", name, pk[, sk])                      -> one item: one JSON document in wire form
  (..., "index", name, index, ipk[, isk], pk[, sk])  -> the item as the index projects it
  (..., "ttl", name, expires_at, pk[, sk])           -> b"" (items to delete once the clock passes)
  (..., "stream", name, label, seq)                  -> one stream record (JSON)
  (..., "txtoken", token)                            -> a TransactWriteItems ClientRequestToken
  (..., "backup", backup_id)                         -> an on-demand backup's record (JSON)
  (..., "backupitem", backup_id, pk[, sk])           -> an item document as the backup took it
  (..., "pitr", name, pk[, sk], micros)              -> the item document just before its first
                                                        change at that instant (b"" if absent)

Key attribute values become key elements that sort as DynamoDB sorts them: S as ``str``
(code point order = UTF-8 byte order), N as ``Decimal`` (numeric), B as ``bytes``. So a Query is
one range scan of (table, pk) and a sort-key condition narrows its bounds.

Item documents (items and index entries): the item's size as DynamoDB counts it, a space, then
``json`` of the wire-form item. The size is computed once at write time because every read
needs it (capacity units, the 1 MB page) and recounting costs more than parsing. Binary values
(B, BS) are base64 text, restored on load only when the document holds a binary tag at all
(most do not), so loading stays one JSON parse.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

SERVICE = "dynamodb"
_SEPARATORS = (",", ":")


def table_key(account: str, region: str, name: str) -> tuple:
    """Where a table's record lives."""
    return (SERVICE, account, region, "table", name)


def tables_prefix(account: str, region: str) -> tuple:
    """The prefix of every table record of an account and region."""
    return (SERVICE, account, region, "table")


def items_prefix(account: str, region: str, name: str) -> tuple:
    """The prefix of a table's items."""
    return (SERVICE, account, region, "item", name)


def index_prefix(account: str, region: str, name: str, index: str) -> tuple:
    """The prefix of one secondary index's entries."""
    return (SERVICE, account, region, "index", name, index)


def ttl_prefix(account: str, region: str, name: str) -> tuple:
    """The prefix of a table's expiry entries, soonest first."""
    return (SERVICE, account, region, "ttl", name)


def stream_prefix(account: str, region: str, name: str, label: str | None = None) -> tuple:
    """The prefix of a table's stream records (of one stream when ``label`` is given)."""
    prefix: tuple = (SERVICE, account, region, "stream", name)
    return prefix if label is None else prefix + (label,)


def token_key(account: str, region: str, token: str) -> tuple:
    """A TransactWriteItems idempotency token's record."""
    return (SERVICE, account, region, "txtoken", token)


def backup_key(account: str, region: str, backup_id: str) -> tuple:
    """Where an on-demand backup's record lives."""
    return (SERVICE, account, region, "backup", backup_id)


def backups_prefix(account: str, region: str) -> tuple:
    """The prefix of every backup record of an account and region."""
    return (SERVICE, account, region, "backup")


def backup_items_prefix(account: str, region: str, backup_id: str) -> tuple:
    """The prefix of the items a backup holds."""
    return (SERVICE, account, region, "backupitem", backup_id)


def pitr_prefix(account: str, region: str, name: str) -> tuple:
    """The prefix of a table's point-in-time history (earlier versions of changed items)."""
    return (SERVICE, account, region, "pitr", name)


def key_element(value: dict[str, Any]) -> Any:
    """A key attribute's wire value as a store key element that sorts as DynamoDB sorts it."""
    if "S" in value:
        return value["S"]
    if "N" in value:
        return Decimal(value["N"])
    raw = value["B"]
    return raw if isinstance(raw, bytes) else bytes(raw)


def _bytes_to_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot store {type(value).__name__}")


def dump(value: Any) -> bytes:
    """A record (or item) as stored bytes; bytes become base64 text."""
    return json.dumps(value, separators=_SEPARATORS, ensure_ascii=False, default=_bytes_to_text).encode("utf-8")


def load(data: bytes) -> Any:
    """A stored record back as Python values (no binary restoring: use ``load_item`` for items)."""
    return json.loads(data)


_ENCODER = json.JSONEncoder(separators=_SEPARATORS, ensure_ascii=False, default=_bytes_to_text)
_DECODER = json.JSONDecoder()


def dump_item(item: dict[str, Any], size: int) -> bytes:
    """An item (or index entry) of ``size`` bytes as its stored document."""
    return f"{size} {_ENCODER.encode(item)}".encode()


def load_sized(data: bytes) -> tuple[dict[str, Any], int]:
    """A stored item document back as (item in wire form with bytes restored, its size)."""
    text = data.decode("utf-8")
    cut = text.index(" ")
    # raw_decode from the offset: no copy of the document and no whitespace scans around it
    item = _DECODER.raw_decode(text, cut + 1)[0]
    # '"B":' / '"BS":' is how a binary tag looks in the compact JSON ('"BOOL":' is not one)
    if '"B":' in text or '"BS":' in text:
        restore_binary(item)
    return item, int(text[:cut])


def load_item(data: bytes) -> dict[str, Any]:
    """A stored item document back in wire form with binary values as bytes."""
    return load_sized(data)[0]


def restore_binary(item: dict[str, Any]) -> None:
    """Turn an item's base64 binary values (as stored) back into bytes, in place."""
    for value in item.values():
        _restore(value)


def _restore(value: dict[str, Any]) -> None:
    if "B" in value:
        value["B"] = base64.b64decode(value["B"])
    elif "BS" in value:
        value["BS"] = [base64.b64decode(b) for b in value["BS"]]
    elif "M" in value:
        for inner in value["M"].values():
            _restore(inner)
    elif "L" in value:
        for inner in value["L"]:
            _restore(inner)
