"""A provider and context over an in-memory store, for S3's unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fogbank.clock import Clock
from fogbank.config import Config
from fogbank.context import Ctx
from fogbank.services.s3.provider import Provider
from fogbank.store.blobs import TempBlobStore
from fogbank.store.memory import MemoryStore


@pytest.fixture
def ctx() -> Iterator[Ctx]:
    """A request context on a fresh in-memory store."""
    blobs = TempBlobStore()
    yield Ctx(account="111111111111", region="us-east-1", request_id="r", clock=Clock(), store=MemoryStore(),
              blobs=blobs, config=Config(in_memory=True), service="s3")
    blobs.close()


@pytest.fixture
def provider() -> Any:
    """The S3 provider."""
    return Provider()
