"""The ASN safety net as a scheduled Prefect deployment against a sandbox on the wall clock.

Prefect's schedules run on the wall clock. Against a sandbox whose clock stands still, a
scheduled run sent ASNs of trucks that had not left in *sandbox* time and Amazon (the sandbox)
refused them ``ShippedDateInFuture``. Here the sandbox runs ``clock="realtime"`` from the wall
clock's now, the safety net is served as a deployment on an interval schedule, and the sandbox's
ledger must show exactly the shipments whose truck had left when the run looked: accepted once,
never before their ``shippedDate``, none refused.

The scheduled runs come from a real Prefect server with its scheduler service on: the test
harness's server (``prefect_test_harness``) is "ephemeral" and never runs the scheduler, and a
Runner only polls for runs the scheduler has created.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from uuid import UUID

import pytest
import yaml

from acorn import prefect_env
from acorn.testing.prefect_server import prefect_server
from lifecycle_world import World

REPO = Path(__file__).resolve().parents[2]
SAFETY_NET = "asn-safety-net"
INTERVAL = timedelta(seconds=5)
SOON = timedelta(seconds=15)  # one truck leaves while the deployment is being served
DEADLINE_S = 90.0

#: A scheduler that keeps one future run per schedule and looks every second or two (defaults:
#: 100 runs up to 100 days ahead, every 60 s); late-run marking off so a run's history is the
#: scheduler's Scheduled, then the runner's Pending, Running, Completed.
SCHEDULER_LOOP_S = 2
SERVER_SETTINGS = {
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": str(SCHEDULER_LOOP_S),
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS": "1",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "3",
    "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME": "PT0S",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


@pytest.fixture(scope="module")
def scheduling_prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``prefect server start`` (scheduler on) on a free loopback port, with its own home; yields the API URL."""
    prefect_env.configure()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with prefect_server(tmp_path_factory.mktemp("prefect-server"), SERVER_SETTINGS) as api, \
            temporary_settings({PREFECT_API_URL: api}), mock.patch.dict(os.environ, {"PREFECT_API_URL": api}), \
            prefect_env.without_heartbeats():
        yield api


@pytest.mark.flows
@pytest.mark.parametrize("world", [{"clock": "realtime", "clock_start": "now"}], indirect=True)
def test_a_scheduled_safety_net_submits_only_the_asns_whose_truck_has_left(scheduling_prefect_server: str,
                                                                           world: World) -> None:
    from flows.submit_asns import submit_asns
    from lifecycle_world import services_day

    drift = abs((world.clock() - datetime.now(UTC)).total_seconds())
    assert drift < 2, f"a realtime sandbox started now should read the wall clock, {drift:.1f} s apart"

    # the day up to planning, on the wall clock: the trucks are the dock's next ones
    now = datetime.now(UTC)
    day = services_day(world.settings, world.client, now)
    assert not day["asns"].queued, "nothing had left yet, so nothing may be queued"
    planned = sorted(day["plan"].shipments)
    assert len(planned) >= 3, f"the seed's orders gave {len(planned)} shipments; the scenario needs 3"

    # the dock's truck times, set where the test needs them (the planner's next truck may be minutes
    # or a day away, depending on when the test runs): some left inside Amazon's 30 minutes, one
    # leaves while the deployment is served, the others later today or tomorrow
    now = _whole_second(datetime.now(UTC))
    n_left = max(1, min(2, len(planned) - 2))
    left = {sid: now - timedelta(minutes=20 - 15 * i) for i, sid in enumerate(planned[:n_left])}
    soon_id = planned[-1]
    soon = now + SOON
    not_yet = {sid: now + (timedelta(hours=3) if i % 2 == 0 else timedelta(days=1))
               for i, sid in enumerate(planned[n_left:-1])}
    _set_departures(world, {**left, soon_id: soon, **not_yet})

    deployment = _safety_net_deployment()
    with ServedDeployment(submit_asns, _acorn_env(world), name=SAFETY_NET, interval=INTERVAL,
                          parameters=deployment["parameters"],
                          concurrency_limit=deployment["concurrency_limit"]) as served:
        served.wait_for(lambda rs, ledger: (any(r.state_name == "Completed" for r in rs)
                                            and any(e["id"] == soon_id for e in ledger)),
                        world.ledger, timeout_s=DEADLINE_S)
        runs = served.settle(timeout_s=30)
        # read before the runner stops: its shutdown force-cancels every run whose process it still
        # tracks, and under load that can be one that has just completed
        histories = {r.id: [s.name for s in served.states(r.id)] for r in runs}
    ledger = world.ledger()

    # the sandbox's view: exactly the trucks that had left, each accepted once and on time
    asns = {e["id"]: e for e in ledger["shipmentConfirmations"]}
    assert set(asns) == {*left, soon_id}, f"sent {sorted(asns)}; left {sorted(left)}, then {soon_id}"
    for sid, departure in {**left, soon_id: soon}.items():
        entry = asns[sid]
        assert (entry["status"], entry["submissions"], entry["accepted"]) == ("Accepted", 1, 1), entry
        assert entry["lastErrorCodes"] == [] and entry["late"] is False, entry
        assert _parse(entry["shippedDate"]) == departure, entry
        assert _parse(entry["lastSubmittedAt"]) >= departure, f"{sid} was sent before its truck left: {entry}"
    refused = [(kind, e["id"], e["lastErrorCodes"]) for kind, entries in ledger.items() for e in entries
               if "ShippedDateInFuture" in (e.get("lastErrorCodes") or [])]
    assert not refused
    assert world.clock() >= soon, "the sandbox clock followed the wall clock past the last departure"

    # Prefect's view: the runs were the schedule's, and one (at least) ran to completion
    completed = [r for r in runs if r.state_name == "Completed"]
    assert completed, [(r.name, r.state_name) for r in runs]
    assert all(r.auto_scheduled and r.created_by is not None and r.created_by.type == "SCHEDULE"
               and "auto-scheduled" in r.tags and r.parameters == {} for r in runs)  # every account
    for run in completed:
        # not before its slot (Prefect rounds the wait to whole seconds: up to half a second early)
        assert run.start_time >= run.expected_start_time - timedelta(seconds=1), run
        history = histories[run.id]
        assert history[0] == "Scheduled" and history[-1] == "Completed" and "Running" in history, history
    assert len({r.expected_start_time for r in runs}) == len(runs), "one run per scheduled slot"


class ServedDeployment:
    """``flow`` served as a scheduled deployment by a Prefect Runner on a thread of its own.

    What ``serve(flow.to_deployment(...))`` does in a process of its own: the Runner registers
    the deployment (the server's scheduler then creates its runs) and starts each due run as
    ``python -m prefect.engine``, which imports the flow by its module path as a worker does.
    Not ``flow.serve()`` / ``Runner.add_flow``: those hand the subprocess a cloudpickled copy of
    the function whose globals lack names used only in annotations, and with ``from __future__
    import annotations`` Prefect then cannot build the parameter model (``datetime`` undefined).
    The run builds Acorn's runtime from ``ACORN_*`` in the environment, as a worker's would.
    """

    def __init__(self, flow: Any, env: dict[str, str], **deployment: Any) -> None:
        from prefect.runner import Runner

        self.flow, self.env, self.deployment = flow, env, deployment
        self.runner = Runner(name=f"{deployment['name']}-test", query_seconds=1, pause_on_shutdown=True)
        self.deployment_id: UUID | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._registered = threading.Event()
        self._error: BaseException | None = None
        self._env_patch = mock.patch.dict(os.environ, env)

    def __enter__(self) -> ServedDeployment:
        self._env_patch.start()
        context = contextvars.copy_context()  # the Prefect settings (API URL) of this thread
        self._thread = threading.Thread(target=context.run, args=(self._serve,), name="prefect-runner", daemon=True)
        self._thread.start()
        if not self._registered.wait(60) or self._error is not None:
            self.__exit__(None, None, None)
            raise RuntimeError(f"the runner did not register the deployment: {self._error!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            deadline = time.monotonic() + 30
            while self._thread.is_alive() and not self.runner.started and time.monotonic() < deadline:
                time.sleep(0.1)
            if self._loop is not None and self.runner.started:
                asyncio.run_coroutine_threadsafe(self.runner.astop(), self._loop).result(timeout=30)
            self._thread.join(timeout=30)
        finally:
            self._env_patch.stop()

    def _serve(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            try:
                from prefect.types.entrypoint import EntrypointType

                deployment = await self.flow.ato_deployment(entrypoint_type=EntrypointType.MODULE_PATH,
                                                            **self.deployment)
                self.deployment_id = await self.runner.aadd_deployment(deployment)
            except BaseException as exc:
                self._error = exc
                raise
            finally:
                self._registered.set()
            await self.runner.start()

        asyncio.run(main())

    def runs(self) -> list[Any]:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

        with get_client(sync_client=True) as client:
            return client.read_flow_runs(deployment_filter=DeploymentFilter(
                id=DeploymentFilterId(any_=[self.deployment_id])))

    def states(self, flow_run_id: UUID) -> list[Any]:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            return sorted(client.read_flow_run_states(flow_run_id), key=lambda s: s.timestamp)

    def wait_for(self, done: Any, ledger: Any, *, timeout_s: float) -> list[Any]:
        """Poll the runs and the sandbox ledger until ``done(runs, asn_entries)``; fail naming what was seen."""
        deadline = time.monotonic() + timeout_s
        while True:
            runs, asns = self.runs(), ledger()["shipmentConfirmations"]
            if done(runs, asns):
                return runs
            if time.monotonic() > deadline or not self._thread.is_alive():
                pytest.fail(f"after {timeout_s:.0f} s: runs {[(r.name, r.state_name) for r in runs]}, "
                            f"ASNs in the ledger {[e['id'] for e in asns]}")
            time.sleep(0.5)

    def settle(self, *, timeout_s: float) -> list[Any]:
        """Pause the schedule, let what is under way finish, and return the runs, every one of them final.

        A scheduler pass that began before the pause may still add a run; the runner starts it
        (it does not look at the pause), so the wait covers one scheduler loop and that run too.
        """
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.pause_deployment(self.deployment_id)
        paused, deadline = time.monotonic(), time.monotonic() + timeout_s
        while True:
            runs = self.runs()
            unfinished = [(r.name, r.state_name) for r in runs if r.state is None or not r.state.is_final()]
            if not unfinished and time.monotonic() - paused > SCHEDULER_LOOP_S + 1:
                return runs
            if time.monotonic() > deadline:
                pytest.fail(f"runs still unfinished {timeout_s:.0f} s after the schedule was paused: {unfinished}")
            time.sleep(0.5)


def _safety_net_deployment() -> dict[str, Any]:
    """The production safety net's parameters and overlap rule, from prefect.yaml (its 10-minute cron aside)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    deployments = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
    spec = next(d for d in deployments if d["name"] == SAFETY_NET)
    assert spec["entrypoint"] == "flows/submit_asns.py:submit_asns"
    return {"parameters": spec.get("parameters", {}),
            "concurrency_limit": ConcurrencyLimitConfig(**spec["concurrency_limit"])}


def _acorn_env(world: World) -> dict[str, str]:
    """What a worker's environment says, so a flow run's own runtime reaches this world's store and sandbox."""
    s = world.settings
    return {"ACORN_SPAPI_BASE_URL": s.spapi_base_url or "", "ACORN_DATABASE_URL": s.resolved_database_url,
            "ACORN_HOME": str(s.home), "ACORN_TRANSACTION_STUCK_MINUTES": str(s.transaction_stuck_minutes),
            "ACORN_RECEIPT_ALERT_DAYS": str(s.receipt_alert_days)}


def _set_departures(world: World, departures: dict[str, datetime]) -> None:
    """Move planned shipments' trucks (and so their ASN deadlines), as the dock would report them."""
    from acorn.domain.deadlines import AsnDeadlinePolicy, asn_deadline
    from acorn.store import UnitOfWork

    policy = world.settings.asn_policy
    rule = AsnDeadlinePolicy(policy.minutes_after_departure, policy.hours_before_appointment)
    with UnitOfWork(world.db) as uow:
        for sid, departure in departures.items():
            shipment = uow.shipments.get(sid)
            assert shipment is not None and shipment.status == "planned", sid
            shipment.departure = departure
            shipment.asn_deadline = asn_deadline(departure=departure, delivery_appointment=(
                shipment.delivery_appointment or shipment.estimated_delivery), policy=rule)
        uow.commit()


def _whole_second(when: datetime) -> datetime:
    """ASNs carry whole seconds; a departure with none left over reads back exactly."""
    return when.replace(microsecond=0)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
