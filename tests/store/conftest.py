"""The engines every contract test runs against; a new engine joins by adding a factory here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fogbank.store.contract import Store
from fogbank.store.memory import MemoryStore
from fogbank.store.sqlite import SqliteStore

ENGINES: dict[str, Callable[[Path], Store]] = {
    "memory": lambda directory: MemoryStore(),
    "sqlite": lambda directory: SqliteStore(directory / "fogbank.db"),
}


@pytest.fixture(params=sorted(ENGINES))
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """A factory of fresh stores of one engine; every store it made is closed afterwards."""
    made: list[Store] = []
    counter = iter(range(1_000_000))

    def make() -> Store:
        directory = tmp_path / f"store{next(counter)}"
        directory.mkdir()
        store = ENGINES[request.param](directory)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], Store]) -> Store:
    """A fresh, empty store of one engine."""
    return make_store()
