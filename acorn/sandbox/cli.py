"""``acorn sandbox serve``: the simulated Vendor Central as a long-running local server.

Prints one line when it is ready (``acorn sandbox listening on http://HOST:PORT ...``) and
serves until Ctrl-C / SIGTERM. Credentials default to ``DEFAULT_CREDENTIALS``; the secret and
refresh token given here are never printed.
"""

from __future__ import annotations

import signal
import threading

import typer

from acorn.sandbox.config import DEFAULT_CREDENTIALS, SandboxConfig

app = typer.Typer(no_args_is_help=True, add_completion=False, help="The simulated Vendor Central (SP-API sandbox).")


@app.callback()
def _sandbox() -> None:
    """The simulated Vendor Central (SP-API sandbox)."""


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (keep it on loopback)."),
    port: int = typer.Option(8000, min=0, max=65535, help="TCP port; 0 picks a free one."),
    seed: int = typer.Option(7, help="Same seed, same orders, same outcomes."),
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
) -> None:
    """Serve SP-API Retail Procurement, LWA and /_sandbox/ operator endpoints until interrupted."""
    from acorn.sandbox.server import SandboxServer, SandboxStartError
    from acorn.sandbox.timefmt import iso

    config = SandboxConfig(seed=seed, rate_scale=rate_scale, shortage_rate=shortage_rate, damage_rate=damage_rate,
                           pos_per_day=pos_per_day, history_days=history_days, client_id=client_id,
                           client_secret=client_secret, refresh_token=refresh_token)
    server = SandboxServer(config, host=host, port=port)
    try:
        server.start()
    except SandboxStartError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    typer.echo(f"acorn sandbox listening on {server.base_url} (seed {seed}, clock {iso(server.state.now())})",
               color=False)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        typer.echo("acorn sandbox stopped")


if __name__ == "__main__":
    app()
