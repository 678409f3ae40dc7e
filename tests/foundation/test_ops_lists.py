"""`acorn alerts` filters and the three output forms (table, --json, --csv) of the list commands."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ACORN = str(Path(sys.executable).with_name("acorn"))
LONG = "Amazon rejected the ASN: " + "carton 00614141000000123 weight does not match the pallet; " * 4


def _acorn(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "ACORN_DATABASE_URL": f"sqlite:///{tmp_path / 'acorn.db'}",
           "ACORN_HOME": str(tmp_path / ".acorn"), "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run([ACORN, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Three alerts raised on different days (one resolved) and one document in the outbox."""
    from acorn.services import outbox
    from acorn.store import UnitOfWork, upgrade

    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    upgrade(url)
    with UnitOfWork(url) as uow:
        for key, account, kind, severity, day, message in (
                ("asn-rejected:S1", "ACRNUS", "asn_rejected", "error", 1, LONG),
                ("shortage:S2", "ACRNCA", "shortage", "warning", 3, "7 units short"),
                ("late-ack:P3", "ACRNUS", "late_acknowledgement", "warning", 5, "acknowledged 3 h late")):
            alert, _ = uow.alerts.raise_alert(dedupe_key=key, account_code=account, kind=kind, severity=severity,
                                              subject=f"{kind} {key}", message=message, next_step="Call the carrier.")
            alert.created_at = datetime(2026, 3, day, 12, tzinfo=UTC)
        uow.flush()
        uow.alerts.resolve("late-ack:P3", at=datetime(2026, 3, 6, 9, tzinfo=UTC))
        outbox.enqueue(uow, kind="invoice", key="invoice:ACRNUS:US-1", account_code="ACRNUS", business_id="US-1",
                       payload={"invoices": []})
        uow.commit()
    return tmp_path


def _alert_ids(out: subprocess.CompletedProcess) -> list[str]:
    assert out.returncode == 0, out.stdout + out.stderr
    return [row["subject"].split()[-1] for row in csv.DictReader(io.StringIO(out.stdout))]


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param([], ["asn-rejected:S1", "shortage:S2"], id="open-by-default"),
    pytest.param(["--resolved"], ["late-ack:P3"], id="resolved"),
    pytest.param(["--all"], ["asn-rejected:S1", "shortage:S2", "late-ack:P3"], id="all"),
    pytest.param(["--all", "--severity", "warning"], ["shortage:S2", "late-ack:P3"], id="severity"),
    pytest.param(["--all", "--account", "ACRNCA"], ["shortage:S2"], id="account"),
    pytest.param(["--all", "--kind", "asn_rejected"], ["asn-rejected:S1"], id="kind"),
    pytest.param(["--all", "--since", "2026-03-03"], ["shortage:S2", "late-ack:P3"], id="since"),
])
def test_alerts_are_filtered_by_state_severity_account_kind_and_date(store: Path, args: list[str],
                                                                     expected: list[str]) -> None:
    assert _alert_ids(_acorn(store, "alerts", "--csv", *args)) == expected


def test_an_alert_shows_its_date_detail_and_whether_it_is_resolved(store: Path) -> None:
    rows = json.loads(_acorn(store, "alerts", "--all", "--json").stdout)
    rejected, _, resolved = rows
    assert rejected["created_at"] == "2026-03-01T12:00:00Z" and rejected["status"] == "open"
    assert rejected["detail"] == f"{LONG} — next step: Call the carrier."  # whole, not cut
    assert resolved["status"] == "resolved" and resolved["resolved_at"] == "2026-03-06T09:00:00Z"
    table = _acorn(store, "alerts", "--all").stdout
    assert "2026-03-01 12:00Z" in table and "2026-03-06 09:00Z" in table and "resolved" in table
    assert "…" in table and LONG not in table  # the table cuts long detail to one line
    assert "2 open alerts" in _acorn(store, "alerts").stdout


def test_every_list_command_prints_json_and_csv(store: Path) -> None:
    outbox = json.loads(_acorn(store, "outbox", "--json").stdout)
    assert [(r["idempotency_key"], r["state"], r["attempts"]) for r in outbox] == [
        ("invoice:ACRNUS:US-1", "pending", 0)]
    rows = list(csv.DictReader(io.StringIO(_acorn(store, "outbox", "--csv", "--state", "pending").stdout)))
    assert [r["idempotency_key"] for r in rows] == ["invoice:ACRNUS:US-1"]
    assert json.loads(_acorn(store, "disputes", "--json").stdout) == []
    assert _acorn(store, "disputes", "--csv").stdout.startswith("claim_key,account_code,invoice_number,kind,at_stake")
    metrics = list(csv.DictReader(io.StringIO(_acorn(store, "metrics", "--from", "2026-03-01", "--to", "2026-03-31",
                                                     "--csv").stdout)))
    assert metrics and set(metrics[0]) == {"metric", "value", "basis"}
    assert "start" in json.loads(_acorn(store, "metrics", "--from", "2026-03-01", "--to", "2026-03-31",
                                        "--json").stdout)
    status = json.loads(_acorn(store, "status", "--json").stdout)
    assert status["alerts"] == {"error": 1, "warning": 1}
    assert [t["key"] for t in status["transactions"]] == ["invoice:ACRNUS:US-1"]


def _shipment(identifier: str, status: str, day: int, *, minutes_to_send: int | None = None) -> Any:
    from schemas.tables import Shipment

    departure = datetime(2026, 3, day, 20, tzinfo=UTC)
    deadline = departure + timedelta(minutes=30)
    return Shipment(account_code="ACRNUS", shipment_identifier=identifier, ship_to="ABE8", status=status,
                    structure="PalletizedAssortmentCase", transport_mode="LTL", departure=departure,
                    estimated_delivery=departure + timedelta(days=2), asn_deadline=deadline,
                    asn_submitted_at=None if minutes_to_send is None
                    else departure + timedelta(minutes=minutes_to_send))


def test_status_lists_the_open_shipments_and_counts_every_one(store: Path) -> None:
    """Accepted with nothing open is history: counted, not listed; not accepted yet, or alerted, is listed."""
    from acorn.store import UnitOfWork

    with UnitOfWork(f"sqlite:///{store / 'acorn.db'}") as uow:
        s = uow.outbox.session
        s.add_all([_shipment("CLOSED-1", "accepted", 1, minutes_to_send=10),  # an earlier day, on time, done
                   _shipment("S1", "accepted", 1, minutes_to_send=45),  # accepted late, its alert still open
                   _shipment("NEXT-6", "planned", 6)])  # leaves tonight
        alert = next(a for a in uow.alerts.list(status="open") if a.dedupe_key == "asn-rejected:S1")
        alert.shipment_identifier = "S1"
        uow.commit()
    as_of = "2026-03-06T12:00:00+00:00"
    status = json.loads(_acorn(store, "status", "--json", "--as-of", as_of).stdout)
    assert [(r["shipment_identifier"], r["bucket"]) for r in status["shipments"]] == [
        ("NEXT-6", "waiting_for_truck"), ("S1", "late")]
    assert status["asns"] == {"waiting_for_truck": 1, "due": 0, "in_flight": 0, "accepted": 1, "late": 1,
                              "failed": 0, "needs_review": 0, "held": 0}
    table = _acorn(store, "status", "--as-of", as_of).stdout
    assert "NEXT-6" in table and "S1" in table and "CLOSED-1" not in table
    assert "accepted 1, late 1" in table and "Open shipments" in table


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["alerts", "--all", "--resolved"], "--all/--resolved", id="alerts-all-and-resolved"),
    pytest.param(["alerts", "--since", "last week"], "--since", id="alerts-bad-since"),
    pytest.param(["alerts", "--account", "NOPE"], "NOPE", id="alerts-unknown-account"),
    pytest.param(["alerts", "--severity", "eror"], "--severity", id="alerts-unknown-severity"),
    pytest.param(["outbox", "--json", "--csv"], "--json/--csv", id="outbox-json-and-csv"),
    pytest.param(["status", "--as-of", "2026-03-02"], "no time zone", id="status-as-of-without-zone"),
    pytest.param(["status", "--account", "NOPE"], "NOPE", id="status-unknown-account"),
])
def test_a_wrong_list_option_is_refused_naming_it(store: Path, args: list[str], expected: str) -> None:
    out = _acorn(store, *args)
    assert out.returncode == 2
    assert expected in out.stdout + out.stderr


def test_status_and_po_on_a_missing_store_say_what_to_run(tmp_path: Path) -> None:
    for args in (["status"], ["po", "X1"], ["alerts"]):
        out = _acorn(tmp_path, *args)
        assert out.returncode == 2 and "acorn db upgrade" in out.stderr and "Traceback" not in out.stderr, args
