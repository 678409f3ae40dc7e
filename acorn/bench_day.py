"""What one vendor day costs: seconds, CPU, SQL statements, Prefect runs, at a chosen volume.

A *day cycle* is the daily lifecycle of every account against the built-in sandbox, on a fresh
store, with the sandbox's clock moved to just after the dock's cut-off before each day. It runs
either as real Prefect runs (``daily_lifecycle``) or as the same service calls in the same order
without Prefect (:func:`plain_day`), so the two can be compared in one process. The figures are
for ``acorn bench`` and the closing notes of performance work; tests only check what was counted.

Stock in the demo's ERP file is scaled up with the volume, so that at 1,000 POs a day most lines
are accepted and shipped (the expensive path) instead of rejected for lack of stock.
"""

from __future__ import annotations

import csv
import os
import re
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx

from acorn.demo import DEMO_DATA, run_times
from acorn.domain.documents import DocumentKind

if TYPE_CHECKING:
    from acorn.services.ports import Units

#: what the flows do per account, in the daily run's order (flows/daily_lifecycle.py); kept beside
#: the plain runner so a test can compare the two
DELIVERED_KINDS = (DocumentKind.ACKNOWLEDGEMENT, DocumentKind.ROUTING_REQUEST, DocumentKind.SHIPMENT_CONFIRMATION,
                   DocumentKind.INVOICE)


@dataclass
class DayFigures:
    """One day's cost: ``pos`` new purchase orders taken in, ``statements`` SQL statements sent."""

    day: int
    as_of: str
    pos: int
    seconds: float
    cpu_seconds: float
    statements: int
    flow_runs: int = 0
    task_runs: int = 0
    #: with Prefect: the day's longest task run (every task must end within its timeout, or the day fails)
    longest_task: str = ""
    longest_task_seconds: float = 0.0
    #: without Prefect: ``[seconds, statements]`` per step of the day
    stages: dict[str, list[float]] = field(default_factory=dict)

    @property
    def statements_per_po(self) -> float:
        return self.statements / self.pos if self.pos else float(self.statements)


@dataclass
class CycleFigures:
    """Every day of one cycle, and the cost of starting it (sandbox, store, ERP, Prefect)."""

    pos_per_day: int
    with_prefect: bool
    start_seconds: float
    days: list[DayFigures] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"pos_per_day": self.pos_per_day, "with_prefect": self.with_prefect,
                "start_seconds": round(self.start_seconds, 2), "days": [asdict(d) for d in self.days]}


class StatementCounter:
    """Counts the SQL statements an engine sends, from every thread (Prefect runs tasks in threads)."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.count, self._lock = engine, 0, threading.Lock()

    def _seen(self, *_: Any) -> None:
        with self._lock:
            self.count += 1

    def __enter__(self) -> StatementCounter:
        import sqlalchemy as sa

        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: Any) -> None:
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def run_cycle(*, pos_per_day: int, days: int, with_prefect: bool, rate_scale: float = 1000.0,
              workdir: Path | None = None, database_url: str | None = None, seed: int = 0,
              history_days: int | None = None) -> CycleFigures:
    """``days`` daily runs at ``pos_per_day`` new POs per account per day, with or without Prefect.

    ``rate_scale`` multiplies Amazon's published rates in the sandbox (1.0: Amazon's real rates;
    the default lifts them, to measure Acorn rather than the waiting). ``database_url`` defaults to
    a SQLite file in ``workdir``; a PostgreSQL URL must name an empty database. ``history_days``:
    days of orders before day 1 (the sandbox's default, 3, unless given; 0 makes day 1 a part day).
    """
    with ExitStack() as stack:
        work = workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="acorn-bench-day-")))
        t0 = time.perf_counter()
        world = stack.enter_context(_world(work, pos_per_day=pos_per_day, rate_scale=rate_scale, seed=seed,
                                           history_days=history_days, database_url=database_url,
                                           with_prefect=with_prefect))
        figures = CycleFigures(pos_per_day=pos_per_day, with_prefect=with_prefect,
                               start_seconds=time.perf_counter() - t0)
        for n, as_of in enumerate(world.days(days), start=1):
            figures.days.append(world.run_day(n, as_of))
        return figures


@dataclass
class _World:
    settings: Any
    operator: httpx.Client
    clock: datetime
    with_prefect: bool

    def days(self, count: int) -> list[datetime]:
        dock = self.settings.dock(self.settings.accounts[0])
        return run_times(self.clock, count, tz=ZoneInfo(dock.time_zone), cutoff=dock.cutoff_local_time)

    def run_day(self, n: int, as_of: datetime) -> DayFigures:
        from acorn.store.db import engine_for

        self.operator.post("/_sandbox/clock", json={"set": as_of.isoformat().replace("+00:00", "Z")})
        pos_before = _count_pos(self.settings.resolved_database_url)
        runs_before = _prefect_runs() if self.with_prefect else (0, 0)
        cpu0, t0 = _cpu_seconds(), time.perf_counter()
        stages: dict[str, list[float]] = {}
        tasks: list[tuple[str, float]] = []
        with StatementCounter(engine_for(self.settings.resolved_database_url)) as counter:
            if self.with_prefect:
                flow_run = _prefect_day(as_of)
            else:
                plain_day(self.settings, as_of, stages)
        seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - cpu0
        if self.with_prefect:  # read after the clock stops: the server records task runs a moment late
            tasks = _task_runs_of(flow_run)
        runs_after = _prefect_runs() if self.with_prefect else (0, 0)
        return DayFigures(day=n, as_of=as_of.isoformat(), seconds=round(seconds, 3), cpu_seconds=round(cpu, 3),
                          pos=_count_pos(self.settings.resolved_database_url) - pos_before,
                          statements=counter.count, flow_runs=runs_after[0] - runs_before[0],
                          task_runs=len(tasks) or runs_after[1] - runs_before[1],
                          longest_task=max(tasks, key=lambda t: t[1], default=("", 0.0))[0],
                          longest_task_seconds=round(max((t[1] for t in tasks), default=0.0), 1),
                          stages={k: [round(v[0], 3), int(v[1])] for k, v in stages.items()})


@contextmanager
def _world(work: Path, *, pos_per_day: int, rate_scale: float, seed: int, history_days: int | None,
           database_url: str | None, with_prefect: bool) -> Iterator[_World]:
    from acorn import prefect_env

    environment = dict(os.environ)  # configure() writes Prefect's settings there: put them back afterwards
    if with_prefect:
        prefect_env.configure(work / "prefect", quiet=True)
    from acorn import runtime
    from acorn.config import load_settings
    from acorn.erp import CsvErp
    from acorn.services.erp import load_erp
    from acorn.store import upgrade
    from acorn.store.uow import units

    with _sandbox_process(work, pos_per_day=pos_per_day, rate_scale=rate_scale, seed=seed,
                          history_days=history_days) as base_url, \
            ExitStack() as stack:
        stack.callback(_restore_environment, environment)
        url = database_url or f"sqlite:///{(work / 'acorn.db').resolve()}"
        settings = load_settings(spapi_base_url=base_url, database_url=url, home=work,
                                 documents_dir=work / "documents", remittance_inbox=work / "remittances",
                                 reports_dir=work / "reports", data_docs_dir=work / "data-docs")
        upgrade(url)
        previous = runtime.install(runtime.Runtime(settings))
        stack.callback(runtime.install, previous)
        operator = stack.enter_context(httpx.Client(base_url=base_url, timeout=60))
        clock = datetime.fromisoformat(operator.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))
        erp = CsvErp(DEMO_DATA / "skus.csv", scaled_inventory(work, pos_per_day), quarantine_dir=work / "quarantine")
        load_erp(units(url), erp, as_of=clock)
        if with_prefect:
            from rich.progress import Progress

            from acorn.progress import start_prefect, warm_gates

            start_prefect(Progress(disable=True))
            warm_gates(Progress(disable=True))
            stack.enter_context(prefect_env.without_heartbeats())
        yield _World(settings=settings, operator=operator, clock=clock, with_prefect=with_prefect)


@contextmanager
def _sandbox_process(work: Path, *, pos_per_day: int, rate_scale: float, seed: int,
                     history_days: int | None) -> Iterator[str]:
    """The sandbox in its own process, so the CPU measured is Acorn's alone (and no GIL is shared)."""
    from acorn.chaos.processes import ChildProcesses, sandbox_server

    children = ChildProcesses()
    try:
        with sandbox_server(children, work, name="bench", seed=seed, rate_scale=rate_scale,
                            pos_per_day=pos_per_day, history_days=history_days) as base_url:
            yield base_url
    finally:
        children.kill_all()


def _restore_environment(saved: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(saved)


def plain_day(settings: Any, as_of: datetime, stages: dict[str, list[float]] | None = None) -> None:
    """The daily run's service calls, in its order, without Prefect (the control for its overhead).

    ``stages``, when given, collects ``[seconds, statements]`` per step name, summed over accounts.
    """
    from acorn import runtime
    from acorn.services.daily_report import day_report, write_dashboard
    from acorn.store.uow import units

    rt, url = runtime.current(), settings.resolved_database_url
    store = units(url)
    step = _Steps(url, stages)
    for account in settings.accounts:
        _account_day(rt, store, settings, account, as_of, step)
    with step("day report"):
        write_dashboard(store, settings, as_of, day_report(store, settings, as_of))


def _account_day(rt: Any, store: Units, settings: Any, account: Any, as_of: datetime, step: _Steps) -> None:
    """One account's part of the day: orders, acknowledgements, shipments, ASNs, invoices, receipts, invariants."""
    from acorn.services import acknowledge, asn_watch, asns, intake, invariants, invoices, receipts, routing, shipments

    docs = settings.resolved_documents_dir
    client = rt.client(account)
    with step("intake"):
        intake.intake_purchase_orders(store, client, account, as_of=as_of)
    with step("acknowledge"):
        acknowledge.decide_and_queue(store, account, as_of=as_of)
    with step("deliver acknowledgement"):
        _deliver(rt, account, DocumentKind.ACKNOWLEDGEMENT, as_of)
    with step("plan shipments"):
        shipments.plan_shipments(store, settings, account, as_of=as_of, documents_dir=docs)
    if account.freight == "amazon":
        with step("deliver routing_request"):
            _deliver(rt, account, DocumentKind.ROUTING_REQUEST, as_of)
        with step("follow carriers"):
            routing.follow_carriers(store, client, settings, account, as_of=as_of, documents_dir=docs)
    with step("queue ASNs"):
        asns.queue_asns(store, account, as_of=as_of, documents_dir=docs)
    with step("deliver shipment_confirmation"):
        _deliver(rt, account, DocumentKind.SHIPMENT_CONFIRMATION, as_of)
    with step("watch ASNs"):
        asn_watch.watch_asns(store, account, now=as_of)
    with step("queue invoices"):
        invoices.queue_invoices(store, account, as_of=as_of, settings=settings, documents_dir=docs)
    with step("deliver invoice"):
        _deliver(rt, account, DocumentKind.INVOICE, as_of)
    with step("poll receipts"):
        receipts.poll_receipts(store, client, account, as_of=as_of, alert_after_days=settings.receipt_alert_days)
    with step("invariants"):
        invariants.sweep(store, account, as_of=as_of)


class _Steps:
    """``with steps(name):`` adds the block's seconds and SQL statements to ``stages[name]`` (if collecting)."""

    def __init__(self, url: str, stages: dict[str, list[float]] | None) -> None:
        self.url, self.stages = url, stages

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.stages is None:
            yield
            return
        from acorn.store.db import engine_for

        t0 = time.perf_counter()
        with StatementCounter(engine_for(self.url)) as counter:
            yield
        spent = self.stages.setdefault(name, [0.0, 0])
        spent[0] += time.perf_counter() - t0
        spent[1] += counter.count


def _deliver(rt: Any, account: Any, kind: str, as_of: datetime) -> None:
    """Delivery rounds as ``tasks.lifecycle.deliver_all_rounds`` runs them (``delivery.in_rounds``)."""
    from acorn.services import delivery

    for _ in delivery.in_rounds(lambda: _delivery_round(rt, account, kind, as_of), lambda work_left: work_left):
        pass


def _delivery_round(rt: Any, account: Any, kind: str, as_of: datetime) -> int:
    """One round, as the delivery task runs it (what is left throttled or unanswered is the next
    round's: the task does not retry it, ``acorn.retry_policy``); its work left."""
    from acorn.services import delivery

    result = delivery.deliver(rt.units(), rt.client(account), account_code=account.code, kind=kind,
                              as_of=as_of, stuck_after=timedelta(minutes=rt.settings.transaction_stuck_minutes),
                              lease=timedelta(seconds=rt.settings.outbox_lease_seconds),
                              budget_s=rt.settings.delivery_round_seconds)
    return result.work_left


def _prefect_day(as_of: datetime) -> Any:
    """The daily run as Prefect runs it; its flow run's id."""
    from flows.daily_lifecycle import daily_lifecycle

    state = daily_lifecycle(as_of=as_of, return_state=True)
    if not state.is_completed():  # a task past its timeout fails the run: the day did not fit
        raise RuntimeError(f"the daily run of {as_of:%Y-%m-%d} ended {state.name}")
    return state.state_details.flow_run_id


def _task_runs_of(flow_run_id: Any, *, settle_s: float = 60.0) -> list[tuple[str, float]]:
    """(name, seconds) of the flow run's task runs, once the server has recorded them all.

    Task runs reach the server as events, recorded a moment (on a loaded machine, many seconds)
    after the flow ends: read until two reads a second apart agree and every run is final, for up
    to ``settle_s``. None when the server was started without its task-run recorder (the tests'
    servers turn it off through ``PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED``): it never
    records them, and waiting would not help. (A 5-s guess at "not recorded" failed in a fresh
    clone while a scale run loaded the machine.)
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    if os.environ.get("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "true").lower() in ("false", "0"):
        return []
    runs: list[Any] = []
    started, previous = time.monotonic(), -1
    with get_client(sync_client=True) as client:
        while time.monotonic() - started < settle_s:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            if runs and len(runs) == previous and all(r.state is not None and r.state.is_final() for r in runs):
                break
            previous = len(runs)
            time.sleep(1.0)
    # a task without a run name of its own is named by Prefect with a 3-hex suffix: drop it
    return [(re.sub(r"-[0-9a-f]{3}$", "", r.name), r.total_run_time.total_seconds()) for r in runs]


def scaled_inventory(work: Path, pos_per_day: int) -> Path:
    """The demo's stock file with every quantity scaled to the volume (the demo is sized for 6 POs a day).

    Without it a large volume would mostly be rejected for want of stock: less work, not a bigger day.
    """
    factor = max(1, pos_per_day // 6)
    target = work / "inventory.csv"
    with (DEMO_DATA / "inventory.csv").open(newline="", encoding="utf-8") as src, \
            target.open("w", newline="", encoding="utf-8") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            writer.writerow({**row, "on_hand": str(int(row["on_hand"] or 0) * factor)})
    return target


def _count_pos(url: str) -> int:
    import sqlalchemy as sa

    from acorn.store.db import engine_for

    with engine_for(url).connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM purchase_order")).scalar_one())


def _prefect_runs() -> tuple[int, int]:
    """Flow runs and task runs the Prefect server holds (the difference over a day is that day's)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        flows = client.request("POST", "/flow_runs/count", json={}).json()
        tasks = client.request("POST", "/task_runs/count", json={}).json()
    return int(flows), int(tasks)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
