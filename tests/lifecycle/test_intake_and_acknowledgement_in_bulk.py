"""Intake and acknowledgement are set-based: a day of 60 POs costs the SQL statements of a day of 3.

Counted with the day harness's statement counter, on SQLite and PostgreSQL. What is stored
is checked too: a bulk path that wrote less would also be cheaper.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from test_intake import AS_OF, _order

from acorn.bench_day import StatementCounter
from acorn.config import load_settings
from acorn.services import acknowledge, intake
from acorn.store import UnitOfWork, engine_for
from acorn.store.uow import units
from schemas.spapi import Order

T = TypeVar("T")


@pytest.fixture
def us():
    return load_settings().account("ACRNUS")


def _statements(url: str, step: Callable[[], T]) -> tuple[int, T]:
    with StatementCounter(engine_for(url)) as counter:
        outcome = step()
    return counter.count, outcome


def _record(url: str, us: Any, orders: list[dict]) -> intake.IntakeResult:
    return intake.record_purchase_orders(units(url), us, [Order.model_validate(o) for o in orders], as_of=AS_OF,
                                         window=(AS_OF, AS_OF))


def _page(prefix: str, count: int, *, changed: bool = False) -> list[dict]:
    """``count`` POs; ``changed``: as Amazon sends them after cutting line 1 from 24 to 20 units."""
    orders = []
    for n in range(count):
        if not changed:
            orders.append(_order(f"{prefix}{n:05d}"))
            continue
        order = _order(f"{prefix}{n:05d}", purchaseOrderChangedDate="2026-03-01T18:00:00Z")
        order["orderDetails"]["items"][0]["orderedQuantity"]["amount"] = 20
        orders.append(order)
    return orders


def _stock(url: str, warehouse: str) -> None:
    """Both SKUs of ``_order`` in the ERP, line 1's with enough stock for 40 POs, line 2's for none."""
    with UnitOfWork(url) as uow:
        for sku, asin, on_hand in (("SKU-1", "B0TESTAAA1", 40 * 24), ("SKU-2", "B0TESTAAA2", 0)):
            uow.skus.upsert(vendor_sku=sku, asin=asin, ean=None, title=sku, case_pack=6,
                            unit_weight_kg=Decimal("0.5"), carton_weight_kg=None, unit_cost=Decimal("5.00"),
                            currency="USD", discontinued=False)
            uow.inventory.upsert(vendor_sku=sku, warehouse=warehouse, on_hand=on_hand, restock_date=None)
        uow.commit()


def test_a_page_of_pos_is_stored_in_the_same_number_of_statements_whatever_its_size(migrated_url: str, us) -> None:
    few, few_result = _statements(migrated_url, lambda: _record(migrated_url, us, _page("PA", 3)))
    many, many_result = _statements(migrated_url, lambda: _record(migrated_url, us, _page("PB", 60)))
    assert (len(few_result.new), len(many_result.new)) == (3, 60)
    assert many == few

    few, few_result = _statements(migrated_url, lambda: _record(migrated_url, us, _page("PA", 3, changed=True)))
    many, many_result = _statements(migrated_url, lambda: _record(migrated_url, us, _page("PB", 60, changed=True)))
    assert (len(few_result.changed), len(many_result.changed)) == (3, 60)
    assert many == few

    again = _record(migrated_url, us, _page("PB", 60, changed=True))
    assert (again.new, again.changed, again.unchanged) == ([], [], 60)
    with UnitOfWork(migrated_url) as uow:
        assert uow.purchase_orders.count("ACRNUS") == 63
        po = uow.purchase_orders.get("ACRNUS", "PB00059")
        assert [(i.item_sequence, i.ordered_qty) for i in uow.purchase_orders.items(po)] == [("1", 20), ("2", 12)]
        assert po.raw_payload["orderDetails"]["purchaseOrderChangedDate"] == "2026-03-01T18:00:00Z"
        assert [e.action for e in uow.audit.list(entity_id="PB00059")] == ["po.received", "po.changed"]
        assert uow.audit.list(entity_id="PB00059")[1].detail == {"changes": ["changed_date", "item 1 qty 24->20"]}


def test_acknowledging_60_pos_costs_the_statements_of_3_whatever_was_acknowledged_before(migrated_url: str,
                                                                                          us) -> None:
    store = units(migrated_url)
    _stock(migrated_url, us.erp_warehouse)
    _record(migrated_url, us, _page("PA", 3))
    few, few_result = _statements(migrated_url, lambda: acknowledge.decide_and_queue(store, us, as_of=AS_OF))
    _record(migrated_url, us, _page("PB", 60))
    many, many_result = _statements(migrated_url, lambda: acknowledge.decide_and_queue(store, us, as_of=AS_OF))
    _record(migrated_url, us, _page("PC", 3))
    after, after_result = _statements(migrated_url, lambda: acknowledge.decide_and_queue(store, us, as_of=AS_OF))
    assert (len(few_result.decided), len(many_result.decided), len(after_result.decided)) == (3, 60, 3)
    assert many == few and after == few

    # first come, first served: stock for line 1 of 40 POs, so PB00036 is the last one fully accepted
    with UnitOfWork(migrated_url) as uow:
        def line(po_number: str, seq: str) -> tuple[int, int, int]:
            item = uow.purchase_orders.item(uow.purchase_orders.get("ACRNUS", po_number), seq)
            return item.accepted_qty, item.backordered_qty, item.rejected_qty
        assert line("PB00036", "1") == (24, 0, 0) and line("PB00037", "1") == (0, 0, 24)
        assert line("PB00036", "2") == (0, 0, 12)
        assert len(uow.outbox.list(kind="acknowledgement")) == 66
        assert [e.action for e in uow.audit.list(entity="outbox", entity_id=acknowledge.ack_key("ACRNUS", "PB00059"))
                ] == ["acknowledgement.queued"]
        ack = uow.acknowledgements.get("ACRNUS", "PB00037")
        assert (ack.accepted_units, ack.rejected_units, ack.decided_at) == (0, 36, AS_OF)
        alerts = {a.dedupe_key for a in uow.alerts.list(account_code="ACRNUS")}
    # every PO ordered on 1 March and decided late on 2 March; none reaches 80% of its units
    assert {f"ack-late:ACRNUS:PB{n:05d}" for n in range(60)} <= alerts
    assert {f"fill-rate:ACRNUS:PB{n:05d}" for n in range(60)} <= alerts
    # a rerun finds nothing left to decide
    assert acknowledge.decide_and_queue(units(migrated_url), us, as_of=AS_OF).decided == []
