"""Store engine benchmark: committed single-key puts/s, gets/s, transaction puts/s, scan keys/s.

Run: ``.venv/bin/python bench/store_bench.py [--keys N] [--engine memory|sqlite]``.
Keys look like a service's: ("dynamodb", account, region, table, pk, sk) with ~100-byte values.
Each figure is the best of ``--repeat`` runs, by wall clock and per CPU-second of this process, so a
busy machine does not hide the engine's own speed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fogbank.store.contract import Store
from fogbank.store.memory import MemoryStore
from fogbank.store.sqlite import SqliteStore

PREFIX = ("dynamodb", "000000000000", "us-east-1", "orders")
VALUE = b"v" * 100


def rate(count: int, run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best operations per second over ``repeat`` runs of ``run`` (which does ``count`` operations),
    by wall-clock time and by this process's CPU time (which other load on the machine does not
    inflate; it leaves out waiting for the disk, which is why both are shown)."""
    best_wall = best_cpu = 0.0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        best_wall = max(best_wall, count / wall)
        best_cpu = max(best_cpu, count / max(cpu, 1e-9))
    return best_wall, best_cpu


def bench(store: Store, keys: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Measure one engine; the store is left filled."""
    results: dict[str, tuple[float, float]] = {}
    # keys are built before the clock starts: only the store is measured
    single_runs = iter([[PREFIX + (f"pk{run}-{i}", i) for i in range(keys)] for run in range(repeat)])
    batch_runs = iter([[PREFIX + (f"batch{run}-{i // 100}", i) for i in range(keys)] for run in range(repeat)])

    def puts() -> None:
        put = store.put
        for key in next(single_runs):
            put(key, VALUE)

    results["single-key committed puts/s"] = rate(keys, puts, repeat)

    def txn_puts() -> None:
        batch = next(batch_runs)
        for first in range(0, len(batch) - 99, 100):
            with store.transaction() as txn:
                for key in batch[first : first + 100]:
                    txn.put(key, VALUE)

    results["puts/s in 100-key transactions"] = rate(keys // 100 * 100, txn_puts, repeat)

    all_keys = [k for k, _ in store.scan(PREFIX, limit=keys)]

    def gets() -> None:
        for key in all_keys:
            store.get(key)

    results["single-key gets/s"] = rate(len(all_keys), gets, repeat)
    total = store.count(PREFIX)

    def scan() -> None:
        for _ in store.scan(PREFIX):
            pass

    results["range-scan keys/s"] = rate(total, scan, repeat)

    def scan_back() -> None:
        for _ in store.scan(PREFIX, reverse=True):
            pass

    results["reverse range-scan keys/s"] = rate(total, scan_back, repeat)

    def short_queries() -> None:
        for key in all_keys[:2000]:
            list(store.scan(PREFIX + key[len(PREFIX) : len(PREFIX) + 1], limit=10))

    results["10-key prefix queries/s"] = rate(min(2000, len(all_keys)), short_queries, repeat)
    return results


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", choices=["memory", "sqlite"], action="append")
    args = parser.parse_args()
    engines = args.engine or ["memory", "sqlite"]
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="fogbank-bench-") as tmp:
            store: Store = MemoryStore() if engine == "memory" else SqliteStore(Path(tmp) / "fogbank.db")
            try:
                results = bench(store, args.keys, args.repeat)
            finally:
                store.close()
        print(f"{engine} ({args.keys} keys, best of {args.repeat})          wall-clock      per CPU-second")
        for name, (wall, cpu) in results.items():
            print(f"  {name:34s} {wall:>14,.0f} {cpu:>19,.0f}")


if __name__ == "__main__":
    main()
