"""The known, out-of-scope round-trip failures, read from ``known_failures.json``.

Keys are ``<kind>:<service>/<protocol>/<operation>`` where kind is ``input``, ``output``, ``error``
or ``compliance``; shell-style wildcards are allowed. Each value is the reason.
"""

from __future__ import annotations

import fnmatch
import json
from functools import lru_cache
from pathlib import Path

KNOWN_FILE = Path(__file__).with_name("known_failures.json")


@lru_cache(maxsize=1)
def known_failures() -> dict[str, str]:
    """Every known failure pattern with its reason."""
    data = json.loads(KNOWN_FILE.read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def known_reason(kind: str, key: str) -> str | None:
    """Why ``kind:key`` is known to fail, or None when it is expected to pass."""
    name = f"{kind}:{key}"
    table = known_failures()
    if name in table:
        return table[name]
    for pattern, reason in table.items():
        if fnmatch.fnmatchcase(name, pattern):
            return reason
    return None
