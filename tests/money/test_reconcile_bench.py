"""The reconciliation benchmark: the month it builds, the DuckDB baseline, and the command.

The baseline is checked twice: on a hand-made month whose totals are worked out below, and
against Acorn's engine on a month drawn by ``build_month`` (every category present).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from acorn.config import DEFAULT_ACCOUNTS
from acorn.domain.reconciliation import Category
from acorn.reconcile_bench import (
    SOURCES,
    BenchResult,
    BuildStats,
    Side,
    build_month,
    duckdb_totals,
    load_duckdb,
    month_bounds,
)
from acorn.services.reconcile import reconcile_month
from acorn.store.db import make_engine
from acorn.store.uow import units
from schemas.tables import UtcDateTime

US = DEFAULT_ACCOUNTS[0]
UTC = UTC
AS_OF = datetime(2027, 1, 5, tzinfo=UTC)  # receipt cutoff 31 Dec, invoice cutoff 3 Jan, past due before 5 Jan


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, BuildStats]:
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'month.db'}"
    return url, build_month(url, lines=3000, seed=7)


def test_the_month_holds_the_lines_asked_for_and_the_documents_that_followed(month: tuple[str, BuildStats]) -> None:
    url, stats = month
    start, end = month_bounds("2026-10")
    engine = make_engine(url)
    with engine.connect() as conn:
        in_month = conn.execute(sa.text(
            "SELECT count(*) FROM purchase_order_item i JOIN purchase_order p ON p.id = i.purchase_order_id "
            "WHERE p.order_date >= :start AND p.order_date < :end").bindparams(
                sa.bindparam("start", type_=UtcDateTime), sa.bindparam("end", type_=UtcDateTime)),
            {"start": start, "end": end}).scalar()
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in stats.rows}
    engine.dispose()
    assert in_month == 3000
    assert counts == stats.rows
    assert counts["purchase_order_item"] > 3000  # and a few POs of the month before
    assert 3000 / 15 <= counts["purchase_order"] <= 3000 / 5 * 1.1
    for table in ("shipment_line", "goods_receipt", "invoice_line", "remittance_line"):
        assert counts[table] > 3000 * 0.8, table


def test_building_into_a_store_that_holds_orders_is_refused(month: tuple[str, BuildStats]) -> None:
    url, _ = month
    with pytest.raises(ValueError, match="already holds purchase orders"):
        build_month(url, lines=10, seed=0)


def test_acorn_and_duckdb_agree_on_every_category_and_every_category_occurs(month: tuple[str, BuildStats],
                                                                          tmp_path: Path) -> None:
    url, stats = month
    assert stats.as_of == AS_OF
    acorn = reconcile_month(units(url), US, "2026-10", as_of=stats.as_of).totals
    duck = duckdb_totals(load_duckdb(url, str(tmp_path)), US, "2026-10", as_of=stats.as_of)
    assert duck == acorn
    assert acorn["lines"] == 3000
    assert sum(c["lines"] for c in acorn["categories"].values()) >= 3000  # a line can be in several
    assert {c for c, v in acorn["categories"].items() if v["lines"] > 0} == {c.value for c in Category}


def _hand_made_month() -> duckdb.DuckDBPyConnection:
    """PO P1 (October) with five lines; P0 (September) is out of scope. One accepted ASN S1 (delivered
    13 Oct), invoice V1 remitted, invoice V2 due 20 Dec and unpaid."""
    duck = duckdb.connect()
    for table, columns in SOURCES.items():
        duck.execute(f"CREATE TABLE {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
    rows = {
        "purchase_order": [(1, "ACRNUS", "P1", datetime(2026, 10, 5, 9)), (2, "ACRNUS", "P0", datetime(2026, 9, 5))],
        # id, po, seq, accepted, backordered, rejected, cancelled, net cost
        "purchase_order_item": [(1, 1, "1", 10, 0, 0, False, "2.50"), (2, 1, "2", 10, 0, 0, False, "3.00"),
                                (3, 1, "3", 5, 0, 0, False, "4.00"), (4, 1, "4", 6, 0, 0, False, "1.25"),
                                (5, 1, "5", 4, 0, 0, False, "5.00"), (6, 2, "1", 9, 0, 0, False, "9.00")],
        "shipment": [(1, "ACRNUS", "accepted", datetime(2026, 10, 10), datetime(2026, 10, 13),
                      datetime(2026, 10, 10))],
        "shipment_line": [(1, "P1", "1", 10), (1, "P1", "2", 10), (1, "P1", "3", 5), (1, "P1", "4", 6),
                          (1, "P0", "1", 9)],
        "goods_receipt": [("ACRNUS", "P1", "1", 10), ("ACRNUS", "P1", "2", 8), ("ACRNUS", "P1", "3", 5),
                          ("ACRNUS", "P1", "4", 6), ("ACRNUS", "P0", "1", 9)],
        "invoice": [(1, "ACRNUS", "V1", "accepted", date(2026, 12, 9)), (2, "ACRNUS", "V2", "accepted",
                                                                        date(2026, 12, 20))],
        "invoice_line": [(1, "P1", "1", 10, "2.50", "25.00"), (1, "P1", "2", 10, "3.00", "30.00"),
                         (1, "P1", "3", 5, "4.40", "22.00"), (2, "P1", "4", 6, "1.25", "7.50"),
                         (1, "P0", "1", 9, "9.00", "81.00")],
        # invoice, po, seq, paid, shortage, damage, price, other
        "remittance_line": [("ACRNUS", "V1", "P1", "1", "25.00", "0", "0", "0", "0"),
                            ("ACRNUS", "V1", "P1", "2", "24.00", "6.00", "0", "0", "0"),
                            ("ACRNUS", "V1", "P1", "3", "20.00", "0", "0", "2.00", "0"),
                            ("ACRNUS", "V1", "P0", "1", "81.00", "0", "0", "0", "0")],
    }
    for table, values in rows.items():
        duck.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(SOURCES[table]))})", values)
    return duck


def test_the_duckdb_baseline_applies_the_rules_on_a_hand_made_month() -> None:
    totals = duckdb_totals(_hand_made_month(), US, "2026-10", as_of=AS_OF)
    found = {c: (v["lines"], v["units"], v["amount"]) for c, v in totals["categories"].items() if v["lines"]}
    assert found == {
        "matched": (1, 10, "25.00"),  # line 1: 10 shipped, received, invoiced at 2.50, remitted
        "shortage": (1, 2, "6.00"),  # line 2: 10 billed, 8 received: 2 x 3.00
        "price_variance": (1, 5, "2.00"),  # line 3: 5 x (4.40 - 4.00)
        "unpaid_past_due": (1, 6, "7.50"),  # line 4: V2 due 20 Dec, no remittance by 5 Jan: 6 x 1.25
        "open": (1, 4, "20.00"),  # line 5: accepted, never shipped: 4 x 5.00 on its way
    }
    assert totals["lines"] == 5  # P0 was ordered in September
    assert (totals["invoiced"], totals["paid"]) == ("84.50", "69.00")  # 25 + 30 + 22 + 7.50; 25 + 24 + 20
    assert totals["deducted"] == {"shortage": "6.00", "damage": "0.00", "price": "2.00", "other": "0.00"}


def test_a_disagreement_is_named_by_its_category() -> None:
    cats = {"shortage": {"lines": 2, "units": 5, "amount": "10.00"}, "matched": {"lines": 8, "units": 80,
                                                                                "amount": "800.00"}}
    acorn = Side(seconds=10.0, peak_rss_mib=100.0, totals={"lines": 10, "categories": cats})
    other = {**cats, "shortage": {**cats["shortage"], "amount": "10.01"}}
    duck = Side(seconds=1.0, load_seconds=4.0, peak_rss_mib=500.0, totals={"lines": 10, "categories": other})
    build = BuildStats(database_url="sqlite://", month="2026-10", as_of=AS_OF, lines=10, seconds=1.0)
    result = BenchResult(database="SQLite", build=build, acorn=acorn, duckdb=duck)
    assert [p.split(":")[0] for p in result.mismatches()] == ["shortage"]
    assert result.ratio == 2.0  # 10 s against 4 s load + 1 s query
    assert [ok for *_, ok in result.targets()] == [True, True, True]
    slow = dataclasses.replace(result, acorn=dataclasses.replace(acorn, seconds=21.0, totals=duck.totals))
    assert slow.mismatches() == []
    assert [ok for *_, ok in slow.targets()] == [False, True, False]  # 21 s; 4.2x


def test_the_command_prints_both_sides_and_agrees(tmp_path: Path) -> None:
    from acorn.cli import app

    result = CliRunner().invoke(app, ["bench", "reconcile", "--lines", "2000", "--keep", str(tmp_path)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for expected in ("2,000 PO lines on SQLite", "reconcile / query (s)", "peak RSS of the process (MiB)",
                     "Acorn ÷ DuckDB, load + query", "reconcile under 20 s", "PASS", "duplicate_invoice",
                     "Acorn and DuckDB agree on every category"):
        assert expected in result.output
    assert (tmp_path / "reconcile-bench.db").exists()
