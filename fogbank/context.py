"""Ctx: everything a provider may use while it answers one request.

Account, region, principal, request id, the clock, the store and the blob store arrive here and
nowhere else; ``ctx.call`` lets one service call another through the same dispatch, validation
and errors as an HTTP request, without HTTP and without touching the other's storage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fogbank.clock import Clock
    from fogbank.config import Config
    from fogbank.store.blobs import BlobStore
    from fogbank.store.contract import Store


@dataclass(frozen=True)
class Principal:
    """Who is calling: the access key used and the identity it belongs to."""

    access_key_id: str
    account: str
    arn: str
    user_id: str
    session_token: str | None = None


@dataclass
class Ctx:
    """The context of one request (or of one background job) inside fogbank."""

    account: str
    region: str
    request_id: str
    clock: Clock
    store: Store
    blobs: BlobStore
    config: Config
    service: str = ""
    operation: str = ""
    principal: Principal | None = None
    host: str = ""
    dispatch: Callable[[Ctx, str, str, dict[str, Any]], Any] | None = field(default=None, repr=False)
    extras: dict[str, Any] = field(default_factory=dict)
    # services' own AWS/* metrics waiting to be written (fogbank.metrics.MetricBuffer)
    metrics: Any = field(default=None, repr=False)

    def call(self, service: str, operation: str, params: dict[str, Any] | None = None) -> Any:
        """Call another service's operation as this caller, with its validation and errors."""
        if self.dispatch is None:
            raise RuntimeError("this context cannot call other services")
        return self.dispatch(self, service, operation, dict(params or {}))

    def derive(self, **changes: Any) -> Ctx:
        """A copy for another region, account or operation."""
        return replace(self, **changes)
