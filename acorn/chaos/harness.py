"""The chaos harness: real ``acorn run`` processes killed at random against a faulty sandbox.

For each database (SQLite file, throwaway PostgreSQL cluster, or both) it starts a fresh
sandbox process with faults on, loads the demo ERP once, then for each simulated day:
sets the sandbox clock to the day's dock cut-off + 10 min and runs ``acorn run --as-of``
as a subprocess in its own process group; with probability ``kill_rate`` the group is
SIGKILLed at a moment uniform in ``[1, kill_window]`` seconds and the day is run again,
until a run of that day ends by itself (exit 0, or 1 when a stage failed). With
``concurrent`` a second run of the same day starts 0–3 s later, under the same kill rule.
After the last day, one settling run a day later with faults off; then the figures
(:mod:`acorn.chaos.measure`). One Prefect server serves every run of the benchmark.

Kills are deterministic from ``seed``: whether an attempt is killed and after how many
seconds is drawn from a random stream keyed by (seed, day, slot, attempt), the start
offset of the second run from (seed, day), so the same options give the same kill plan
whatever the timing (where in a run the kill lands still depends on the machine). An
attempt killed ``max_attempts - 1`` times in a row is not killed again.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from acorn.chaos import measure
from acorn.chaos.processes import ChildProcesses, PrefectServer, base_env, executable, prefect_server, sandbox_server

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
DATABASES = ("sqlite", "postgres")

#: faults the sandbox injects while the days run (the settling run has none)
FAULTS: dict[str, float] = {"throttle_rate": 0.10, "error_rate": 0.05, "drop_after_commit_rate": 0.15,
                            "stuck_processing_rate": 0.05, "missing_receiving_status_rate": 0.05}

#: T, a typical run measured here (2 cores, prefect 3.9.1, 2026-12): with the faults above and a
#: concurrent run of the same day, `acorn run` of a demo day took a median ~70 s (day 1 ~50 s),
#: process start, imports and Prefect included; without faults or peer ~20 s
DEFAULT_KILL_WINDOW = 60.0


@dataclass(frozen=True)
class ChaosOptions:
    days: int = 30
    databases: tuple[str, ...] = DATABASES
    kill_rate: float = 0.35
    kill_window: float = DEFAULT_KILL_WINDOW   # T: kills land uniformly in [1, T] s after a run starts
    concurrent: bool = True
    concurrent_offset: float = 3.0             # the second run starts 0..this many seconds later
    faults: bool = True
    seed: int = 0                              # the harness's RNG (kills, offsets)
    sandbox_seed: int = 0                      # the demo ERP data matches sandbox seed 0
    rate_scale: float = 20.0
    stuck_minutes: int = 60                    # judged stuck by the next day's run
    lease_seconds: int = 20
    run_timeout: float = 900.0                 # a run still alive after this is killed and counted hung
    max_attempts: int = 8
    workdir: Path | None = None                # default: a new temporary directory
    keep: bool = False                         # keep the work directory (logs, SQLite file) afterwards
    postgres_server: str | None = None         # an existing server URL instead of a throwaway cluster
    pos_per_day: int | None = None             # per account; None: the sandbox's default (stock scales with it)
    history_days: int | None = None            # days of orders before the first; None: the sandbox's default
    settle_hours: float | None = None          # the settling run this long after the last day's; None: next day

    def __post_init__(self) -> None:
        unknown = [d for d in self.databases if d not in DATABASES]
        if unknown or not self.databases:
            raise ValueError(f"databases: expected sqlite and/or postgres, got {', '.join(self.databases) or 'none'}")
        if not 0 <= self.kill_rate < 1:
            raise ValueError("kill_rate must be in [0, 1)")
        if self.kill_window < 1:
            raise ValueError("kill_window must be at least 1 second")
        if self.days < 1 or self.max_attempts < 1:
            raise ValueError("days and max_attempts must be at least 1")


@dataclass(frozen=True)
class RunRecord:
    day: int                    # 1..N; N + 1 is the settling run
    slot: str                   # "a", "b" (the concurrent one) or "settle"
    attempt: int
    seconds: float
    outcome: str                # "exit" / "killed" / "hung"
    exit_code: int | None
    log: str
    kill_at: float | None = None  # planned kill moment (None: no kill planned)


@dataclass
class DatabaseFigures:
    database: str
    days: int
    seconds: float
    runs: list[RunRecord]
    store: measure.StoreFigures
    settle_exit: int | None
    database_url: str = ""

    @property
    def kills(self) -> int:
        return sum(r.outcome == "killed" for r in self.runs)

    @property
    def concurrent_runs(self) -> int:
        return sum(r.slot == "b" for r in self.runs)

    @property
    def exits(self) -> Counter[int]:
        return Counter(r.exit_code for r in self.runs if r.outcome == "exit")

    @property
    def hung(self) -> int:
        return sum(r.outcome == "hung" for r in self.runs)

    @property
    def kills_missed(self) -> int:
        """Kills planned for a run that had already ended by itself."""
        return sum(r.outcome == "exit" and r.kill_at is not None for r in self.runs)

    @property
    def typical_run_seconds(self) -> float:
        ended = [r.seconds for r in self.runs if r.outcome == "exit"]
        return statistics.median(ended) if ended else 0.0

    def problems(self) -> list[str]:
        """Why this database fails the check (empty: it passes)."""
        s = self.store
        out = []
        twice = sum(len(v) for v in s.accepted_twice.values())
        if twice:
            out.append(f"{twice} document(s) accepted twice by the sandbox")
        if s.never_invoiced:
            out.append(f"{len(s.never_invoiced)} ASN(s) accepted but never invoiced")
        if s.non_final_without_alert:
            out.append(f"{len(s.non_final_without_alert)} outbox row(s) not final and without an open alert")
        if s.late_acorn != s.late_ledger:
            out.append(f"late ASNs differ: Acorn counts {s.late_acorn}, the ledger {s.late_ledger}")
        odd = {code: n for code, n in self.exits.items() if code not in (0, 1)}
        if odd:
            out.append("runs ended with unexpected exit codes "
                       + ", ".join(f"{c}: {n}" for c, n in sorted(odd.items())))
        if self.hung:
            out.append(f"{self.hung} run(s) did not end within the run timeout")
        if not s.documents:
            out.append("no document was ever queued: the runs did nothing")
        return out

    def as_json(self) -> dict[str, Any]:
        return {"database": self.database, "days": self.days, "seconds": round(self.seconds, 1),
                "runs": len(self.runs), "kills": self.kills, "kills_missed": self.kills_missed,
                "concurrent_runs": self.concurrent_runs,
                "exits": {str(k): v for k, v in sorted(self.exits.items(), key=lambda kv: str(kv[0]))},
                "hung": self.hung, "typical_run_seconds": round(self.typical_run_seconds, 1),
                "settling_run_exit": self.settle_exit, **self.store.as_json(), "problems": self.problems(),
                "run_log": [r.__dict__ for r in self.runs]}


@dataclass
class ChaosResult:
    options: ChaosOptions
    databases: list[DatabaseFigures] = field(default_factory=list)
    seconds: float = 0.0
    workdir: str = ""

    def problems(self) -> list[str]:
        return [f"{d.database}: {p}" for d in self.databases for p in d.problems()]

    def as_json(self) -> dict[str, Any]:
        o = self.options
        return {"options": {"days": o.days, "databases": list(o.databases), "kill_rate": o.kill_rate,
                            "kill_window": o.kill_window, "concurrent": o.concurrent, "faults": FAULTS if o.faults
                            else {}, "seed": o.seed, "sandbox_seed": o.sandbox_seed, "rate_scale": o.rate_scale},
                "seconds": round(self.seconds, 1), "workdir": self.workdir,
                "databases": {d.database: d.as_json() for d in self.databases}, "problems": self.problems()}


def kill_plan(seed: int, day: int, slot: str, attempt: int, *, kill_rate: float, kill_window: float,
              max_attempts: int) -> float | None:
    """Seconds after start at which this attempt is killed, or None: deterministic from the key."""
    rng = random.Random(f"acorn-chaos:{seed}:{day}:{slot}:{attempt}")
    u_kill, u_when = rng.random(), rng.random()
    if attempt >= max_attempts - 1 or u_kill >= kill_rate:
        return None
    return 1.0 + u_when * (kill_window - 1.0)


def start_offset(seed: int, day: int, most: float) -> float:
    return random.Random(f"acorn-chaos:{seed}:{day}:offset").uniform(0.0, most)


def day_times(days: int, clock: datetime) -> list[datetime]:
    """Dock cut-off + 10 min of each day from the sandbox clock's, in the default account's zone."""
    from acorn.config import DEFAULT_ACCOUNTS, AsnPolicySettings
    from acorn.demo import run_times

    return run_times(clock, days, tz=ZoneInfo(DEFAULT_ACCOUNTS[0].ship_from_tz),
                     cutoff=AsnPolicySettings().cutoff_local_time)


def run_and_settle_times(days: int, clock: datetime, *, settle_hours: float | None = None) -> list[datetime]:
    """Each day's run time, then the settling run's: the next day's, or ``settle_hours`` after the last
    (a scale run settles without a whole extra day of orders)."""
    times = day_times(days + 1, clock)
    if settle_hours is not None:
        times[-1] = times[-2] + timedelta(hours=settle_hours)
    return times


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


Say = Callable[[str], None]


class _DatabaseRun:
    """One database's benchmark: sandbox, ERP, the days, the settling run, the figures."""

    def __init__(self, options: ChaosOptions, children: ChildProcesses, *, database: str, database_url: str,
                 sandbox_url: str, prefect: PrefectServer, workdir: Path, say: Say) -> None:
        self.o = options
        self.children = children
        self.database = database
        self.database_url = database_url
        self.sandbox_url = sandbox_url
        self.workdir = workdir
        self.say = say
        self.prefect = prefect
        self.runs: list[RunRecord] = []
        self._lock = threading.Lock()
        home = workdir / f"home-{database}"
        (workdir / "prefect-client-home").mkdir(parents=True, exist_ok=True)
        self.env = {**base_env(),
                    "ACORN_SPAPI_BASE_URL": sandbox_url, "ACORN_DATABASE_URL": database_url,
                    "ACORN_HOME": str(home), "ACORN_DOCUMENTS_DIR": str(home / "documents"),
                    "ACORN_TRANSACTION_STUCK_MINUTES": str(options.stuck_minutes),
                    # read by the lease-based outbox; unknown ACORN_ variables are ignored by older code
                    "ACORN_OUTBOX_LEASE_SECONDS": str(options.lease_seconds),
                    "PREFECT_API_URL": prefect.api,
                    "PREFECT_HOME": str(workdir / "prefect-client-home"),
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                    "PREFECT_SERVER_UI_ENABLED": "false"}

    # -- operator endpoints -------------------------------------------------------------------
    def _op(self, method: str, path: str, **kw: Any) -> Any:
        r = httpx.request(method, f"{self.sandbox_url}{path}", timeout=30, **kw)
        r.raise_for_status()
        return r.json()

    def clock(self) -> datetime:
        return datetime.fromisoformat(self._op("GET", "/_sandbox/clock")["now"].replace("Z", "+00:00"))

    def set_clock(self, when: datetime) -> None:
        self._op("POST", "/_sandbox/clock", json={"set": iso(when)})

    def set_faults(self, faults: dict[str, float]) -> None:
        self._op("POST", "/_sandbox/faults", json=faults)

    # -- processes ----------------------------------------------------------------------------
    def erp_load(self) -> None:
        log = self.workdir / "logs" / f"{self.database}-erp-load.log"
        inventory = DEMO_DATA / "inventory.csv"
        if self.o.pos_per_day is not None:
            from acorn.bench_day import scaled_inventory

            inventory = scaled_inventory(self.workdir, self.o.pos_per_day)
        proc = self.children.start([executable("acorn"), "erp-load", "--skus", str(DEMO_DATA / "skus.csv"),
                                    "--inventory", str(inventory),
                                    "--quarantine", str(self.workdir / f"quarantine-{self.database}")],
                                   env=self.env, log=log, cwd=self.workdir)
        try:
            code = proc.wait(timeout=300)
        finally:
            self.children.forget(proc)
        if code != 0:
            raise RuntimeError(f"acorn erp-load exited {code}; see {log}")

    def _record(self, record: RunRecord) -> None:
        with self._lock:
            self.runs.append(record)

    def run_slot(self, day: int, slot: str, as_of: datetime, *, delay: float = 0.0, kills: bool = True) -> None:
        """Run the day in this slot until one run ends by itself."""
        if delay:
            time.sleep(delay)
        attempt = 0
        while True:
            kill_at = kill_plan(self.o.seed, day, slot, attempt, kill_rate=self.o.kill_rate,
                                kill_window=self.o.kill_window, max_attempts=self.o.max_attempts) if kills else None
            log = self.workdir / "logs" / f"{self.database}-day{day:02d}-{slot}-{attempt}.log"
            proc = self.children.start([executable("acorn"), "run", "--as-of", iso(as_of)],
                                       env=self.env, log=log, cwd=self.workdir)
            t0 = time.monotonic()
            outcome = "exit"
            try:
                code: int | None = proc.wait(timeout=kill_at if kill_at is not None else self.o.run_timeout)
            except subprocess.TimeoutExpired:
                self.children.kill_group(proc)
                code = proc.wait()
                if code == -9:
                    outcome = "killed" if kill_at is not None else "hung"
            finally:
                self.children.forget(proc)
            seconds = time.monotonic() - t0
            self._record(RunRecord(day=day, slot=slot, attempt=attempt, seconds=round(seconds, 2), outcome=outcome,
                                   exit_code=None if outcome != "exit" else code, log=log.name, kill_at=kill_at))
            what = {"exit": f"exit {code}", "killed": "KILLED", "hung": "HUNG (killed)"}[outcome]
            self.say(f"  {self.database} day {day:>2} run {slot}{attempt}: {what} after {seconds:5.1f}s")
            if outcome != "killed":
                return
            attempt += 1

    def run_day(self, day: int, as_of: datetime) -> None:
        self.set_clock(as_of)
        if not self.o.concurrent:
            self.run_slot(day, "a", as_of)
            return
        errors: list[BaseException] = []

        def slot(name: str, delay: float) -> None:
            try:
                self.run_slot(day, name, as_of, delay=delay)
            except BaseException as exc:  # noqa: BLE001  (re-raised below)
                errors.append(exc)

        threads = [threading.Thread(target=slot, args=("a", 0.0), daemon=True),
                   threading.Thread(target=slot, args=("b", start_offset(self.o.seed, day,
                                                                        self.o.concurrent_offset)), daemon=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

    def run(self) -> DatabaseFigures:
        started = time.monotonic()
        self.set_faults(FAULTS if self.o.faults else {})
        self.erp_load()
        times = run_and_settle_times(self.o.days, self.clock(), settle_hours=self.o.settle_hours)
        if self.prefect.ready_after is None:
            self.prefect.ready()
            self.say(f"prefect server at {self.prefect.api} ready after {self.prefect.ready_after:.1f}s")
        self.say(f"{self.database}: {self.o.days} days from {iso(times[0])}, sandbox {self.sandbox_url}, "
                 f"faults {'on' if self.o.faults else 'off'}, kill rate {self.o.kill_rate:g}, "
                 f"concurrent {'on' if self.o.concurrent else 'off'}")
        for day, as_of in enumerate(times[:-1], start=1):
            self.run_day(day, as_of)
        # the next morning, as ops would see it: faults gone, one run, nobody kills it
        self.set_faults({})
        self.set_clock(times[-1])
        self.run_slot(self.o.days + 1, "settle", times[-1], kills=False)
        settle = self.runs[-1]
        ledger = self._op("GET", "/_sandbox/ledger")
        (self.workdir / f"ledger-{self.database}.json").write_text(json.dumps(ledger, indent=1), encoding="utf-8")
        rows, alerts, late = measure.read_store(self.database_url)
        store = measure.judge(ledger, rows, alerts, late_acorn=late)
        return DatabaseFigures(database=self.database, days=self.o.days, seconds=time.monotonic() - started,
                               runs=list(self.runs), store=store,
                               settle_exit=settle.exit_code if settle.outcome == "exit" else None,
                               database_url=self.database_url)


@contextmanager
def _workdir(options: ChaosOptions) -> Iterator[tuple[Path, Callable[[bool], None]]]:
    if options.workdir is not None:
        path = options.workdir.resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path, lambda ok: None
        return
    path = Path(tempfile.mkdtemp(prefix="acorn-chaos-"))
    keep = {"keep": options.keep}

    def done(ok: bool) -> None:
        keep["keep"] = keep["keep"] or not ok

    try:
        yield path, done
    finally:
        if not keep["keep"]:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _database(name: str, options: ChaosOptions, workdir: Path) -> Iterator[str]:
    if name == "sqlite":
        db = workdir / "acorn-sqlite.db"
        for stale in workdir.glob("acorn-sqlite.db*"):
            stale.unlink()
        yield f"sqlite:///{db}"
        return
    from acorn.testing.postgres import create_database, throwaway_cluster

    if options.postgres_server:
        url = create_database(options.postgres_server)
        try:
            yield url
        finally:
            _dispose(url)
        return
    with throwaway_cluster() as server:
        url = create_database(server, "acorn_chaos")
        try:
            yield url
        finally:
            _dispose(url)


def _dispose(url: str) -> None:
    from acorn.store import engine_for

    try:
        engine_for(url).dispose()
    except Exception:  # noqa: BLE001  (closing pooled connections before the cluster stops)
        pass


def run_chaos(options: ChaosOptions, say: Say = print) -> ChaosResult:
    """Run the benchmark for every database in ``options``; the figures, never raising on a failed check."""
    started = time.monotonic()
    result = ChaosResult(options)
    children = ChildProcesses()
    with _workdir(options) as (workdir, done):
        result.workdir = str(workdir)
        try:
            with ExitStack() as stack:
                prefect = stack.enter_context(prefect_server(children, workdir))
                say(f"work dir {workdir}; prefect server starting")
                for name in options.databases:
                    with _database(name, options, workdir) as url, sandbox_server(
                            children, workdir, name=name, seed=options.sandbox_seed,
                            rate_scale=options.rate_scale, pos_per_day=options.pos_per_day,
                            history_days=options.history_days) as sandbox_url:
                        figures = _DatabaseRun(options, children, database=name, database_url=url,
                                               sandbox_url=sandbox_url, prefect=prefect, workdir=workdir,
                                               say=say).run()
                    result.databases.append(figures)
        finally:
            children.kill_all()
            result.seconds = time.monotonic() - started
            # a failed check or an error keeps the logs, the SQLite file and the ledgers for reading
            done(not result.problems() and len(result.databases) == len(options.databases))
    return result

