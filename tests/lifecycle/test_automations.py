"""Ops hear of each problem once: automations applied by `acorn automations apply`, on a real Prefect server.

A real ``prefect server start`` (triggers, actions, scheduler and late-runs services on), the
automations applied twice from deployments/automations.yaml with a loopback webhook as the
target, then four problems made for real: a flow run that fails, ASNs Amazon (the sandbox)
rejects, ASNs sent after their deadline, and a scheduled run nobody picks up. The webhook must
receive exactly one notification for each, the ASN ones naming their shipment and POs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import sqlalchemy as sa

from acorn import prefect_env
from acorn.alert_events import announce_pending
from acorn.store import UnitOfWork
from acorn.testing.prefect_server import free_port, prefect_server
from lifecycle_world import US, World, run_day
from schemas.tables import Alert

CA = "ACRNCA"
SERVER_SETTINGS = {
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS": "1",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "2",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME": "PT0S",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS": "1",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS": "2",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


class Webhook:
    """A loopback receiver that keeps every notification posted to it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    received.append(json.loads(body or b"{}"))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/acorn-ops"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, done: Any, *, timeout_s: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not done(list(self.received)):
            time.sleep(0.5)
        return list(self.received)


@pytest.fixture(scope="module")
def automations_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    prefect_env.configure()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with prefect_server(tmp_path_factory.mktemp("prefect-server"), SERVER_SETTINGS) as api, \
            temporary_settings({PREFECT_API_URL: api}), mock.patch.dict(os.environ, {"PREFECT_API_URL": api}), \
            prefect_env.without_heartbeats():
        yield api


def _apply(api: str, url: str) -> str:
    exe = Path(sys.executable).with_name("acorn")
    env = {**os.environ, "PREFECT_API_URL": api}
    out = subprocess.run([str(exe), "automations", "apply", "--notify", url], capture_output=True, text=True,
                         timeout=180, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def _leaving(world: World, account: str, truck: datetime) -> dict[str, list[str]]:
    """Shipments of ``account`` on the truck at ``truck``, with the POs each carries."""
    with UnitOfWork(world.db) as uow:
        ids = [s.shipment_identifier for s in uow.shipments.list(account) if s.departure <= truck]
        return uow.shipments.po_numbers(ids)


def _truck(world: World, account: str, shipments: dict[str, list[str]]) -> tuple[datetime, datetime]:
    with UnitOfWork(world.db) as uow:
        rows = uow.shipments.by_identifiers(shipments)
    return min(s.departure for s in rows), min(s.asn_deadline for s in rows)


@pytest.mark.flows
@pytest.mark.parametrize("world", [{}], indirect=True)
def test_each_problem_reaches_ops_once(automations_server: str, world: World) -> None:
    from prefect.client.orchestration import get_client
    from prefect.states import Scheduled

    from flows.submit_asns import submit_asns

    hook = Webhook()
    first = _apply(automations_server, hook.url)
    again = _apply(automations_server, hook.url)
    assert "created" in first and "created" not in again and "updated" in again
    with get_client(sync_client=True) as client:
        names = [a.name for a in client.read_automations()]
    assert len(names) == len(set(names)) >= 8, names

    # the first day plans each account's shipments for the next truck
    day1, day2 = world.run_times(2)
    run_day(world, day1, US)
    run_day(world, day1, CA)
    rejected = _leaving(world, US, day2)
    late = _leaving(world, CA, day2)
    assert rejected and late, "the seed planned no shipment for one of the accounts"

    # US: Acorn sends the ASNs five minutes after the truck left by its clock, but Amazon's clock says
    # the truck has not left yet: every ASN is refused ShippedDateInFuture
    departure, _ = _truck(world, US, rejected)
    world.set_clock(departure - timedelta(hours=1))
    submit_asns(account=US, as_of=departure + timedelta(minutes=5))
    # CA: nobody sent them until a minute after the deadline: accepted, and late by Amazon's ledger too
    _, deadline = _truck(world, CA, late)
    world.set_clock(deadline + timedelta(minutes=1))
    submit_asns(account=CA, as_of=deadline + timedelta(minutes=1))
    ledger = {e["id"]: e for e in world.ledger()["shipmentConfirmations"]}
    assert all(ledger[s]["late"] for s in late), "Amazon's ledger must judge the CA ASNs late"

    # a run that fails: an account nobody configured
    failed = submit_asns(account="NOPE", as_of=day1, return_state=True)
    assert failed.is_failed()

    # a schedule nobody serves: its run goes Late. The scheduler creates runs hours ahead; a run whose
    # Scheduled state is under 5 minutes old makes Prefect hold the Late event for 15 minutes (causal
    # ordering), so the run is created as the scheduler would have, ten minutes ago.
    with get_client(sync_client=True) as client:
        deployment = client.create_deployment(flow_id=client.create_flow_from_name("submit_asns"),
                                              name="asn-safety-net-unserved", parameters={"account": US})
        now = datetime.now(UTC)
        client.create_flow_run_from_deployment(
            deployment, state=Scheduled(scheduled_time=now, timestamp=now - timedelta(minutes=10)))

    def about(notes: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
        return [n for n in notes if text in n["subject"]]

    def complete(notes: list[dict[str, Any]]) -> bool:
        return (all(about(notes, f"acorn.asn.rejected: shipment {s}") for s in rejected)
                and all(about(notes, f"acorn.asn.late: shipment {s}") for s in late)
                and bool(about(notes, "Failed")) and bool(about(notes, "is late")))

    notes = hook.wait_for(complete, timeout_s=120)
    time.sleep(8)  # anything sent twice would arrive by now
    notes = list(hook.received)
    assert complete(notes), "\n".join(n["subject"] for n in notes)
    for shipment, pos in {**rejected, **late}.items():
        (note,) = about(notes, f"shipment {shipment}")
        assert f"Shipment: {shipment}" in note["body"] and all(po in note["body"] for po in pos), note
    (run_failed,) = about(notes, "Failed")
    assert "NOPE" in run_failed["subject"]
    (missed,) = about(notes, "is late")
    assert "submit_asns" in missed["body"] and "asn-safety-net-unserved" in missed["body"]
    # nothing about these shipments came through another automation
    asn_notes = about(notes, "acorn.asn.")
    assert len(asn_notes) == len(rejected) + len(late)
    others = [n for n in notes if n not in asn_notes and n not in (run_failed, missed)]
    assert not [n for n in others if any(s in n["body"] for s in {**rejected, **late})], others

    # a worker killed after Prefect took the events but before the store marked them sends them again:
    # the same event ids, which Prefect recognises, so ops are not told twice
    with UnitOfWork(world.db) as uow:
        uow.alerts.session.execute(sa.update(Alert).where(Alert.shipment_identifier.in_(list(rejected)))
                            .values(announced_at=None))
        uow.commit()
    assert announce_pending(world.db) >= len(rejected)
    time.sleep(8)
    assert len(hook.received) == len(notes), [n["subject"] for n in hook.received[len(notes):]]
