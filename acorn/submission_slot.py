"""One submitting run per account at a time, across workers, and never blocked for good by a lost holder.

The slot is a Prefect global concurrency limit, ``acorn-submit-<ACCOUNT>`` (limit 1), taken under
a 60-s lease: the daily run, the ASN safety net and a manual rerun queue behind each other
instead of racing for the same documents (the outbox's leases and compare-and-set keep each
document safe without it; the slot keeps the runs orderly).

Prefect frees a slot whose holder stopped renewing its lease only when the server's repossessor
runs and still remembers the lease. A temporary server (the demo, `acorn bench`) runs no
repossessor, and a server's default lease storage is in memory, lost when it restarts. Either
way the limit stays full with nobody holding it, and every later run for the account would wait
forever: `acorn bench` met it (a third daily run in one process waited on a slot held "1 of 1"
after the runs before it had completed).

So the holder also keeps a heartbeat beside the limit, a Prefect variable
(``acorn-submit-<account>``: who holds the slot, since when, last renewed), written each time it
renews its lease. A run that finds the slot full reads it:

- a heartbeat older than ``stale_after_s``, or none after waiting that long: the holder is gone;
  the slot is freed with a warning naming the lost holder, and taken;
- a live heartbeat: the run waits, up to ``wait_s``, then fails with :class:`SubmissionSlotBusy`
  naming the holder (the failed run reaches ops through the ``acorn-run-failed`` automation; its
  documents wait in the outbox for the next run).
"""

from __future__ import annotations

import contextvars
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from acorn.prefect_limits import ensure_limit, forget_limit

LEASE_S = 60.0  # the shortest lease Prefect allows: a holder that dies holds the slot a minute (with a repossessor)
BEAT_S = 20.0  # the holder renews its lease and its heartbeat this often
STALE_AFTER_S = 180.0  # three missed beats: the holder is gone
POLL_S = 5.0  # a waiting run asks again at most this long after the last refusal

log = logging.getLogger(__name__)


class SubmissionSlotBusy(RuntimeError):
    """Another run held the account's slot, alive, for longer than this run would wait."""


def limit_name(account: str) -> str:
    return f"acorn-submit-{account}"


def heartbeat_name(account: str) -> str:
    return f"acorn-submit-{account.lower()}"  # Prefect variable names are lower case


@dataclass(frozen=True)
class Holder:
    """Who holds a slot, as its heartbeat says."""

    who: str
    since: datetime
    renewed: datetime

    @classmethod
    def from_value(cls, value: Any) -> Holder | None:
        try:
            return cls(who=str(value["who"]), since=datetime.fromisoformat(value["since"]),
                       renewed=datetime.fromisoformat(value["renewed"]))
        except (TypeError, KeyError, ValueError):
            return None  # not a heartbeat of ours: treated as none

    def as_value(self) -> dict[str, str]:
        return {"who": self.who, "since": self.since.isoformat(), "renewed": self.renewed.isoformat()}

    def describe(self) -> str:
        return f"{self.who} (holding since {self.since:%Y-%m-%d %H:%M:%S}Z, last seen {self.renewed:%H:%M:%S}Z)"


@contextmanager
def submission_slot(account: str, *, wait_s: float, stale_after_s: float = STALE_AFTER_S,
                    beat_s: float = BEAT_S) -> Iterator[None]:
    """Hold ``account``'s slot for the block: wait for a live holder up to ``wait_s``, free a lost one."""
    from prefect.client.orchestration import get_client

    name = limit_name(account)
    ensure_limit(name)
    me = Holder(who=_who_am_i(), since=_now(), renewed=_now())
    with get_client(sync_client=True) as client:
        lease_id = _take(client, account, me, wait_s=wait_s, stale_after_s=stale_after_s)
        beating = _Heartbeat(account, lease_id, me, every_s=beat_s)
        beating.start()
        try:
            yield
        finally:
            beating.stop()
            _release(client, account, lease_id)


def _take(client: Any, account: str, me: Holder, *, wait_s: float, stale_after_s: float) -> UUID:
    """The slot's lease id, once taken; frees a lost holder's slot; SubmissionSlotBusy after ``wait_s``."""
    name, started, refusals = limit_name(account), time.monotonic(), 0
    while True:
        taken, retry_after = _try_take(client, name)
        if taken is not None:
            _write_heartbeat(client, account, me)
            return taken
        waited, holder = time.monotonic() - started, _read_heartbeat(client, account)
        if _is_lost(holder, waited_s=waited, stale_after_s=stale_after_s):
            _free(client, account, holder, silent_s=stale_after_s)
            continue
        if waited >= wait_s:
            who = holder.describe() if holder else "a run that has not announced itself yet"
            raise SubmissionSlotBusy(
                f"{name}: held by {who}; waited {waited:.0f} s, ACORN_SUBMISSION_SLOT_WAIT_MINUTES allows "
                f"{wait_s / 60:g} min. This run's documents stay queued for the next run. If no run is "
                f"submitting for {account}, free the slot: prefect gcl update {name} --active-slots 0")
        if not refusals:  # once: the run's log says why it is not moving
            log.info("%s: held by %s; waiting up to %g min", name,
                     holder.describe() if holder else "a run that has just taken it", wait_s / 60)
        refusals += 1
        time.sleep(min(retry_after or POLL_S, POLL_S, 0.25 * 2 ** refusals, max(wait_s - waited, 0.05))
                   + random.random() * 0.1)


def _try_take(client: Any, name: str) -> tuple[UUID | None, float | None]:
    """(lease id, None) when taken; (None, the server's Retry-After) when the slot is full."""
    import httpx
    from prefect.client.schemas.responses import ConcurrencyLimitWithLeaseResponse

    try:
        response = client.increment_concurrency_slots_with_lease(
            names=[name], slots=1, mode="concurrency", lease_duration=LEASE_S)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code != 423:
            raise
        retry_after = exc.response.headers.get("Retry-After")
        return None, float(retry_after) if retry_after else None
    granted = ConcurrencyLimitWithLeaseResponse.model_validate(response.json())
    if not granted.limits:  # the limit was deleted on the server since this process created it
        forget_limit(name)
        ensure_limit(name)
        client.release_concurrency_slots_with_lease(granted.lease_id)
        return None, 0.0
    return granted.lease_id, None


def _is_lost(holder: Holder | None, *, waited_s: float, stale_after_s: float) -> bool:
    if holder is None:  # a holder writes its heartbeat as soon as it has the slot
        return waited_s >= stale_after_s
    return (_now() - holder.renewed).total_seconds() > stale_after_s


def _free(client: Any, account: str, holder: Holder | None, *, silent_s: float) -> None:
    """Empty a slot whose holder is gone (its lease is lost with it: nothing else would free it)."""
    from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate

    name = limit_name(account)
    lost = holder.describe() if holder else "a run that never announced itself (its lease was lost)"
    log.warning("%s: freeing the slot of %s, silent for over %.0f s", name, lost, silent_s)
    client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(active_slots=0))
    _delete_heartbeat(client, account)


def _release(client: Any, account: str, lease_id: UUID) -> None:
    """Give the slot back; when the server no longer knows the lease (restarted), take the slot off by hand."""
    import httpx

    _delete_heartbeat(client, account)
    try:
        client.release_concurrency_slots_with_lease(lease_id)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code != 404:
            raise
        client.release_concurrency_slots(names=[limit_name(account)], slots=1, occupancy_seconds=0.0)


class _Heartbeat:
    """A thread that renews the slot's lease and the holder's heartbeat every ``every_s`` seconds."""

    def __init__(self, account: str, lease_id: UUID, me: Holder, *, every_s: float) -> None:
        self.account, self.lease_id, self.me, self.every_s = account, lease_id, me, every_s
        self._stop = threading.Event()
        # the thread sees this run's Prefect settings (the server it talks to), as the run does
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._run,), daemon=True,
                                        name=f"acorn-slot-{account}")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            while not self._stop.wait(self.every_s):
                try:
                    client.renew_concurrency_lease(self.lease_id, LEASE_S)
                    _write_heartbeat(client, self.account, self.me)
                except Exception as exc:  # noqa: BLE001 - a missed beat is retried; waiters allow three
                    log.warning("%s: heartbeat not renewed (%s: %s)", limit_name(self.account),
                                type(exc).__name__, exc)


def _read_heartbeat(client: Any, account: str) -> Holder | None:
    variable = client.read_variable_by_name(heartbeat_name(account))
    return Holder.from_value(variable.value) if variable else None


def _write_heartbeat(client: Any, account: str, me: Holder) -> None:
    import httpx
    from prefect.client.schemas.actions import VariableCreate, VariableUpdate
    from prefect.exceptions import ObjectAlreadyExists

    name, value = heartbeat_name(account), Holder(me.who, me.since, _now()).as_value()
    try:
        client.update_variable(VariableUpdate(name=name, value=value))
    except httpx.HTTPStatusError as exc:  # the sync client's update does not translate a 404
        if exc.response.status_code != 404:
            raise
        try:
            client.create_variable(VariableCreate(name=name, value=value))
        except ObjectAlreadyExists:
            client.update_variable(VariableUpdate(name=name, value=value))


def _delete_heartbeat(client: Any, account: str) -> None:
    from prefect.exceptions import ObjectNotFound

    try:
        client.delete_variable_by_name(heartbeat_name(account))
    except ObjectNotFound:
        pass


def _who_am_i() -> str:
    """The flow run (name and id) when inside one, and the host and process either way."""
    where = f"{socket.gethostname()}:{os.getpid()}"
    try:
        from prefect.runtime import flow_run

        if flow_run.id:
            return f"flow run {flow_run.name} ({flow_run.id}) on {where}"
    except Exception:  # noqa: BLE001 - outside a run the host and process say enough
        pass
    return f"process {where}"


def _now() -> datetime:
    return datetime.now(UTC)

