"""PO intake: conversion, quarantine of malformed POs, Amazon's changes and cancellations."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from acorn import contract
from acorn.config import load_settings
from acorn.services import acknowledge, intake, shipments
from acorn.store import UnitOfWork, upgrade
from acorn.store.uow import units
from schemas.spapi import Order

AS_OF = datetime(2026, 3, 2, 20, 10, tzinfo=UTC)


def _order(number: str = "PO000001", **changes) -> dict:
    order = {
        "purchaseOrderNumber": number, "purchaseOrderState": "New",
        "orderDetails": {
            "purchaseOrderDate": "2026-03-01T10:00:00Z", "purchaseOrderStateChangedDate": "2026-03-01T10:00:00Z",
            "purchaseOrderType": "RegularOrder", "paymentMethod": "Invoice",
            "sellingParty": {"partyId": "ACRNUS"}, "shipToParty": {"partyId": "ABE8"},
            "shipWindow": "2026-03-03T00:00:00Z--2026-03-09T00:00:00Z",
            "items": [
                {"itemSequenceNumber": "1", "amazonProductIdentifier": "B0TESTAAA1", "vendorProductIdentifier": "SKU-1",
                 "isBackOrderAllowed": True,
                 "orderedQuantity": {"amount": 24, "unitOfMeasure": "Eaches"},
                 "netCost": {"currencyCode": "USD", "amount": "12.50"}},
                {"itemSequenceNumber": "2", "amazonProductIdentifier": "B0TESTAAA2", "vendorProductIdentifier": "SKU-2",
                 "isBackOrderAllowed": True,
                 "orderedQuantity": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 6},
                 "netCost": {"currencyCode": "USD", "amount": "3.10"}},
            ]}}
    order["orderDetails"].update(changes)
    assert contract.problems("orders", "Order", order) == []
    return order


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    upgrade(url)
    return url


@pytest.fixture
def us():
    return load_settings().account("ACRNUS")


def _record(db: str, us, *orders: dict) -> intake.IntakeResult:
    parsed = [Order.model_validate(o) for o in orders]
    return intake.record_purchase_orders(units(db), us, parsed, as_of=AS_OF, window=(AS_OF, AS_OF))


def test_a_po_is_stored_in_eaches_with_its_raw_payload(db: str, us) -> None:
    result = _record(db, us, _order())
    assert result.new == ["PO000001"]
    with UnitOfWork(db) as uow:
        po = uow.purchase_orders.get("ACRNUS", "PO000001")
        items = uow.purchase_orders.items(po)
    assert [i.ordered_qty for i in items] == [24, 12]  # 2 cases of 6
    assert po.raw_payload["purchaseOrderNumber"] == "PO000001"
    assert po.ship_window_start == datetime(2026, 3, 3, tzinfo=UTC)


def test_reading_the_same_po_twice_changes_nothing(db: str, us) -> None:
    _record(db, us, _order())
    again = _record(db, us, _order())
    assert (again.new, again.changed, again.unchanged) == ([], [], 1)


@pytest.mark.parametrize(("mutate", "field"), [
    pytest.param(lambda o: o["orderDetails"].update(items=[]), "orderDetails.items", id="no-items"),
    pytest.param(lambda o: o["orderDetails"]["items"][1]["netCost"].update(amount="0"),
                 "orderDetails.items[1].netCost.amount", id="zero-cost"),
    pytest.param(lambda o: o["orderDetails"]["items"][0]["netCost"].update(currencyCode="EUR"),
                 "orderDetails.items[0].netCost.currencyCode", id="wrong-currency"),
    pytest.param(lambda o: o["orderDetails"].update(sellingParty={"partyId": "SOMEONE"}),
                 "orderDetails.sellingParty.partyId", id="other-vendor"),
    pytest.param(lambda o: o["orderDetails"]["items"][1].update(itemSequenceNumber="1"),
                 "orderDetails.items[1].itemSequenceNumber", id="repeated-item-sequence"),
    pytest.param(lambda o: o["orderDetails"]["items"][0].update(itemSequenceNumber="  "),
                 "orderDetails.items[0].itemSequenceNumber", id="blank-item-sequence"),
    pytest.param(lambda o: o["orderDetails"]["items"][0].update(itemSequenceNumber="12345678901"),
                 "orderDetails.items[0].itemSequenceNumber", id="item-sequence-longer-than-its-column"),
    pytest.param(lambda o: o["orderDetails"]["items"][0]["orderedQuantity"].update(amount=10**20),
                 "orderDetails.items[0].orderedQuantity.amount", id="quantity-1e20"),
    pytest.param(lambda o: o["orderDetails"]["items"][0]["orderedQuantity"].update(amount=-1),
                 "orderDetails.items[0].orderedQuantity.amount", id="negative-quantity"),
    pytest.param(lambda o: o["orderDetails"]["items"][1]["orderedQuantity"].update(amount=5_000_000),
                 "orderDetails.items[1].orderedQuantity.amount", id="cases-times-unit-size-out-of-range"),
    pytest.param(lambda o: o["orderDetails"]["items"][1]["orderedQuantity"].update(unitSize=0),
                 "orderDetails.items[1].orderedQuantity.unitSize", id="zero-unit-size"),
    pytest.param(lambda o: o["orderDetails"]["items"][1]["orderedQuantity"].update(unitSize=10**9),
                 "orderDetails.items[1].orderedQuantity.unitSize", id="huge-unit-size"),
    pytest.param(lambda o: o["orderDetails"]["items"][0]["orderedQuantity"].update(unitOfMeasure="Pallets"),
                 "orderDetails.items[0].orderedQuantity.unitOfMeasure", id="unknown-unit-of-measure"),
    pytest.param(lambda o: o["orderDetails"]["items"][0]["netCost"].update(amount="1000000000000.00"),
                 "orderDetails.items[0].netCost.amount", id="cost-beyond-numeric-14-2"),
    pytest.param(lambda o: o["orderDetails"]["items"][0]["netCost"].update(currencyCode="XXX"),
                 "orderDetails.items[0].netCost.currencyCode", id="currency-not-iso-4217"),
    pytest.param(lambda o: o["orderDetails"]["items"][0].update(amazonProductIdentifier="B0TESTAAA1-TOO-LONG"),
                 "orderDetails.items[0].amazonProductIdentifier", id="asin-longer-than-its-column"),
    pytest.param(lambda o: o["orderDetails"].update(shipToParty={"partyId": "X" * 21}),
                 "orderDetails.shipToParty.partyId", id="ship-to-longer-than-its-column"),
])
def test_a_malformed_po_is_quarantined_by_name_and_the_rest_loads(db: str, us, mutate, field: str) -> None:
    bad = _order("PO000BAD")
    mutate(bad)
    result = _record(db, us, bad, _order("PO000002"))
    assert result.quarantined == ["PO000BAD"] and result.new == ["PO000002"]
    with UnitOfWork(db) as uow:
        [alert] = uow.alerts.list()
    assert "PO000BAD" in alert.message and field in alert.message


def test_an_item_amazon_cancels_is_never_shipped(db: str, us) -> None:
    _record(db, us, _order())
    changed = _order(purchaseOrderChangedDate="2026-03-01T18:00:00Z")
    changed["orderDetails"]["items"][1]["orderedQuantity"] = {"amount": 0, "unitOfMeasure": "Eaches"}
    result = _record(db, us, changed)
    assert result.changed == ["PO000001"]
    with UnitOfWork(db) as uow:
        po = uow.purchase_orders.get("ACRNUS", "PO000001")
        cancelled = uow.purchase_orders.item(po, "2")
        assert cancelled.cancelled and cancelled.ordered_qty == 0
        for item in uow.purchase_orders.items(po):  # pretend Amazon accepted everything still ordered
            item.accepted_qty = item.ordered_qty
        uow.commit()
    view = acknowledge.po_view(po, [cancelled])
    assert view.active_lines == ()
    with UnitOfWork(db) as uow:
        open_items = uow.purchase_orders.open_items()
    assert [(i.item_sequence, i.accepted_qty) for i in open_items] == [("1", 24)]


def test_intake_windows_start_at_the_watermark_and_never_run_backwards() -> None:
    wm = datetime(2026, 3, 1, tzinfo=UTC)
    assert intake.intake_window(wm, AS_OF) == (wm, AS_OF)
    assert intake.intake_window(None, AS_OF)[0] == AS_OF - intake.FIRST_RUN_LOOKBACK
    assert intake.intake_window(AS_OF, AS_OF)[0] == AS_OF - intake.RERUN_LOOKBACK
    assert shipments.shipment_identifier("PO000001", AS_OF) == "PO000001-260302"


def test_amazons_example_orders_are_each_stored_or_quarantined_by_name(db: str) -> None:
    """Amazon's examples use other selling parties: every one is accounted for, none lost."""
    account = load_settings().account("ACRNUS")
    orders = {}
    for ex in contract.sandbox_examples("orders"):
        if ex.operation_id == "getPurchaseOrders" and ex.status == "200":
            for raw in ex.response["payload"]["orders"]:
                try:
                    order = Order.model_validate(copy.deepcopy(raw))
                except ValueError:  # the client reports those; intake never sees them
                    continue
                orders[order.purchase_order_number] = order
    assert orders
    result = intake.record_purchase_orders(units(db), account, list(orders.values()), as_of=AS_OF,
                                           window=(AS_OF, AS_OF))
    assert sorted(result.new + result.quarantined) == sorted(orders)


@pytest.mark.parametrize(("number", "label"), [
    pytest.param("", intake.NO_PO_NUMBER, id="empty"),
    pytest.param("   ", intake.NO_PO_NUMBER, id="blank"),
    pytest.param("P" * 41, "P" * 40 + "…", id="longer-than-its-column"),
])
def test_a_po_without_a_usable_number_is_quarantined_under_a_stand_in_name(db: str, us, number: str,
                                                                           label: str) -> None:
    result = _record(db, us, _order(number), _order("PO000002"))
    assert result.quarantined == [label] and result.new == ["PO000002"]
    with UnitOfWork(db) as uow:
        [alert] = uow.alerts.list()
    assert alert.dedupe_key == f"po-malformed:ACRNUS:{label}" and "purchaseOrderNumber" in alert.message


def _convert_missing_a_check(mutate_items):
    """``_convert`` as if one of its checks were missing: the database is the last line."""
    real = intake._convert

    def convert(order, account):
        header, items = real(order, account)
        if header["po_number"] == "PO000BAD":
            mutate_items(items)
        return header, items
    return convert


@pytest.mark.parametrize(("mutate_items", "words"), [
    pytest.param(lambda items: items[0].update(ordered_qty=10**20), "too large", id="overflow"),
    pytest.param(lambda items: items[1].update(item_sequence=items[0]["item_sequence"]), "UNIQUE",
                 id="integrity"),
])
def test_a_po_the_database_refuses_is_rolled_back_alone_and_quarantined_with_its_message(
        db: str, us, monkeypatch: pytest.MonkeyPatch, mutate_items, words: str) -> None:
    monkeypatch.setattr(intake, "_convert", _convert_missing_a_check(mutate_items))
    result = _record(db, us, _order("PO000001"), _order("PO000BAD"), _order("PO000002"))
    assert result.new == ["PO000001", "PO000002"] and result.quarantined == ["PO000BAD"]
    with UnitOfWork(db) as uow:
        assert uow.purchase_orders.get("ACRNUS", "PO000BAD") is None
        assert [a.message for a in uow.alerts.list()][0].startswith("PO PO000BAD: (database): the store refused it")
        assert words in uow.alerts.list()[0].message
        assert uow.watermarks.get("po-intake:ACRNUS") == AS_OF
        assert [e.action for e in uow.audit.list(entity_id="PO000BAD")] == ["po.quarantined"]


def test_a_po_that_turns_bad_after_it_was_fixed_reopens_its_alert(db: str, us) -> None:
    bad = _order("PO000BAD")
    bad["orderDetails"]["items"][0]["netCost"]["currencyCode"] = "XXX"
    _record(db, us, bad)
    _record(db, us, _order("PO000BAD", purchaseOrderChangedDate="2026-03-01T12:00:00Z"))
    worse = _order("PO000BAD", purchaseOrderChangedDate="2026-03-01T18:00:00Z")
    worse["orderDetails"]["items"] = []
    result = _record(db, us, worse)
    assert result.quarantined == ["PO000BAD"]
    with UnitOfWork(db) as uow:
        [alert] = uow.alerts.list()
        assert "orderDetails.items: no items" in alert.message
        # the last good version stays stored; Acorn works from it until Amazon fixes the PO
        assert uow.purchase_orders.get("ACRNUS", "PO000BAD") is not None


@pytest.mark.postgres
def test_a_po_another_run_inserts_first_is_taken_as_an_update_not_a_failure(postgres_url: str, us) -> None:
    """The race of two runs on PostgreSQL, made deterministic: just before this run's INSERT
    of the PO, a rival run stores and commits the same PO; the INSERT hits the unique
    constraint, only the PO's savepoint rolls back, and the re-read finds the rival's row."""
    import sqlalchemy as sa

    from acorn.store.db import engine_for

    upgrade(postgres_url)
    rival: list[intake.IntakeResult] = []
    raced = threading.Event()

    def rival_first(conn, cursor, statement: str, *args) -> None:
        if statement.startswith("INSERT INTO purchase_order ") and not raced.is_set():
            raced.set()  # once: the rival's own INSERT passes straight through
            rival.append(_record(postgres_url, us, _order("PO000001")))

    sa.event.listen(engine_for(postgres_url), "before_cursor_execute", rival_first)
    try:
        result = _record(postgres_url, us, _order("PO000001"), _order("PO000002"))
    finally:
        sa.event.remove(engine_for(postgres_url), "before_cursor_execute", rival_first)
    assert rival[0].new == ["PO000001"]
    assert result.new == ["PO000002"] and result.unchanged == 1 and result.quarantined == []
    with UnitOfWork(postgres_url) as uow:
        assert uow.purchase_orders.count("ACRNUS") == 2
        assert len(uow.purchase_orders.items(uow.purchase_orders.get("ACRNUS", "PO000001"))) == 2
