"""Reading and writing REST API documents, ids, timestamps on the way out, and list pages."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fogbank.services.apigateway import store
from fogbank.services.apigateway.errors import BadRequestException, NotFoundException

if TYPE_CHECKING:
    from botocore.model import Shape

    from fogbank.context import Ctx

_ID_CHARS = string.ascii_lowercase + string.digits
_TIMESTAMPS = ("createdDate", "lastUpdatedDate", "certificateUploadDate")
DEFAULT_LIMIT = 25
MAX_LIMIT = 500


def new_id(length: int = 10) -> str:
    """A random id of lowercase letters and digits, as API Gateway's ids look."""
    return "".join(secrets.choice(_ID_CHARS) for _ in range(length))


@lru_cache(maxsize=64)
def shape(name: str) -> Shape:
    """A shape of the apigateway model (for patches)."""
    from fogbank.spec.loader import service_model

    return service_model("apigateway").shape_for(name)


def out(record: dict[str, Any], *drop: str) -> dict[str, Any]:
    """A stored record as the output shape wants it: timestamps as datetimes, internals dropped."""
    result = {k: v for k, v in record.items() if not k.startswith("_") and k not in drop}
    for name in _TIMESTAMPS:
        if isinstance(result.get(name), int | float):
            result[name] = datetime.fromtimestamp(result[name], UTC)
    return result


def load_api(ctx: Ctx, api_id: str) -> dict[str, Any]:
    """The document of a REST API of the caller's account and region; NotFound otherwise."""
    doc = store.load(ctx.store.get(store.api_key(ctx.account, ctx.region, api_id)))
    if doc is None:
        raise NotFoundException("Invalid API identifier specified")
    return doc


def save_api(ctx: Ctx, doc: dict[str, Any], txn: Any = None) -> None:
    """Write a REST API document (and its global index entry)."""
    target = txn if txn is not None else ctx.store
    api_id = doc["api"]["id"]
    target.put(store.api_key(ctx.account, ctx.region, api_id), store.dump(doc))
    target.put(store.api_index_key(api_id), store.dump({"account": ctx.account, "region": ctx.region}))


@contextmanager
def editing(ctx: Ctx, api_id: str) -> Iterator[dict[str, Any]]:
    """A REST API document to change; written back atomically when the block ends without error."""
    with ctx.store.transaction() as txn:
        doc = store.load(txn.get(store.api_key(ctx.account, ctx.region, api_id)))
        if doc is None:
            raise NotFoundException("Invalid API identifier specified")
        yield doc
        save_api(ctx, doc, txn)


def record(ctx: Ctx, kind: str, ident: str, message: str) -> dict[str, Any]:
    """An account-level record (API key, usage plan, domain name...); NotFound with ``message``."""
    value = store.load(ctx.store.get(store.key(ctx.account, ctx.region, kind, ident)))
    if value is None:
        raise NotFoundException(message)
    return value


def put_record(ctx: Ctx, kind: str, ident: str, value: dict[str, Any]) -> None:
    """Write an account-level record."""
    ctx.store.put(store.key(ctx.account, ctx.region, kind, ident), store.dump(value))


def records(ctx: Ctx, kind: str, *sub: str) -> list[dict[str, Any]]:
    """Every account-level record of a kind (under ``sub`` keys), in key order."""
    return [store.load(v) for _, v in ctx.store.scan(prefix=store.key(ctx.account, ctx.region, kind, *sub))]


def page(items: list[dict[str, Any]], request: dict[str, Any]) -> dict[str, Any]:
    """One page of ``items`` as ``{"items": [...], "position": ...}`` (position: next start)."""
    limit = request.get("limit") or DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise BadRequestException(f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to {MAX_LIMIT}")
    start = 0
    if request.get("position"):
        try:
            start = int(request["position"])
        except ValueError:
            raise BadRequestException("Invalid position parameter") from None
    chunk = items[start:start + limit]
    result: dict[str, Any] = {"items": chunk}
    if start + limit < len(items):
        result["position"] = str(start + limit)
    return result


def arn_of_api(ctx: Ctx, api_id: str) -> str:
    """The ARN of a REST API (tags are addressed by it)."""
    return f"arn:aws:apigateway:{ctx.region}::/restapis/{api_id}"
