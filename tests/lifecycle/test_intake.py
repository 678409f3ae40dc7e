"""PO intake: conversion, quarantine of malformed POs, Amazon's changes and cancellations."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from pathlib import Path

import pytest

from acorn import contract
from acorn.config import load_settings
from acorn.services import acknowledge, intake, shipments
from acorn.store import UnitOfWork, upgrade
from schemas.spapi import Order

AS_OF = datetime(2026, 3, 2, 20, 10, tzinfo=timezone.utc)


def _order(number: str = "PO000001", **changes) -> dict:
    order = {
        "purchaseOrderNumber": number, "purchaseOrderState": "New",
        "orderDetails": {
            "purchaseOrderDate": "2026-03-01T10:00:00Z", "purchaseOrderStateChangedDate": "2026-03-01T10:00:00Z",
            "purchaseOrderType": "RegularOrder", "paymentMethod": "Invoice",
            "sellingParty": {"partyId": "ACRNUS"}, "shipToParty": {"partyId": "ABE8"},
            "shipWindow": "2026-03-03T00:00:00Z--2026-03-09T00:00:00Z",
            "items": [
                {"itemSequenceNumber": "1", "amazonProductIdentifier": "B0TESTAAA1", "vendorProductIdentifier": "SKU-1", "isBackOrderAllowed": True,
                 "orderedQuantity": {"amount": 24, "unitOfMeasure": "Eaches"},
                 "netCost": {"currencyCode": "USD", "amount": "12.50"}},
                {"itemSequenceNumber": "2", "amazonProductIdentifier": "B0TESTAAA2", "vendorProductIdentifier": "SKU-2", "isBackOrderAllowed": True,
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
def us():  # noqa: ANN201
    return load_settings().account("ACRNUS")


def _record(db: str, us, *orders: dict) -> intake.IntakeResult:  # noqa: ANN001
    parsed = [Order.model_validate(o) for o in orders]
    return intake.record_purchase_orders(db, us, parsed, as_of=AS_OF, window=(AS_OF, AS_OF))


def test_a_po_is_stored_in_eaches_with_its_raw_payload(db: str, us) -> None:  # noqa: ANN001
    result = _record(db, us, _order())
    assert result.new == ["PO000001"]
    with UnitOfWork(db) as uow:
        po = uow.purchase_orders.get("ACRNUS", "PO000001")
        items = uow.purchase_orders.items(po)
    assert [i.ordered_qty for i in items] == [24, 12]  # 2 cases of 6
    assert po.raw_payload["purchaseOrderNumber"] == "PO000001"
    assert po.ship_window_start == datetime(2026, 3, 3, tzinfo=timezone.utc)


def test_reading_the_same_po_twice_changes_nothing(db: str, us) -> None:  # noqa: ANN001
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
])
def test_a_malformed_po_is_quarantined_by_name_and_the_rest_loads(db: str, us, mutate, field: str) -> None:  # noqa: ANN001
    bad = _order("PO000BAD")
    mutate(bad)
    result = _record(db, us, bad, _order("PO000002"))
    assert result.quarantined == ["PO000BAD"] and result.new == ["PO000002"]
    with UnitOfWork(db) as uow:
        [alert] = uow.alerts.list()
    assert "PO000BAD" in alert.message and field in alert.message


def test_an_item_amazon_cancels_is_never_shipped(db: str, us) -> None:  # noqa: ANN001
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
    wm = datetime(2026, 3, 1, tzinfo=timezone.utc)
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
    result = intake.record_purchase_orders(db, account, list(orders.values()), as_of=AS_OF, window=(AS_OF, AS_OF))
    assert sorted(result.new + result.quarantined) == sorted(orders)
