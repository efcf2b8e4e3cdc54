"""CPU time and resident memory of a process tree, read straight from Linux's /proc.

The server's CPU per operation is the fair speed figure: one boto3 client process saturates
long before a server does, so throughput alone mostly measures the client.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_CLK_TCK = os.sysconf("SC_CLK_TCK")
TICK_S = 1 / _CLK_TCK  # the resolution of every CPU time /proc reports


@dataclass(frozen=True)
class ProcStat:
    """The few /proc/<pid>/stat fields the harness needs."""

    pid: int
    ppid: int
    cpu_s: float  # user + system of the process itself and of its reaped children
    rss_bytes: int


def parse_stat(text: str) -> ProcStat:
    """Parse one /proc/<pid>/stat line.

    The command name is in parentheses and may itself hold spaces or parentheses, so the
    fields are split after the last ')'.
    """
    pid = int(text.split(" ", 1)[0])
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state); field n is rest[n - 3]
    ppid = int(rest[4 - 3])
    utime, stime, cutime, cstime = (int(v) for v in rest[14 - 3 : 18 - 3])
    rss_pages = int(rest[24 - 3])
    return ProcStat(
        pid=pid,
        ppid=ppid,
        cpu_s=(utime + stime + cutime + cstime) / _CLK_TCK,
        rss_bytes=rss_pages * _PAGE_SIZE,
    )


def read_stat(pid: int) -> ProcStat | None:
    """Stat of one process, or None when it has gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return parse_stat(f.read())
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None


def all_stats() -> list[ProcStat]:
    """Stats of every process visible in /proc."""
    stats = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = read_stat(int(name))
            if stat is not None:
                stats.append(stat)
    return stats


def tree(root_pid: int) -> list[ProcStat]:
    """The root process and all its live descendants."""
    stats = all_stats()
    children: dict[int, list[ProcStat]] = {}
    root = None
    for s in stats:
        children.setdefault(s.ppid, []).append(s)
        if s.pid == root_pid:
            root = s
    if root is None:
        return []
    found = [root]
    i = 0
    # Bounded: each process is visited once, and /proc lists a finite set.
    while i < len(found) and i < len(stats):
        found.extend(children.get(found[i].pid, []))
        i += 1
    return found


def tree_cpu_s(root_pid: int) -> float:
    """User + system CPU seconds of a process tree (live processes plus reaped children)."""
    return sum(s.cpu_s for s in tree(root_pid))


def tree_rss_bytes(root_pid: int) -> int:
    """Resident set size of a process tree, summed over its processes."""
    return sum(s.rss_bytes for s in tree(root_pid))
