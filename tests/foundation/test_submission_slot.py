"""The account's submission slot on a real Prefect server: queued behind a live holder, freed from a lost one.

A lost holder is what `acorn bench` met: a slot held "1 of 1" after every run had ended, and the
next run waiting forever. A server restart makes one for sure (its lease storage is in memory),
so the first test restarts a real server under a held slot.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest

from acorn import prefect_env
from acorn.submission_slot import (
    LEASE_S,
    Holder,
    SubmissionSlotBusy,
    _now,
    _write_heartbeat,
    heartbeat_name,
    limit_name,
    submission_slot,
)
from acorn.testing.prefect_server import prefect_server

pytestmark = pytest.mark.timeout(300)


@contextmanager
def _on(api: str) -> Iterator[None]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}), mock.patch.dict(os.environ, {"PREFECT_API_URL": api}):
        yield


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    prefect_env.configure()
    with prefect_server(tmp_path_factory.mktemp("prefect")) as api, _on(api):
        yield api


def _client():
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def _active_slots(account: str) -> int:
    with _client() as client:
        return client.read_global_concurrency_limit_by_name(limit_name(account)).active_slots


def _take_and_vanish(account: str, *, heartbeat: bool) -> None:
    """What a run killed while holding the slot leaves: a lease nobody renews (and maybe its last heartbeat)."""
    from acorn.prefect_limits import ensure_limit

    ensure_limit(limit_name(account))
    with _client() as client:
        client.increment_concurrency_slots_with_lease(names=[limit_name(account)], slots=1, mode="concurrency",
                                                      lease_duration=LEASE_S)
        if heartbeat:
            _write_heartbeat(client, account, Holder(who="flow run killed-worker", since=_now(), renewed=_now()))


def _in_thread(target, *args) -> threading.Thread:
    # the thread sees this test's Prefect settings, as a run's threads see its worker's
    thread = threading.Thread(target=contextvars.copy_context().run, args=(target, *args), daemon=True)
    thread.start()
    return thread


def test_a_slot_left_full_by_a_server_restart_is_freed_and_taken(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    prefect_env.configure()
    home = tmp_path / "prefect"
    with prefect_server(home) as api, _on(api):
        _take_and_vanish("RESTART", heartbeat=True)
        assert _active_slots("RESTART") == 1
    with prefect_server(home) as api, _on(api):  # same database, lease storage empty
        assert _active_slots("RESTART") == 1  # nothing on the server will ever free it
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="acorn.submission_slot"), \
                submission_slot("RESTART", wait_s=60, stale_after_s=5):
            took = time.monotonic() - started
            assert _active_slots("RESTART") == 1  # now this run's
        assert _active_slots("RESTART") == 0
    # the lost holder's heartbeat was older than 5 s when the server came back: freed without waiting it out
    assert took < 30
    assert "freeing the slot of flow run killed-worker" in caplog.text


def test_a_holder_that_never_announced_itself_is_freed_after_the_stale_time(
        prefect_api: str, caplog: pytest.LogCaptureFixture) -> None:
    _take_and_vanish("SILENT", heartbeat=False)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="acorn.submission_slot"), \
            submission_slot("SILENT", wait_s=60, stale_after_s=2):
        waited = time.monotonic() - started
    assert 2 <= waited < 30
    assert "never announced itself" in caplog.text
    assert _active_slots("SILENT") == 0


def test_a_live_holder_is_waited_for_then_named_and_never_robbed(prefect_api: str,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with submission_slot("BUSY", wait_s=10, beat_s=0.5):
            inside.set()
            leave.wait(60)

    holder = _in_thread(hold)
    assert inside.wait(30)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="acorn.submission_slot"), pytest.raises(SubmissionSlotBusy) as busy, \
            submission_slot("BUSY", wait_s=3, stale_after_s=2):
        pytest.fail("took a slot a live run holds")
    # the waiting run's log said, once, whom it waits for
    assert sum("waiting up to" in r.getMessage() for r in caplog.records) == 1
    assert "acorn-submit-BUSY: held by process" in caplog.text and "waiting up to 0.05 min" in caplog.text
    # it waited its 3 s, longer than the stale time: the heartbeat, renewed every 0.5 s, kept the holder
    assert time.monotonic() - started >= 3
    said = str(busy.value)
    assert "acorn-submit-BUSY: held by process" in said and "prefect gcl update acorn-submit-BUSY" in said
    assert _active_slots("BUSY") == 1
    leave.set()
    holder.join(30)
    assert _active_slots("BUSY") == 0
    with _client() as client:  # the holder took its heartbeat with it
        assert client.read_variable_by_name(heartbeat_name("BUSY")) is None


def test_runs_queue_behind_each_other_one_at_a_time(prefect_api: str) -> None:
    spans: dict[str, tuple[float, float]] = {}
    first_inside = threading.Event()

    def run(name: str, seconds: float) -> None:
        with submission_slot("QUEUE", wait_s=60, beat_s=0.5):
            began = time.monotonic()
            first_inside.set()
            time.sleep(seconds)
            spans[name] = (began, time.monotonic())

    first = _in_thread(run, "first", 2.0)
    assert first_inside.wait(30)
    second = _in_thread(run, "second", 0.1)
    for t in (first, second):
        t.join(60)
    assert set(spans) == {"first", "second"}
    assert spans["second"][0] >= spans["first"][1]  # the second began only once the first had ended
    assert _active_slots("QUEUE") == 0


def test_a_heartbeat_is_read_back_as_written() -> None:
    me = Holder(who="flow run daily-x", since=_now() - timedelta(minutes=3), renewed=_now())
    assert Holder.from_value(me.as_value()) == me
    assert Holder.from_value({"who": "x"}) is None and Holder.from_value("junk") is None
