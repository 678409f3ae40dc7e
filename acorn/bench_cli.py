"""How long the `acorn` command line takes to answer: the "CLI start time" figure of `acorn bench`.

Each run is a fresh process, so the figure includes the interpreter's start and every
import the command makes, as an operator waits for it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path


def cli_start_seconds(args: list[str], runs: int = 5, *, env: Mapping[str, str] | None = None) -> float:
    """Median wall-clock seconds of ``acorn ARGS`` over ``runs`` fresh processes.

    Runs the ``acorn`` console script beside ``sys.executable`` (what operators type), or
    ``python -m acorn.cli`` where it is not installed; output is discarded. ``env`` replaces
    the environment (default: this process's), e.g. to point ``ACORN_HOME`` at a migrated store
    for ``["status"]``. Raises ``ValueError`` when ``runs`` < 1 and
    ``subprocess.CalledProcessError`` when a run fails: a failure's time is not a start time.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    script = Path(sys.executable).with_name("acorn")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "acorn.cli"]
    environment = dict(os.environ if env is None else env)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment,
                       check=True)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)
