"""``acorn sandbox serve``: the simulated Vendor Central as a long-running local server.

Prints one line when it is ready (``acorn sandbox listening on http://HOST:PORT ...``) and
serves until Ctrl-C / SIGTERM. Credentials default to ``DEFAULT_CREDENTIALS``; the secret and
refresh token given here are never printed. ``--clock realtime --start now`` makes a sandbox
whose business day is today's, moving on its own like Amazon's.
"""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from enum import Enum

import typer

from acorn.sandbox.clock import parse_clock_mode
from acorn.sandbox.config import DEFAULT_CREDENTIALS, DEMO_SEED, SandboxConfig
from acorn.sandbox.timefmt import parse_iso
from acorn.sandbox_defaults import SANDBOX_HOST, SANDBOX_PORT

app = typer.Typer(no_args_is_help=True, add_completion=False, help="The simulated Vendor Central (SP-API sandbox).")


class PaymentBasis(str, Enum):
    invoice = "invoice"
    receipt = "receipt"


class Processing(str, Enum):
    instant = "instant"
    realistic = "realistic"
    documented = "documented"


@app.callback()
def _sandbox() -> None:
    """The simulated Vendor Central (SP-API sandbox)."""


def _clock_mode(value: str) -> str:
    try:
        return parse_clock_mode(value).name
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _start(value: str | None) -> datetime | None:
    """``now`` (the wall clock, whole seconds), an ISO-8601 moment (no offset: UTC), or None (the seed's start)."""
    if value is None:
        return None
    if value.strip().lower() == "now":
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return parse_iso(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is neither an ISO-8601 date-time (e.g. 2026-03-02T14:00:00Z) "
                                 f"nor 'now'") from None


def _checked_start(value: str | None) -> str | None:
    _start(value)  # refuse a bad --start before anything starts; 'now' is read when the server starts
    return value


@app.command()
def serve(
    host: str = typer.Option(SANDBOX_HOST, help="Interface to listen on (keep it on loopback)."),
    port: int = typer.Option(SANDBOX_PORT, min=0, max=65535, help="TCP port; 0 picks a free one."),
    seed: int = typer.Option(DEMO_SEED, help="Same seed, same orders, same outcomes; the default matches the "
                                          "demo ERP files in acorn/demo_data/."),
    rate_scale: float = typer.Option(1.0, min=0.000001, help="Multiplies every published rate and burst."),
    shortage_rate: float = typer.Option(0.02, min=0, max=1, help="Fraction of shipped units never found."),
    damage_rate: float = typer.Option(0.01, min=0, max=1, help="Fraction of shipped units refused damaged."),
    pos_per_day: int = typer.Option(6, min=0, help="Purchase orders per vendor account per simulated day."),
    history_days: int = typer.Option(3, min=0, max=180, help="Days of orders that exist before the start."),
    client_id: str = typer.Option(DEFAULT_CREDENTIALS["client_id"], help="LWA client id the sandbox accepts."),
    client_secret: str = typer.Option(DEFAULT_CREDENTIALS["client_secret"], show_default=False,
                                      help="LWA client secret the sandbox accepts."),
    refresh_token: str = typer.Option(DEFAULT_CREDENTIALS["refresh_token"], show_default=False,
                                      help="LWA refresh token the sandbox accepts."),
    clock: str = typer.Option("manual", callback=_clock_mode, metavar="manual|realtime|speed=N",
                              help="How simulated time moves: only when an operator moves it (manual), with the "
                                   "wall clock (realtime) or N simulated seconds per real second (speed=N)."),
    start: str | None = typer.Option(None, callback=_checked_start, metavar="ISO-8601|now", show_default=False,
                                     help="Where simulated time begins (default: 2026-03-02T14:00:00Z + seed % 7 "
                                          "days; 'now' = the wall clock)."),
    payment_basis: PaymentBasis = typer.Option(PaymentBasis.invoice, case_sensitive=False,
                                               help="Invoices are due netDueDays after the invoice date (invoice) "
                                                    "or after their goods were last received (receipt)."),
    shortage_reversal_rate: float = typer.Option(0.3, min=0, max=1,
                                                 help="Chance that Amazon later finds units it deducted as short."),
    reversal_days: int = typer.Option(21, min=1, max=365, help="Days from a payment to its shortage reversal."),
    processing: Processing = typer.Option(Processing.instant, case_sensitive=False,
                                          help="How long getTransaction answers Processing: instant (one poll), "
                                               "realistic (seconds to minutes, a few for hours) or documented "
                                               "(acknowledgements and invoices never reach Success, as Amazon "
                                               "documents)."),
) -> None:
    """Serve SP-API Retail Procurement, LWA and /_sandbox/ operator endpoints until interrupted."""
    config = SandboxConfig(
        seed=seed, rate_scale=rate_scale, shortage_rate=shortage_rate, damage_rate=damage_rate, pos_per_day=pos_per_day,
        history_days=history_days, client_id=client_id, client_secret=client_secret, refresh_token=refresh_token,
        clock=clock, clock_start=_start(start), payment_basis=payment_basis.value, processing=processing.value,
        shortage_reversal_rate=shortage_reversal_rate, reversal_days=reversal_days)
    _serve_until_interrupted(config, host=host, port=port)


def _serve_until_interrupted(config: SandboxConfig, *, host: str, port: int) -> None:
    """Start the server, say where it listens, and stop it cleanly on Ctrl-C or SIGTERM."""
    from acorn.sandbox.server import SandboxServer, SandboxStartError
    from acorn.sandbox.timefmt import iso

    server = SandboxServer(config, host=host, port=port)
    try:
        server.start()
    except SandboxStartError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"acorn sandbox listening on {server.base_url} (seed {config.seed}, clock {iso(server.state.now())}, "
               f"{server.state.clock_mode})", color=False)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        typer.echo("acorn sandbox stopped")

if __name__ == "__main__":
    app()
