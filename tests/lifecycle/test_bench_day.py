"""The day harness behind `acorn bench`: what it counts, and that its Prefect-free day is the same day."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from acorn.bench_day import run_cycle

TABLES = ("purchase_order", "purchase_order_item", "acknowledgement", "shipment", "carton", "invoice",
          "goods_receipt", "alert")


def _store_figures(db: Path) -> dict[str, object]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        figures: dict[str, object] = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                                      for t in TABLES}
        figures["outbox"] = sorted(tuple(r) for r in conn.execute(sa.text(
            "SELECT kind, state, count(*) FROM outbox GROUP BY kind, state")))
    engine.dispose()
    return figures


def test_a_day_without_prefect_does_what_the_daily_flow_does_and_the_flow_is_one_run_a_day(
        prefect_server: None, tmp_path: Path) -> None:
    plain = run_cycle(pos_per_day=4, days=2, with_prefect=False, workdir=tmp_path / "plain")
    flows = run_cycle(pos_per_day=4, days=2, with_prefect=True, workdir=tmp_path / "prefect")

    assert _store_figures(tmp_path / "plain" / "acorn.db") == _store_figures(tmp_path / "prefect" / "acorn.db")
    assert [d.pos for d in plain.days] == [d.pos for d in flows.days]
    assert all(d.pos > 0 for d in plain.days)
    # every stage and account is a step (task run) of the one daily flow run, not a flow run of its own
    assert [d.flow_runs for d in flows.days] == [1, 1]
    for day in plain.days:
        assert day.statements > 0
        assert sum(int(s) for _, s in day.stages.values()) == day.statements  # every statement is in a step
        assert {"intake", "acknowledge", "plan shipments", "queue ASNs", "queue invoices"} <= set(day.stages)
