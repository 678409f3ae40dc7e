"""``acorn bench intake``: fetch ≥10,000 purchase orders from the sandbox at the published rate.

What it shows: the client keeps getPurchaseOrders at Amazon's published rate (10/s, burst
10) without tripping the server's own limiter, and loses nothing when the sandbox injects
429s and 5xx. Figures printed: requests (every HTTP attempt; pages answered among them),
seconds, achieved rate (every attempt counts: the server's limiter sees them all) over
allowed rate, 429s seen, failures (calls that raised) and POs missing.

"Allowed" is what the published usage plan permits in the elapsed time: the burst plus
rate x seconds. A ratio of 1.0 means not one request was left on the table.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import typer

from ._client import SpApiClient
from ._credentials import LwaCredentials
from ._exceptions import SpApiError
from ._operations import GET_PURCHASE_ORDERS, operation
from ._ratelimit import TokenBucketLimiter

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Benchmarks that print their figures.")

#: 2 sandbox vendor accounts x 7 days x 715 = 10,010 orders in one 7-day window (101 pages)
DEFAULT_POS_PER_DAY = 715
FAULTS = {"throttle_rate": 0.10, "error_rate": 0.05}


@dataclass(frozen=True)
class IntakeFigures:
    faults: bool
    expected_pos: int
    fetched_pos: int
    requests: int
    pages: int
    seconds: float
    rate: float
    burst: int
    throttled: int
    server_errors: int
    retries: int
    failures: int

    @property
    def achieved_rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def allowed_rate(self) -> float:
        return (self.burst + self.rate * self.seconds) / self.seconds if self.seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.achieved_rate / self.allowed_rate if self.allowed_rate else 0.0

    @property
    def missing_pos(self) -> int:
        return self.expected_pos - self.fetched_pos

    def lines(self) -> list[str]:
        return [
            f"intake benchmark ({'faults: 10% 429, 5% 5xx' if self.faults else 'no faults'})",
            f"  purchase orders : {self.fetched_pos} fetched of {self.expected_pos} ({self.missing_pos} missing)",
            f"  requests        : {self.requests} (retries {self.retries}); pages answered {self.pages} "
            f"({self.pages / self.seconds if self.seconds else 0:.2f}/s)",
            f"  seconds         : {self.seconds:.2f}",
            f"  achieved rate   : {self.achieved_rate:.2f} req/s",
            f"  allowed rate    : {self.allowed_rate:.2f} req/s ({self.rate:g}/s + burst {self.burst} over the run)",
            f"  ratio           : {self.ratio:.3f}",
            f"  429s seen       : {self.throttled}",
            f"  5xx seen        : {self.server_errors}",
            f"  failures        : {self.failures}",
        ]


def run_intake(*, faults: bool = False, pos_per_day: int = DEFAULT_POS_PER_DAY, seed: int = 7,
               progress: Any = None) -> IntakeFigures:
    """Start an in-process sandbox, fetch one 7-day window of POs, return the figures.

    ``progress(what, done, total)``, when given, hears every page's worth of POs (a CLI bar).
    """
    tell = progress or (lambda what, done, total: None)
    import httpx

    from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxConfig, SandboxServer

    config = SandboxConfig(seed=seed, rate_scale=1.0, pos_per_day=pos_per_day, history_days=7)
    with SandboxServer(config, host="127.0.0.1", port=0) as sandbox:
        now = sandbox.state.now()
        after = now - timedelta(days=7)
        expected = sum(1 for po in sandbox.state.visible_orders() if after <= po.created < now)
        if faults:
            httpx.post(f"{sandbox.base_url}/_sandbox/faults", json=FAULTS).raise_for_status()
        limiter = TokenBucketLimiter()
        with SpApiClient(sandbox.base_url, credentials=LwaCredentials(**DEFAULT_CREDENTIALS),
                         rate_limiter=limiter) as client:
            client._sender._tokens.token()   # the LWA call is not part of the intake figures
            seen, failures, seconds = _fetch_window(client, after, now, lambda done: tell(
                "fetch purchase orders", done, expected))
            stats = client.stats.operation(GET_PURCHASE_ORDERS)
            bucket = limiter.bucket(GET_PURCHASE_ORDERS)
    return IntakeFigures(faults=faults, expected_pos=expected, fetched_pos=len(seen), requests=stats.requests,
                         pages=stats.statuses[200],
                         seconds=seconds, rate=bucket.rate, burst=bucket.burst, throttled=stats.throttled,
                         server_errors=stats.server_errors, retries=stats.retries,
                         failures=failures + stats.failures)


def _fetch_window(client: SpApiClient, after: datetime, before: datetime,
                  tell: Callable[[int], None]) -> tuple[set[str], int, float]:
    """The PO numbers fetched in full pages (the largest the model allows), calls that raised, and seconds taken."""
    page = operation(GET_PURCHASE_ORDERS).max_limit or 100
    seen: set[str] = set()
    failures = 0
    started = time.monotonic()
    try:
        for order in client.list_purchase_orders(created_after=after, created_before=before, limit=page):
            seen.add(order.purchase_order_number)
            if len(seen) % page == 0:
                tell(len(seen))
    except SpApiError:
        failures += 1
    return seen, failures, time.monotonic() - started


@app.callback()
def _bench() -> None:
    """Benchmarks that print their figures."""


@app.command("intake")
def intake(faults: bool = typer.Option(False, "--faults", help="Inject 10% 429s and 5% 5xx in the sandbox."),
           pos_per_day: int = typer.Option(DEFAULT_POS_PER_DAY, help="Orders per vendor account per day."),
           seed: int = typer.Option(7, help="Sandbox seed.")) -> None:
    """Fetch ≥10,000 POs from an in-process sandbox at the published getPurchaseOrders rate."""
    from acorn.progress import Bars, progress_bar

    with progress_bar() as bar:  # on stderr: the figures stay on stdout
        figures = run_intake(faults=faults, pos_per_day=pos_per_day, seed=seed, progress=Bars(bar))
    for line in figures.lines():
        typer.echo(line)
    if figures.failures or figures.missing_pos:
        raise typer.Exit(1)
