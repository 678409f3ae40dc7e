"""The day report's figures read the day's rows through an index, never the whole history.

Each per-day count of ``acorn.services.day_figures`` filters one account's rows on a timestamp
(migration 0009 indexes each pair). The statements it really sends are captured and SQLite's
plan for each is read: each must search an index by account and the day's range; one that walks
a table, or every row of the account, fails the test.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from acorn.config import load_settings
from acorn.services.day_figures import day_figures
from acorn.store import upgrade
from acorn.store.db import engine_for
from acorn.store.uow import units

AS_OF = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
HISTORY_TABLES = ("purchase_order", "acknowledgement", "shipment", "outbox", "invoice", "goods_receipt")


def test_every_day_figure_is_read_through_an_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    upgrade(url)
    settings = load_settings(home=tmp_path, database_url=url)
    sent: list[tuple[str, tuple]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    engine = engine_for(url)
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        day_figures(units(url), settings.accounts, AS_OF)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)

    selects = [(s, p) for s, p in sent if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 10
    with engine.connect() as conn:
        for statement, parameters in selects:
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
            walked = [t for t in HISTORY_TABLES if re.search(rf"\bSCAN {t}\b", plan)]
            assert not walked, f"{walked} read whole by:\n{statement}\nplan: {plan}"
            # the day's window is the index's range, not a filter over the account's whole history
            window = r"SEARCH \w+ USING (COVERING )?INDEX \w+ \(account_code=\? AND (\w+=\? AND )*\w+>\? AND \w+<\?\)"
            assert re.search(window, plan), f"not read by the day's window:\n{statement}\nplan: {plan}"
