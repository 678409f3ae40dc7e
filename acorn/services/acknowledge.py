"""Acknowledge new purchase orders from ERP stock, through the outbox.

Decisions are made once per PO and stored on its items before anything is posted, so a
rerun re-sends nothing and re-decides nothing: it only advances the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from acorn import contract
from acorn.config import VendorAccountSettings
from acorn.domain.acknowledgement import LineDecision, PoFillRate, decide_acknowledgements, in_cases
from acorn.domain.documents import DocumentKind
from acorn.domain.model import OrderLine, PurchaseOrderView, line_ref
from acorn.gates import gate_acknowledgements, gate_each
from acorn.services import outbox
from acorn.services.outbox import crash_point
from acorn.services.ports import AmazonApi, Units
from acorn.services.stock import free_stock, sku_master
from acorn.store import UnitOfWork
from acorn.store.ids import stored_id
from schemas.tables import Acknowledgement, PurchaseOrder, PurchaseOrderItem

log = logging.getLogger("acorn.acknowledge")


@dataclass
class AcknowledgeResult:
    decided: list[str] = field(default_factory=list)
    gated: list[str] = field(default_factory=list)
    accepted_units: int = 0
    backordered_units: int = 0
    rejected_units: int = 0
    outbox_keys: list[str] = field(default_factory=list)


def ack_key(account_code: str, po_number: str) -> str:
    return f"ack:{account_code}:{po_number}"


def po_view(po: PurchaseOrder, items: list[PurchaseOrderItem]) -> PurchaseOrderView:
    start = po.ship_window_start or po.delivery_window_start or po.order_date
    end = po.ship_window_end or po.delivery_window_end or start
    return PurchaseOrderView(
        po_number=po.po_number, selling_party=po.selling_party, ship_to=po.ship_to, marketplace=po.marketplace,
        order_date=po.order_date, ship_window_start=start, ship_window_end=end,
        delivery_window_start=po.delivery_window_start, delivery_window_end=po.delivery_window_end,
        # a missing net cost reaches the domain's own check, which names the line
        lines=tuple(OrderLine(po_number=po.po_number, item_sequence=i.item_sequence, asin=i.asin or "",
                              vendor_sku=i.vendor_sku or "", ordered_qty=i.ordered_qty,
                              net_cost=cast(Decimal, i.net_cost),
                              currency=i.currency or po.currency, cancelled=i.cancelled,
                              backorder_allowed=i.backorder_allowed) for i in items))


def decide_and_queue(units: Units, account: VendorAccountSettings, *, as_of: datetime) -> AcknowledgeResult:
    """Decide every unacknowledged PO ordered by ``as_of`` and queue its acknowledgement.

    Set-based: the POs, their items, the SKU master, stock and what is already promised are
    read in a few queries whatever the number of POs; the decisions, outbox rows and alerts
    are written together at commit.
    """
    result = AcknowledgeResult()
    with units() as uow:
        uow.stage_lock(f"decide-acknowledgements:{account.code}")
        pos, items = _to_decide(uow, account, as_of=as_of)
        if not pos:
            return result
        decided, fills = _decide(uow, account, pos, items, as_of=as_of)
        gates = gate_each(gate_acknowledgements,
                          {po.po_number: [asdict(d) for d in decided[po.po_number]] for po in pos})
        writes = _Writes()
        for po in pos:
            if not gates[po.po_number].passed:
                result.gated.append(po.po_number)
                writes.alerts.append(_gate_alert(account, po.po_number, gates[po.po_number].summary()))
                continue
            _queue_acknowledgement(writes, result, account, po, items[po.po_number], decided[po.po_number],
                                   fills[po.po_number], as_of=as_of)
        _write(uow, writes)
        uow.commit()
    crash_point("after_queue", DocumentKind.ACKNOWLEDGEMENT)
    log.info("%s: decided %d POs (%d accepted, %d backordered, %d rejected units)", account.code,
             len(result.decided), result.accepted_units, result.backordered_units, result.rejected_units)
    return result


@dataclass
class _Writes:
    """What deciding a batch of POs writes at its commit, gathered first so each table gets one statement."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    acknowledgements: list[Acknowledgement] = field(default_factory=list)
    decided_items: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)


def _decide(uow: UnitOfWork, account: VendorAccountSettings, pos: list[PurchaseOrder],
            items: dict[str, list[PurchaseOrderItem]], *,
            as_of: datetime) -> tuple[dict[str, list[LineDecision]], dict[str, PoFillRate]]:
    """Each PO's line decisions and fill rate, from the SKU master and the warehouse's free stock."""
    skus = sku_master(uow)
    plan = decide_acknowledgements([po_view(po, items[po.po_number]) for po in pos], skus,
                                   free_stock(uow, account.erp_warehouse, skus=skus, today=as_of.date()),
                                   as_of=as_of, case_sizes=case_sizes(items),
                                   accept_arrivals=account.accept_arriving_stock)
    decided: dict[str, list[LineDecision]] = {po.po_number: [] for po in pos}
    for decision in plan.decisions:
        decided[decision.po_number].append(decision)
    fills = {fill.po_number: fill for fill in plan.fill_rates}
    return decided, fills


def _queue_acknowledgement(writes: _Writes, result: AcknowledgeResult, account: VendorAccountSettings,
                           po: PurchaseOrder, items: list[PurchaseOrderItem], decided: list[LineDecision],
                           fill: PoFillRate, *, as_of: datetime) -> None:
    """Record a PO's decisions on its items, queue its acknowledgement and mark it acknowledged."""
    decisions = {d.item_sequence: d for d in decided}
    writes.decided_items += [_decided(item, decisions.get(item.item_sequence)) for item in items]
    payload = acknowledgement_payload(account, po, items, decisions, as_of=as_of)
    contract.validate("orders", "SubmitAcknowledgementRequest", payload)
    key = ack_key(account.code, po.po_number)
    writes.documents.append({"kind": DocumentKind.ACKNOWLEDGEMENT, "key": key, "account_code": account.code,
                             "business_id": po.po_number, "payload": payload})
    writes.acknowledgements.append(Acknowledgement(
        account_code=account.code, po_number=po.po_number, decided_at=as_of,
        deadline=fill.acknowledgement_deadline, outbox_key=key, accepted_units=fill.accepted_qty,
        backordered_units=fill.backordered_qty, rejected_units=fill.rejected_qty))
    po.acknowledged_at = as_of
    writes.alerts.extend(_compliance_alerts(account, po.po_number, fill))
    result.decided.append(po.po_number)
    result.outbox_keys.append(key)
    result.accepted_units += fill.accepted_qty
    result.backordered_units += fill.backordered_qty
    result.rejected_units += fill.rejected_qty


def _write(uow: UnitOfWork, writes: _Writes) -> None:
    """The batch's writes, one statement per table."""
    uow.purchase_orders.update_items(writes.decided_items)
    uow.acknowledgements.insert_all(writes.acknowledgements)
    outbox.enqueue_many(uow, writes.documents)
    uow.alerts.raise_alerts(writes.alerts)


def _to_decide(uow: UnitOfWork, account: VendorAccountSettings, *,
               as_of: datetime) -> tuple[list[PurchaseOrder], dict[str, list[PurchaseOrderItem]]]:
    """The unacknowledged POs ordered by ``as_of`` with a line still ordered, and their items: two queries."""
    pos = [po for po in uow.purchase_orders.list(account.code, states=["New"], unacknowledged=True)
           if po.order_date <= as_of]
    lines = uow.purchase_orders.items_of(pos)
    items = {po.po_number: lines[stored_id(po)] for po in pos}
    # every line cancelled by Amazon: there is nothing to acknowledge (Amazon closes such a PO)
    pos = [po for po in pos if any(not i.cancelled for i in items[po.po_number])]
    return pos, {po.po_number: items[po.po_number] for po in pos}


def _gate_alert(account: VendorAccountSettings, po_number: str, summary: str) -> dict[str, Any]:
    return {"dedupe_key": f"ack-gate:{account.code}:{po_number}", "account_code": account.code,
            "kind": "acknowledgement_gate_failed", "po_number": po_number,
            "subject": f"Acknowledgement of PO {po_number} held back by the quality gate",
            "message": summary, "severity": "error",
            "next_step": "Check the PO lines and the SKU master named in the message; nothing was sent."}


def case_sizes(items: dict[str, list[PurchaseOrderItem]]) -> dict[tuple[str, str], int]:
    """Units per case of the lines Amazon ordered in ``Cases``, by (PO number, item sequence)."""
    return {(po_number, i.item_sequence): i.unit_size for po_number, lines in items.items() for i in lines
            if i.unit_of_measure == "Cases"}


def quantity(item: PurchaseOrderItem, qty: int, *, po_number: str, field: str) -> dict[str, Any]:
    """Amazon's ``ItemQuantity`` for ``qty`` eaches of ``item``, in the unit Amazon ordered it in.

    A line ordered in ``Cases`` is stated in whole cases with its ``unitSize`` (the model:
    "The case size, in the event that we ordered using cases"); any other line in eaches.
    """
    if item.unit_of_measure != "Cases":
        return {"amount": qty, "unitOfMeasure": "Eaches"}
    cases = in_cases(qty, item.unit_size, record=line_ref(po_number, item.item_sequence), field=field)
    return {"amount": cases, "unitOfMeasure": "Cases", "unitSize": item.unit_size}


def _decided(item: PurchaseOrderItem, decision: LineDecision | None) -> dict[str, Any]:
    """What the decision writes on the item (by id): the same fields for every item, so that all
    of them go in one UPDATE."""
    if decision is None:  # cancelled line: nothing promised
        return {"id": item.id, "accepted_qty": 0, "backordered_qty": 0, "rejected_qty": 0, "arriving_qty": 0,
                "rejection_reason": item.rejection_reason, "scheduled_ship_date": item.scheduled_ship_date}
    return {"id": item.id, "accepted_qty": decision.accepted_qty, "backordered_qty": decision.backordered_qty,
            "rejected_qty": decision.rejected_qty, "arriving_qty": decision.arriving_qty,
            "rejection_reason": decision.rejection_reason.value if decision.rejection_reason else None,
            "scheduled_ship_date": decision.scheduled_ship_date}


def acknowledgement_payload(account: VendorAccountSettings, po: PurchaseOrder, items: list[PurchaseOrderItem],
                            decisions: dict[str, LineDecision], *, as_of: datetime) -> dict[str, Any]:
    lines = []
    for item in items:
        decision = decisions.get(item.item_sequence)
        parts = decision.parts if decision else ()
        if not parts:  # a line Amazon cancelled: nothing to confirm (Amazon refuses a 0 quantity)
            continue
        acks = [{"acknowledgementCode": p.code.value,
                 "acknowledgedQuantity": quantity(item, p.qty, po_number=po.po_number,
                                                  field=f"{p.code.value.lower()}_qty"),
                 **({"scheduledShipDate": f"{p.scheduled_ship_date.isoformat()}T00:00:00Z"}
                    if p.scheduled_ship_date else {}),
                 **({"rejectionReason": p.rejection_reason.value} if p.rejection_reason else {})}
                for p in parts]
        line: dict[str, Any] = {"itemSequenceNumber": item.item_sequence,
                                "orderedQuantity": quantity(item, item.ordered_qty, po_number=po.po_number,
                                                            field="ordered_qty"),
                                "netCost": {"currencyCode": item.currency or po.currency,
                                            "amount": f"{item.net_cost:.2f}"},
                                "itemAcknowledgements": acks}
        if item.asin:
            line["amazonProductIdentifier"] = item.asin
        if item.vendor_sku:
            line["vendorProductIdentifier"] = item.vendor_sku
        lines.append(line)
    return {"acknowledgements": [{
        "purchaseOrderNumber": po.po_number, "sellingParty": {"partyId": account.selling_party},
        "acknowledgementDate": as_of.strftime("%Y-%m-%dT%H:%M:%SZ"), "items": lines}]}


def _compliance_alerts(account: VendorAccountSettings, po_number: str, fill: Any) -> list[dict[str, Any]]:
    """The alerts (``raise_alert`` arguments) a PO's fill rate and timing call for, logged as found."""
    alerts = []
    if not fill.compliant:
        log.warning("%s: PO %s confirmed at %.1f%% of requested units (Amazon expects 80%%)", account.code, po_number,
                    fill.fill_rate * 100)
        alerts.append(dict(
            dedupe_key=f"fill-rate:{account.code}:{po_number}", account_code=account.code, kind="low_fill_rate",
            po_number=po_number,
            subject=f"PO {po_number} confirmed at {fill.fill_rate:.0%} of requested units",
            message=(f"accepted {fill.accepted_qty} + backordered {fill.backordered_qty} of {fill.requested_qty} "
                     "requested units; Amazon expects at least 80%"),
            next_step="Check stock and restock dates in the ERP; backorder with a date rather than reject "
                      "when goods are coming."))
    if fill.acknowledged_late:
        log.warning("%s: PO %s acknowledged late: deadline %s", account.code, po_number,
                    f"{fill.acknowledgement_deadline:%Y-%m-%d %H:%M} UTC")
        alerts.append(dict(
            dedupe_key=f"ack-late:{account.code}:{po_number}", account_code=account.code, kind="late_acknowledgement",
            po_number=po_number,
            subject=f"PO {po_number} acknowledged after its 24-hour deadline",
            message=f"deadline was {fill.acknowledgement_deadline:%Y-%m-%d %H:%M} UTC",
            next_step="Run po_intake and acknowledge_orders more often (the deployment schedule), and check why "
                      "the PO arrived late."))
    return alerts


def confirm_acknowledged(client: AmazonApi) -> outbox.Confirmer:
    """Outbox confirmer: Amazon's PO status tells whether a lost acknowledgement landed."""

    def confirm(entry: Any) -> bool | None:
        for status in client.get_purchase_orders_status(purchase_order_number=entry.business_id):
            confirmations = {(i.acknowledgement_status.confirmation_status if i.acknowledgement_status else None)
                             for i in status.item_status}
            return bool(confirmations - {None, "UNCONFIRMED"})
        return None

    return confirm
