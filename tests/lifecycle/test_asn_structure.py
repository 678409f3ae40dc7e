"""ASN structure and Cases through the services and the loopback sandbox (issue 11, deliverable 6).

The shipment's ``shipmentStructure`` follows its cartons (standard case when every carton holds
one item), the shipment counts follow the model's field descriptions, and a PO Amazon ordered in
``Cases`` is acknowledged and shipped in whole cases with ``unitSize``; Amazon accepts each once.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest

from acorn import contract
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day

ISO = "%Y-%m-%dT%H:%M:%SZ"
CASES_PO = "CASES001"
#: a world where only the test's own order exists, so the stock it is decided from is known
ONLY_OUR_ORDER = {"pos_per_day": 0, "history_days": 0, "change_rate": 0.0, "change_after_ack_rate": 0.0}


def _accepted_asns(world: World) -> list[dict[str, Any]]:
    with UnitOfWork(world.db) as uow:
        entries = uow.outbox.list(kind="shipment_confirmation", account_code=US)
        return [c for e in entries if e.state == "accepted" for c in e.payload["shipmentConfirmations"]]


def test_each_shipment_is_standard_case_unless_a_carton_mixes_items_and_counts_what_the_model_asks(
        world: World) -> None:
    for as_of in world.run_times(3):
        run_day(world, as_of)
    confirmations = _accepted_asns(world)
    assert confirmations
    for conf in confirmations:
        contract.validate("shipments", "SubmitShipmentConfirmationsRequest", {"shipmentConfirmations": [conf]})
        mixed = any(len({i["itemReference"] for i in c["items"]}) > 1 for c in conf["cartons"])
        palletised = bool(conf.get("pallets"))
        expected = ("Palletized" if palletised else "Loose") + ("AssortmentCase" if mixed else "StandardCase")
        assert conf["shipmentStructure"] == expected, conf["shipmentIdentifier"]
        measurements = conf["shipmentMeasurements"]
        if palletised:  # "Provide the palletCount only for palletized shipments"
            assert measurements["palletCount"] == len(conf["pallets"]) > 0 and "cartonCount" not in measurements
        else:  # "Provide the cartonCount only for non-palletized shipments"
            assert measurements["cartonCount"] == len(conf["cartons"]) and "palletCount" not in measurements
    assert any(c["shipmentStructure"].endswith("StandardCase") for c in confirmations)
    for entry in world.ledger()["shipmentConfirmations"]:
        assert entry["submissions"] == 1 and entry["accepted"] == 1, entry


def _order_in_cases(world: World) -> dict[str, Any]:
    now = world.clock()
    account = world.settings.account(US)

    def line(seq: str, asin: str, ean: str, cases: int, size: int) -> dict[str, Any]:
        return {"itemSequenceNumber": seq, "amazonProductIdentifier": asin, "vendorProductIdentifier": ean,
                "orderedQuantity": {"amount": cases, "unitOfMeasure": "Cases", "unitSize": size},
                "isBackOrderAllowed": False, "netCost": {"amount": "26.39", "currencyCode": "USD"}}

    return {"purchaseOrderNumber": CASES_PO, "purchaseOrderState": "New", "orderDetails": {
        "purchaseOrderDate": (now - timedelta(hours=1)).strftime(ISO), "purchaseOrderType": "RegularOrder",
        "paymentMethod": "Invoice", "buyingParty": {"partyId": "AMZN"},
        "sellingParty": {"partyId": account.selling_party}, "shipToParty": {"partyId": "ABE8"},
        "billToParty": {"partyId": "AMZN"},
        "shipWindow": f"{now.strftime(ISO)}--{(now + timedelta(days=6)).strftime(ISO)}",
        "items": [
            # chef knife: the factory case holds 10, Amazon orders cases of 12 -> each case repacked
            line("1", "B0ZB24EQFL", "0614141994137", 3, 12),
            # rust mug: Amazon's case is the factory case of 12
            line("2", "B0T9V64RNQ", "0614141540853", 2, 12),
        ]}}


@pytest.mark.parametrize("world", [pytest.param(ONLY_OUR_ORDER, id="only-our-order")], indirect=True)
def test_a_po_ordered_in_cases_is_acknowledged_and_shipped_in_whole_cases(world: World) -> None:
    account = world.settings.account(US)
    with UnitOfWork(world.db) as uow:  # 30 knives: two whole cases of 12 and six units that are no case
        uow.inventory.get("ACR-KN-012", account.erp_warehouse).on_hand = 30
        uow.commit()
    world.operator.post("/_sandbox/purchaseOrders", json={"orders": [_order_in_cases(world)]}).raise_for_status()
    for as_of in world.run_times(3):
        run_day(world, as_of)

    with UnitOfWork(world.db) as uow:
        po = uow.purchase_orders.get(US, CASES_PO)
        items = {i.item_sequence: i for i in uow.purchase_orders.items(po)}
        (ack,) = [e.payload for e in uow.outbox.list(kind="acknowledgement", account_code=US)]
    knife, mug = items["1"], items["2"]
    assert (knife.accepted_qty, knife.rejected_qty, knife.rejection_reason) == (24, 12, "TemporarilyUnavailable")
    assert (mug.accepted_qty, mug.rejected_qty) == (24, 0)
    assert knife.shipped_qty == 24 and mug.shipped_qty == 24

    contract.validate("orders", "SubmitAcknowledgementRequest", ack)
    sent = {i["itemSequenceNumber"]: i for i in ack["acknowledgements"][0]["items"]}
    assert sent["1"]["orderedQuantity"] == {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 12}
    assert [(a["acknowledgementCode"], a["acknowledgedQuantity"], a.get("rejectionReason"))
            for a in sent["1"]["itemAcknowledgements"]] == [
        ("Accepted", {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12}, None),
        ("Rejected", {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12}, "TemporarilyUnavailable")]

    (conf,) = _accepted_asns(world)
    shipped = {i["itemSequenceNumber"]: i["shippedQuantity"] for i in conf["shippedItems"]}
    assert shipped == {"1": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12},
                       "2": {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12}}
    assert [[(i["itemReference"], i["shippedQuantity"]) for i in c["items"]] for c in conf["cartons"]] == (
        [[("1", {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12})]] * 2
        + [[("2", {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12})]] * 2)
    assert conf["shipmentStructure"] == "LooseStandardCase"
    assert conf["shipmentMeasurements"]["cartonCount"] == 4 and "palletCount" not in conf["shipmentMeasurements"]

    ack_entry = world.ledger_entry("acknowledgements", CASES_PO)
    asn_entry = world.ledger_entry("shipmentConfirmations", conf["shipmentIdentifier"])
    assert (ack_entry["submissions"], ack_entry["accepted"]) == (1, 1)
    assert (asn_entry["submissions"], asn_entry["accepted"]) == (1, 1)


def test_the_acknowledgement_states_cases_lines_in_cases_and_leaves_a_cancelled_line_out() -> None:
    from datetime import datetime
    from decimal import Decimal

    from acorn.config import load_settings
    from acorn.domain import SkuInfo, StockLevel, decide_acknowledgements
    from acorn.services.acknowledge import acknowledgement_payload, case_sizes, po_view
    from schemas.tables import PurchaseOrder, PurchaseOrderItem

    as_of = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
    po = PurchaseOrder(account_code=US, po_number="PO000001", state="New", selling_party="ACRNUS", ship_to="ABE8",
                       marketplace="US", currency="USD", order_date=as_of - timedelta(hours=2))
    common = dict(asin="B000MUG001", vendor_sku="MUG", net_cost=Decimal("5.00"), currency="USD")
    items = [PurchaseOrderItem(purchase_order_id=0, item_sequence="1", ordered_qty=60, unit_of_measure="Cases",
                               unit_size=12, **common),
             PurchaseOrderItem(purchase_order_id=0, item_sequence="2", ordered_qty=5, **common),
             PurchaseOrderItem(purchase_order_id=0, item_sequence="3", ordered_qty=0, cancelled=True, **common)]
    skus = {"MUG": SkuInfo("MUG", "B000MUG001", None, case_pack=12, unit_weight_kg=Decimal("0.4"))}
    plan = decide_acknowledgements([po_view(po, items)], skus, {"MUG": StockLevel("MUG", 40)}, as_of=as_of,
                                   case_sizes=case_sizes({"PO000001": items}))
    decisions = {d.item_sequence: d for d in plan.for_po("PO000001")}
    payload = acknowledgement_payload(load_settings().account(US), po, items, decisions, as_of=as_of)
    contract.validate("orders", "SubmitAcknowledgementRequest", payload)
    sent = {i["itemSequenceNumber"]: i for i in payload["acknowledgements"][0]["items"]}
    assert set(sent) == {"1", "2"}  # the cancelled line: left out, Amazon refuses a 0 quantity
    assert [(a["acknowledgementCode"], a["acknowledgedQuantity"]) for a in sent["1"]["itemAcknowledgements"]] == [
        ("Accepted", {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 12}),
        ("Rejected", {"amount": 2, "unitOfMeasure": "Cases", "unitSize": 12})]
    # the 4 units that are no whole case stay free for the next line, which orders in eaches
    assert sent["2"]["itemAcknowledgements"] == [
        {"acknowledgementCode": "Accepted", "acknowledgedQuantity": {"amount": 4, "unitOfMeasure": "Eaches"}},
        {"acknowledgementCode": "Rejected", "acknowledgedQuantity": {"amount": 1, "unitOfMeasure": "Eaches"},
         "rejectionReason": "TemporarilyUnavailable"}]
