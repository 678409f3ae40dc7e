"""Who is delivering: a worker's identity, and whether a worker on this host is still alive.

A lease names its owner as ``host:pid:start`` (``start`` is the process start time from
``/proc``, so a recycled pid is not mistaken for the old worker). A lease held by a process
of this host that no longer exists can be taken over at once instead of waiting for it to
expire: that is what lets the rerun after a ``kill -9`` finish the job.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: fields after the closing parenthesis are fixed
    return stat.rsplit(")", 1)[1].split()[19]


def this_worker() -> str:
    return _worker(os.getpid())


@cache
def _worker(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"


def owner_is_dead(owner: str) -> bool:
    """True only when ``owner`` was a process on this host that is gone (never guesses for other hosts)."""
    host, _, rest = owner.partition(":")
    pid_text, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit() or start in ("", "?"):
        return False
    return _start_ticks(int(pid_text)) != start
