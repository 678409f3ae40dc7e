"""Prefect settings for running flows in-process (demo, tests, ad-hoc `acorn run`).

Measured on 2-core machines (see STACK-NOTES): the ephemeral server needs more than the
default 20 s to start on a fresh home, the heartbeat thread costs ~1 s per flow run, and
the task-run recorder falls behind unless it batches. These defaults remove that noise;
anything already set in the environment wins. Must run before Prefect is imported.
"""

from __future__ import annotations

import contextvars
import os
import tomllib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL": "1",
    # the services' own warnings (late ASN, shortage, rejection) go to the run's logs in the UI too
    "PREFECT_LOGGING_EXTRA_LOGGERS": "acorn",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",  # outside a run (erp-load) they only print
}


def configure(home: Path | None = None, *, quiet: bool = False) -> None:
    """Set in-process Prefect defaults; ``home`` keeps its database between runs (faster start)."""
    if os.environ.get("PREFECT_API_URL") == "":
        del os.environ["PREFECT_API_URL"]  # an empty API URL breaks Prefect: unset it
    if home is not None and "PREFECT_HOME" not in os.environ:
        # a server the user configured in their Prefect profile is kept: the runs show up there, and no
        # temporary server is started (the profile lives in the home that is about to change)
        configured = profile_api_url()
        if configured and not os.environ.get("PREFECT_API_URL"):
            os.environ["PREFECT_API_URL"] = configured
        home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home.resolve())
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        # the terminal shows errors only; warnings (a shortage, a late acknowledgement) stay in the runs'
        # logs in the UI and in `acorn alerts`, instead of hundreds of lines beside the progress bars
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "ERROR")


def without_heartbeats():
    """Context manager: no heartbeat thread per flow run (~1 s saved per run)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def profile_api_url() -> str | None:
    """``PREFECT_API_URL`` of the active Prefect profile (``prefect config set PREFECT_API_URL=...``), read
    from the profiles file without importing Prefect (whose settings freeze at import)."""
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    url = profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return str(url) if url else None


def connect_in_background() -> Future[str]:
    """Reach Prefect now, in a thread: the configured server, or the temporary one its first client call
    starts (15–40 s, mostly its own process's migrations), so that start overlaps the caller's other
    work. The future's result says which; its exception says why Prefect cannot be reached."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acorn-prefect-start")
    future = pool.submit(contextvars.copy_context().run, _connect)  # Prefect's settings live in contextvars
    pool.shutdown(wait=False)
    return future


def _connect() -> str:
    from prefect.client.orchestration import get_client

    url = os.environ.get("PREFECT_API_URL")
    try:
        with get_client(sync_client=True) as client:
            client.hello()
    except Exception as exc:
        if not url:
            raise
        raise ConnectionError(f"the Prefect server at {url} does not answer ({type(exc).__name__}); start it, "
                              "or unset PREFECT_API_URL (environment or `prefect config unset PREFECT_API_URL`) "
                              "to run on a temporary server") from exc
    return f"the Prefect server at {url}" if url else "a temporary Prefect server"
