"""The routing catalog: per service, the metadata that tells which service a request is for.

Signing name, endpoint prefix, JSON target prefix, API version and protocols of every service in
scope. Computing it means loading every model (~0.6 s), so it is cached as JSON in the user's
cache directory, keyed by botocore's version, and start-up reads only that file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from fogbank.spec.loader import SERVICES, botocore_version, service_model


@dataclass(frozen=True)
class ServiceInfo:
    """What routing needs to know of one service without loading its model."""

    name: str
    protocols: tuple[str, ...]
    signing_name: str
    endpoint_prefix: str
    target_prefix: str | None
    api_version: str
    query_compatible: bool

    @property
    def protocol(self) -> str:
        """The model's default protocol."""
        return self.protocols[0]


@dataclass(frozen=True)
class Catalog:
    """Every service in scope, with lookups by the names a request carries."""

    services: dict[str, ServiceInfo]

    @property
    def by_target_prefix(self) -> dict[str, str]:
        return {s.target_prefix: s.name for s in self.services.values() if s.target_prefix}

    def by_signing_name(self, signing_name: str) -> list[str]:
        """Services signed with ``signing_name``, in scope order (e.g. apigateway, apigatewayv2)."""
        return self._signing_index.get(signing_name, [])

    @cached_property
    def _signing_index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for s in self.services.values():
            index.setdefault(s.signing_name, []).append(s.name)
        return index

    def by_api_version(self, version: str, protocols: tuple[str, ...]) -> list[str]:
        """Services with this API version speaking one of ``protocols``."""
        return [
            s.name for s in self.services.values()
            if s.api_version == version and set(s.protocols) & set(protocols)
        ]


def _info(name: str) -> ServiceInfo:
    meta = service_model(name).metadata
    protocols = tuple(meta.get("protocols") or [meta["protocol"]])
    return ServiceInfo(
        name=name,
        protocols=protocols,
        signing_name=meta.get("signingName") or meta.get("endpointPrefix") or name,
        endpoint_prefix=meta.get("endpointPrefix") or name,
        target_prefix=meta.get("targetPrefix"),
        api_version=meta.get("apiVersion", ""),
        query_compatible="awsQueryCompatible" in meta,
    )


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fogbank" / f"catalog-{botocore_version()}-{len(SERVICES)}.json"


def _read_cache(path: Path) -> Catalog | None:
    try:
        raw = json.loads(path.read_text())
        services = {
            name: ServiceInfo(**{**entry, "protocols": tuple(entry["protocols"])})
            for name, entry in raw.items()
        }
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if set(services) != set(SERVICES):
        return None
    return Catalog({name: services[name] for name in SERVICES})


def _write_cache(path: Path, catalog: Catalog) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-")
        with os.fdopen(fd, "w") as f:
            json.dump({n: asdict(s) for n, s in catalog.services.items()}, f)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs the next start-up the model loads


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The catalog of every service in scope, from the cache file or built from the models."""
    path = _cache_file()
    cached = _read_cache(path)
    if cached is not None:
        return cached
    built = Catalog({name: _info(name) for name in SERVICES})
    _write_cache(path, built)
    return built
