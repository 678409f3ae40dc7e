"""Fixtures for lifecycle tests; the world itself lives in lifecycle_world.py."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from acorn import prefect_env
from acorn.testing.prefect_server import forget_server_state
from lifecycle_world import world  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def prefect_server() -> Iterator[None]:
    """Prefect's test harness (an ephemeral server, no scheduler) for real flow runs in this process."""
    prefect_env.configure()
    # for this harness only: a test module started later (`acorn bench` in a subprocess) must not
    # inherit a server that records no task runs
    recorder = "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED"
    before = os.environ.get(recorder)
    os.environ.setdefault(recorder, "false")
    from prefect.testing.utilities import prefect_test_harness

    try:
        with prefect_test_harness(server_startup_timeout=180), prefect_env.without_heartbeats():
            yield
    finally:
        forget_server_state()
        if before is None:
            os.environ.pop(recorder, None)
