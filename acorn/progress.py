"""Progress for long commands: named steps and bars on stderr, so stdout keeps only the result.

The first seconds of the demo used to be silent for up to ~100 s on a busy 2-core machine:
imports, the sandbox, the store's migrations, the ERP files, and above all Prefect's
temporary server (15–40 s to start, more on a fresh ``PREFECT_HOME``) and Great
Expectations' import (~3–6 s). Each is now a step with a spinner and its time. When stderr
is not a terminal (CI, a pipe), rich draws no live display and only the finished steps show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def progress_bar(console: Console | None = None) -> Progress:
    """A rich progress display on stderr (or ``console``): spinner, what, bar, n/N, time."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console or Console(stderr=True))


@contextmanager
def step(progress: Progress, description: str) -> Iterator[None]:
    """One named step shown while it runs, then ticked with its duration."""
    task = progress.add_task(description, total=1)
    started = time.monotonic()
    try:
        yield
    finally:
        progress.update(task, completed=1, description=f"{description} ({time.monotonic() - started:.1f} s)")


def start_prefect(progress: Progress, connecting: Future[str] | None = None) -> None:
    """Wait, as a visible step, until Prefect answers, instead of silently inside the first flow run.

    ``connecting`` is :func:`acorn.prefect_env.connect_in_background` started earlier (its start then
    overlaps other work); without it the connection starts here. With ``PREFECT_API_URL`` (environment
    or profile) that server is used; without, a temporary one starts and the flows reuse it.
    """
    from acorn import prefect_env

    configured = os.environ.get("PREFECT_API_URL")
    what = (f"connect to the Prefect server at {configured}" if configured
            else "start a temporary Prefect server (15–40 s; set PREFECT_API_URL to use a running one)")
    with step(progress, what):
        (connecting or prefect_env.connect_in_background()).result()


def warm_gates(progress: Progress) -> None:
    """Import Great Expectations and build its context before the first gate needs it."""
    from acorn.gates import _context

    with step(progress, "load Great Expectations (the quality gates)"):
        _context.context()


class Bars:
    """A ``progress(what, done, total)`` callback drawing one bar per ``what`` (services stay free of rich)."""

    def __init__(self, progress: Progress) -> None:
        self.progress, self.tasks = progress, {}

    def __call__(self, what: str, done: int, total: int) -> None:
        if what not in self.tasks:
            self.tasks[what] = self.progress.add_task(what, total=total)
        self.progress.update(self.tasks[what], completed=done, total=total)
