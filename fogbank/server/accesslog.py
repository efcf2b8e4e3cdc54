"""The access log: one line per request, ``service.Operation -> status (ms)``.

Lines are buffered and written together a few milliseconds later, on the event loop, rather than
through ``logging`` one record at a time: per request that costs a string format instead of a
log record, a formatter and a system call, which matters at thousands of requests a second.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TextIO

FLUSH_AFTER = 0.02  # seconds; short enough that a person watching sees lines as they happen


class AccessLog:
    """Collects access-log lines and writes them to ``out`` in small batches."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stderr
        self._lines: list[str] = []
        self._scheduled = False

    def record(self, label: str, status: int, elapsed_ms: float) -> None:
        """Note one answered request."""
        self._lines.append(
            f"{time.strftime('%Y-%m-%d %H:%M:%S')} {label} -> {status} ({elapsed_ms:.1f} ms)\n"
        )
        if self._scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._scheduled = True
        loop.call_later(FLUSH_AFTER, self.flush)

    def flush(self) -> None:
        """Write every collected line now."""
        self._scheduled = False
        if not self._lines:
            return
        text = "".join(self._lines)
        self._lines.clear()
        try:
            self.out.write(text)
            self.out.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stderr must not fail requests
