"""All of fogbank's settings in one frozen dataclass, built from flags and ``FOGBANK_*`` variables.

Passed into the app and from there through ``ctx``; nothing reads the environment on the request path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Config:
    """fogbank's settings. Every field can also be set as ``FOGBANK_<FIELD NAME IN CAPITALS>``."""

    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path = field(default_factory=lambda: Path(".fogbank"))
    in_memory: bool = False
    log_level: str = "info"
    default_account: str = "000000000000"
    default_region: str = "us-east-1"
    verify_signatures: bool = False
    # Refuse access keys that are neither IAM/STS-issued nor 12-digit account ids.
    strict_credentials: bool = False
    enforce_iam: bool = False
    # With enforce_iam: allow everything but log what IAM would have denied (FOGBANK_ENFORCE_IAM=report).
    iam_report: bool = False
    # The root user's credentials under --verify-signatures: this key id (the default account) and
    # every 12-digit key id (that account) sign with this secret.
    root_access_key: str = "test"
    root_secret: str = "test"
    access_log: bool = True
    # AWS throttles provisioned tables that exceed their capacity; off lets load tests run unthrottled.
    dynamodb_throttling: bool = True
    # Lambda: the regional concurrency quota (AWS's default, raisable there too) and how long an
    # idle execution environment stays warm.
    lambda_concurrent_executions: int = 1000
    lambda_idle_seconds: int = 300

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Config:
        """Build a Config from ``FOGBANK_*`` variables, then apply explicit (non-None) overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get("FOGBANK_" + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.type, raw)
        if env.get("FOGBANK_ENFORCE_IAM", "").strip().lower() == "report":
            values.update(enforce_iam=True, iam_report=True)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"])
        if "port" in values:
            values["port"] = int(values["port"])
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """Raise ValueError for a setting no server could run with."""
        if not (0 <= self.port <= 65535):
            raise ValueError(f"port {self.port} is not between 0 and 65535")
        if not (len(self.default_account) == 12 and self.default_account.isdigit()):
            raise ValueError(f"default account {self.default_account!r} is not 12 digits")
        if self.log_level.lower() not in {"critical", "error", "warning", "info", "debug"}:
            raise ValueError(f"log level {self.log_level!r} is not one of critical/error/warning/info/debug")

    def with_(self, **changes: Any) -> Config:
        """A copy with some settings changed."""
        return replace(self, **changes)

    @property
    def endpoint(self) -> str:
        """The URL clients use to reach this server."""
        host = "localhost" if self.host in {"127.0.0.1", "0.0.0.0", "::"} else self.host
        return f"http://{host}:{self.port}"


def _coerce(name: str, type_: Any, raw: str) -> Any:
    type_name = type_ if isinstance(type_, str) else getattr(type_, "__name__", str(type_))
    if type_name == "bool":
        return raw.strip().lower() in _TRUE
    if type_name == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"FOGBANK_{name.upper()}={raw!r} is not a whole number") from None
    if type_name == "Path":
        return Path(raw)
    return raw
