"""Config: flags and FOGBANK_* variables into one frozen dataclass, bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from fogbank.config import Config


def test_defaults() -> None:
    c = Config.from_env({})
    assert (c.host, c.port, c.data_dir, c.in_memory) == ("127.0.0.1", 4566, Path(".fogbank"), False)
    assert c.default_account == "000000000000"
    assert c.endpoint == "http://localhost:4566"


def test_environment_then_flags() -> None:
    env = {"FOGBANK_PORT": "5000", "FOGBANK_IN_MEMORY": "true", "FOGBANK_DEFAULT_ACCOUNT": "123456789012",
           "FOGBANK_DATA_DIR": "/tmp/x"}
    c = Config.from_env(env)
    assert (c.port, c.in_memory, c.default_account, c.data_dir) == (5000, True, "123456789012", Path("/tmp/x"))
    assert Config.from_env(env, port=6000).port == 6000


@pytest.mark.parametrize("env", [
    {"FOGBANK_PORT": "many"},
    {"FOGBANK_PORT": "70000"},
    {"FOGBANK_DEFAULT_ACCOUNT": "12345"},
    {"FOGBANK_LOG_LEVEL": "chatty"},
])
def test_bad_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Config.from_env(env)


def test_frozen() -> None:
    c = Config.from_env({})
    with pytest.raises(AttributeError):
        c.port = 1  # type: ignore[misc]
    assert c.with_(port=1).port == 1 and c.port == 4566
