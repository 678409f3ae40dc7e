"""Plan tomorrow's shipments: allocate, cartonize, palletize, label, schedule.

One shipment per purchase order and departure: the ASN then names one PO, so item
references inside cartons are unambiguous and the invoice follows the shipment 1:1.
Planning happens once; a rerun finds nothing left to ship and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from acorn.carriers import carrier_port, pro_format
from acorn.config import AcornSettings, VendorAccountSettings
from acorn.domain.calendar import MarketplaceCalendar
from acorn.domain.carrier_numbers import ProRangeExhausted, freight_terms
from acorn.domain.cartons import CartonPlan
from acorn.domain.deadlines import AsnDeadlinePolicy, ShipSchedule, plan_ship_dates
from acorn.domain.documents import DocumentState
from acorn.domain.freight import FreightPolicy, LoadPlan, ShipMode, plan_load
from acorn.domain.labels import assign_ssccs
from acorn.domain.model import ShipmentItem, SkuInfo
from acorn.domain.pallets import PalletPlan
from acorn.domain.routing import earliest_collect_pickup
from acorn.domain.states import ShipmentStatus
from acorn.services import packing, routing
from acorn.services.acknowledge import ack_key
from acorn.services.ports import Units
from acorn.services.stock import SkuResolver, awaiting_arrival, open_units, sku_master
from acorn.store import UnitOfWork
from acorn.store.ids import stored_id
from schemas.tables import AuditEvent, Carton, Pallet, PurchaseOrder, PurchaseOrderItem, Shipment, ShipmentLine

log = logging.getLogger("acorn.shipments")


@dataclass
class PlanResult:
    shipments: list[str] = field(default_factory=list)
    cartons: int = 0
    pallets: int = 0
    #: POs whose ship window has not opened, or whose accepted goods have not arrived yet
    waiting: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def dock_calendar(account: VendorAccountSettings, time_zone: str | None = None) -> MarketplaceCalendar:
    """The working days of the account's ship-from dock: its country's, in the dock's time zone."""
    return MarketplaceCalendar(account.ship_from_address.country_code.upper(), time_zone or account.ship_from_tz)


def freight_policy(account: VendorAccountSettings) -> FreightPolicy:
    return FreightPolicy(max_carton_weight_kg=account.max_carton_weight_kg,
                         max_cartons_per_pallet=account.max_cartons_per_pallet,
                         max_pallet_weight_kg=account.max_pallet_weight_kg)


def earliest_departure(account: VendorAccountSettings, *, as_of: datetime) -> datetime:
    """When goods planned at ``as_of`` may leave: now for our own carriers; for Amazon-arranged freight
    the first pickup Amazon's lead time allows, counted in the marketplace's calendar (Amazon's)."""
    if account.freight != "amazon":
        return as_of
    return earliest_collect_pickup(as_of, calendar=MarketplaceCalendar.for_marketplace(account.marketplace),
                                   lead_business_days=account.collect_pickup_lead_business_days)


def schedule_for(settings: AcornSettings, account: VendorAccountSettings, po: PurchaseOrder, *,
                 as_of: datetime, ignore_window: bool = False) -> ShipSchedule:
    """When ``po`` leaves and arrives; ``ignore_window`` gives the dock's next truck whatever the PO asks.

    For Amazon-arranged freight the dock's next truck is the first cut-off on or after the
    earliest pickup Amazon accepts: the routing request asks for that moment, and the
    shipment departs then (its ASN deadline follows from it).
    """
    policy, dock = settings.asn_policy, settings.dock(account)
    assert dock.cutoff_local_time is not None  # settings.dock() fills in the global cut-off
    window_start = as_of if ignore_window else po.ship_window_start or po.order_date
    window_end = as_of if ignore_window else po.ship_window_end or window_start
    return plan_ship_dates(
        as_of=max(as_of, earliest_departure(account, as_of=as_of)), ship_window_start=window_start,
        ship_window_end=window_end,
        calendar=dock_calendar(account, dock.time_zone), fc_tz=settings.warehouse_tz(po.ship_to),
        cutoff_local_time=dock.cutoff_local_time, closed_days=dock.closed_days,
        transit_business_days=policy.transit_business_days,
        asn_policy=AsnDeadlinePolicy(policy.minutes_after_departure, policy.hours_before_appointment))


def plan_shipments(units: Units, settings: AcornSettings, account: VendorAccountSettings, *,
                   as_of: datetime, documents_dir: Path | None = None) -> PlanResult:
    """Plan every accepted, unshipped PO whose next departure is the dock's next truck.

    One read finds the open lines (a day's worth, whatever the history); the serials, PROs and
    bill-of-lading numbers of the whole batch are taken in one lock each and the rows written in
    a few batched statements. With ``documents_dir``, each planned shipment's labels and packing
    list are written there after the commit, while the goods are packed (``services/packing.py``).
    """
    result = PlanResult()
    with units() as uow:
        uow.stage_lock(f"plan-shipments:{account.code}")
        skus = sku_master(uow)
        loads = _loads(uow, settings, account, skus, result, as_of=as_of)
        planned = (_plan_collect(uow, settings, account, loads, result, as_of=as_of) if account.freight == "amazon"
                   else _plan_prepaid(uow, settings, account, loads, result))
        for p in planned:
            result.shipments.append(p.identifier)
            result.cartons += len(p.cartons)
            result.pallets += len(p.pallets)
        uow.commit()
    if documents_dir is not None:
        result.problems += packing.write_after_planning(units, settings, account, result.shipments,
                                                        documents_dir, as_of=as_of)
    log.info("%s: planned %d shipments (%d cartons, %d pallets); %d POs wait for their ship window",
             account.code, len(result.shipments), result.cartons, result.pallets, len(result.waiting))
    return result


def _loads(uow: UnitOfWork, settings: AcornSettings, account: VendorAccountSettings, skus: dict[str, SkuInfo],
           result: PlanResult, *, as_of: datetime) -> list[_Planned]:
    """The load of each PO with units that can leave on its next truck; the others wait (window, arrival)."""
    resolve, policy = SkuResolver(skus), freight_policy(account)
    loads = []
    for po, items in _promised_lines(uow, account):
        schedule = schedule_for(settings, account, po, as_of=as_of)
        departure = schedule.departure.date()
        ready = [i for i in items if shippable_qty(i, departure)]
        window_shut = schedule.departure > schedule_for(settings, account, po, as_of=as_of,
                                                        ignore_window=True).departure
        if window_shut or not ready:  # the window has not opened, or every open unit waits for an arrival
            result.waiting.append(po.po_number)
            continue
        try:
            loads.append(_load(po, ready, skus, resolve, schedule, policy, departure=departure))
        except (ValueError, KeyError) as exc:  # domain refusals name the record and field
            _planning_failed(uow, account, result, po.po_number, exc)
    return loads


def _promised_lines(uow: UnitOfWork, account: VendorAccountSettings
                    ) -> list[tuple[PurchaseOrder, list[PurchaseOrderItem]]]:
    """The open lines of POs whose acknowledgement Amazon accepted (else quantities are not yet promised)."""
    orders = uow.purchase_orders.lines_to_ship(account.code)
    states = uow.outbox.states(ack_key(account.code, po.po_number) for po, _ in orders)
    return [(po, items) for po, items in orders
            if states.get(ack_key(account.code, po.po_number)) == DocumentState.ACCEPTED]


@dataclass
class _Planned:
    """One PO's shipment on its way to the store: the load, then its numbers as they are handed out."""

    po: PurchaseOrder
    items: list[PurchaseOrderItem]
    to_ship: list[ShipmentItem]
    load: LoadPlan
    schedule: ShipSchedule
    identifier: str
    cartons: list[CartonPlan] = field(default_factory=list)
    pallets: list[PalletPlan] = field(default_factory=list)
    scac: str | None = None
    tracking: list[str] = field(default_factory=list)
    pro_number: str | None = None
    bill_of_lading: str | None = None

    @property
    def containers(self) -> int:
        return len(self.load.cartons) + len(self.load.pallets)

    @property
    def parcel(self) -> bool:
        return self.load.ship_mode == ShipMode.SMALL_PARCEL


def shippable_qty(item: PurchaseOrderItem, departure: date) -> int:
    """Promised units not yet shipped that can leave on ``departure``: units accepted or
    backordered against an arrival wait until the day it is due (the shelf's units go first)."""
    return open_units(item) - awaiting_arrival(item, departure)


def _load(po: PurchaseOrder, items: list[PurchaseOrderItem], skus: dict[str, SkuInfo], resolve: SkuResolver,
          schedule: ShipSchedule, policy: FreightPolicy, *, departure: date) -> _Planned:
    """Cartons and pallets for the PO's open lines (pure: nothing is numbered or written yet)."""
    to_ship = [ShipmentItem(po_number=po.po_number, item_sequence=i.item_sequence,
                            vendor_sku=resolve.erp_sku(i.vendor_sku, i.asin) or i.vendor_sku or i.asin or "?",
                            asin=i.asin or "", qty=shippable_qty(i, departure)) for i in items]
    # lines Amazon ordered in Cases ship in whole cases of the PO's unitSize
    load: LoadPlan = plan_load(to_ship, skus, policy=policy,
                               case_sizes={(po.po_number, i.item_sequence): i.unit_size for i in items
                                           if i.unit_of_measure == "Cases"})
    return _Planned(po=po, items=items, to_ship=to_ship, load=load, schedule=schedule,
                    identifier=shipment_identifier(po.po_number, schedule.departure))


def _plan_prepaid(uow: UnitOfWork, settings: AcornSettings, account: VendorAccountSettings, loads: list[_Planned],
                  result: PlanResult) -> list[_Planned]:
    """Number and write the batch: one serial range for every container, then the PROs and bills of lading.

    Numbers go out in PO order as they did one PO at a time: a PO refused after its SSCCs were
    drawn keeps them (unused), one refused for its PRO takes no bill of lading.
    """
    serials = uow.serials.allocate(account.gs1_company_prefix, sum(p.containers for p in loads)) if loads else range(0)
    labelled, offset = [], 0
    for p in loads:
        try:
            _label(settings, account, p, serials[offset:offset + p.containers])
            labelled.append(p)
        except (ValueError, KeyError) as exc:
            _planning_failed(uow, account, result, p.po.po_number, exc)
        offset += p.containers
    numbered = _number_pros(uow, settings, account, labelled, result)
    freight = [p for p in numbered if not p.parcel]
    for p, bol in zip(freight, uow.serials.allocate_bills_of_lading(account.gs1_company_prefix, len(freight))
                      if freight else []):
        p.bill_of_lading = bol
    _write(uow, account, numbered)
    return numbered


def _plan_collect(uow: UnitOfWork, settings: AcornSettings, account: VendorAccountSettings, loads: list[_Planned],
                  result: PlanResult, *, as_of: datetime) -> list[_Planned]:
    """Amazon-arranged freight, one PO at a time: the routing request is checked against Amazon's model after
    the rows are written, so a refusal must take them back, serials included (its savepoint)."""
    planned = []
    for p in loads:
        try:
            with uow.savepoint():
                _label(settings, account, p, uow.serials.allocate(account.gs1_company_prefix, p.containers))
                if not p.parcel:
                    p.bill_of_lading = uow.serials.allocate_bill_of_lading(account.gs1_company_prefix)
                shipment = _write(uow, account, [p])[0]
                uow.flush()
                routing.queue_routing_request(uow, account, shipment, as_of=as_of)
        except (ValueError, KeyError) as exc:
            _planning_failed(uow, account, result, p.po.po_number, exc)
            continue
        planned.append(p)
    return planned


def _label(settings: AcornSettings, account: VendorAccountSettings, p: _Planned, serials: range) -> None:
    """SSCCs for the PO's containers, its carrier, and for parcel the carrier's tracking numbers.

    Parcel: the carrier numbers each carton, the first is the master id Amazon gets as PRO;
    freight: the PRO comes from the carrier's block (:func:`_number_pros`). Amazon-arranged
    freight: Amazon's carrier brings its own numbers (services/routing.py).
    """
    p.cartons, p.pallets = assign_ssccs(p.load.cartons, p.load.pallets, iter(serials),
                                        extension_digit=account.sscc_extension_digit,
                                        company_prefix=account.gs1_company_prefix)
    p.scac = (None if account.freight == "amazon" else account.parcel_carrier_scac if p.parcel
              else account.freight_carrier_scac)
    p.tracking = (carrier_port(settings, p.scac).tracking_numbers(p.identifier, len(p.cartons))
                  if p.parcel and p.scac else [])
    p.pro_number = p.tracking[0] if p.parcel and p.tracking else None


def _number_pros(uow: UnitOfWork, settings: AcornSettings, account: VendorAccountSettings, labelled: list[_Planned],
                 result: PlanResult) -> list[_Planned]:
    """The freight shipments' PROs from the carrier's block, in one lock; returns the shipments still planned.

    When the block runs out part-way, the POs past its end get the used-up block's alert and
    are not planned (nothing was written for them).
    """
    freight = [p for p in labelled if not p.parcel]
    if not freight:
        return labelled
    try:
        scac = account.freight_carrier_scac
        fmt = pro_format(settings, scac)
        pros = uow.serials.allocate_pros(fmt, len(freight))
    except ProRangeExhausted as exc:
        for p in freight:
            _pro_range_exhausted(uow, account, result, p.po.po_number, exc)
        return [p for p in labelled if p.parcel]
    except (ValueError, KeyError) as exc:
        for p in freight:
            _planning_failed(uow, account, result, p.po.po_number, exc)
        return [p for p in labelled if p.parcel]
    for p, pro in zip(freight, pros):
        p.pro_number = pro
    refused = set()
    for p in freight[len(pros):]:
        try:
            uow.serials.allocate_pro(fmt)  # the block is used up: this raises, naming it
        except ProRangeExhausted as exc:
            _pro_range_exhausted(uow, account, result, p.po.po_number, exc)
            refused.add(p.identifier)
    return [p for p in labelled if p.identifier not in refused]


def _planning_failed(uow: UnitOfWork, account: VendorAccountSettings, result: PlanResult, po_number: str,
                     exc: Exception) -> None:
    result.problems.append(f"{po_number}: {exc}")
    uow.alerts.raise_alert(
        dedupe_key=f"plan-failed:{account.code}:{po_number}", account_code=account.code, po_number=po_number,
        kind="shipment_planning_failed", subject=f"PO {po_number} could not be packed",
        message=str(exc), severity="error",
        next_step="Fix the SKU master (case pack, weights) in the ERP and rerun the day.")


def _pro_range_exhausted(uow: UnitOfWork, account: VendorAccountSettings, result: PlanResult, po_number: str,
                         exc: ProRangeExhausted) -> None:
    """Nothing was planned for the PO: its PRO would have come before the shipment row."""
    result.problems.append(f"{po_number}: {exc}")
    uow.alerts.raise_alert(
        dedupe_key=f"pro-range-exhausted:{account.code}:{exc.record}", account_code=account.code,
        kind="pro_range_exhausted", subject=f"Carrier {exc.record} has no PRO numbers left",
        message=str(exc), severity="error",
        next_step=f"Ask {exc.record} for a new PRO block, set carriers.{exc.record}.pro_range_start/"
                  "pro_range_end, and rerun the day.")


def shipment_identifier(po_number: str, departure: datetime) -> str:
    return f"{po_number}-{departure:%y%m%d}"


def _write(uow: UnitOfWork, account: VendorAccountSettings, planned: list[_Planned]) -> list[Shipment]:
    """The shipments, their lines, pallets and cartons, a few statements for the whole batch; the PO lines
    count the units as shipped and the picked goods leave the warehouse's on-hand."""
    if not planned:
        return []
    shipments = _add_shipments(uow, account, planned)
    _ship_lines(uow, account, planned, shipments)
    pallet_ids = uow.shipments.add_pallets([Pallet(shipment_id=stored_id(shipment), sscc=str(pl.sscc),
                                                   weight_kg=pl.weight_kg)
                                            for p, shipment in zip(planned, shipments) for pl in p.pallets])
    uow.shipments.insert_all([carton for p, shipment in zip(planned, shipments)
                              for carton in _cartons(p, shipment, pallet_ids)])
    uow.audit.insert_all([_planned_event(p) for p in planned])
    return shipments


def _add_shipments(uow: UnitOfWork, account: VendorAccountSettings, planned: list[_Planned]) -> list[Shipment]:
    """The shipment rows, planned; collect freight asks Amazon's carrier for the planned departure."""
    collect = account.freight == "amazon"
    return uow.shipments.add_planned([Shipment(
        account_code=account.code, shipment_identifier=p.identifier, ship_to=p.po.ship_to,
        status=ShipmentStatus.PLANNED.value,
        structure=p.load.structure.value, transport_mode=p.load.ship_mode.value,
        carrier_scac=p.scac, pro_number=p.pro_number, freight_term=freight_terms(amazon_arranged=collect),
        requested_pickup=p.schedule.departure if collect else None, bill_of_lading=p.bill_of_lading,
        departure=p.schedule.departure, estimated_delivery=p.schedule.estimated_delivery,
        delivery_appointment=p.schedule.delivery_appointment, asn_deadline=p.schedule.asn_deadline,
        total_weight_kg=p.load.gross_weight_kg) for p in planned])


def _ship_lines(uow: UnitOfWork, account: VendorAccountSettings, planned: list[_Planned],
                shipments: list[Shipment]) -> None:
    """The shipment lines; each PO line counts its units as shipped and the picked goods leave the on-hand."""
    stock = uow.inventory.for_skus((i.vendor_sku for p in planned for i in p.to_ship), account.erp_warehouse)
    lines = []
    for p, shipment in zip(planned, shipments):
        by_line = {i.item_sequence: i for i in p.items}
        for item in p.to_ship:
            po_item = by_line[item.item_sequence]
            lines.append(ShipmentLine(shipment_id=stored_id(shipment), po_number=item.po_number,
                                      item_sequence=item.item_sequence, vendor_sku=po_item.vendor_sku,
                                      asin=item.asin, shipped_qty=item.qty))
            po_item.shipped_qty += item.qty
            if (level := stock.get(item.vendor_sku)) is not None:  # the goods are picked: they leave the on-hand
                level.on_hand = max(level.on_hand - item.qty, 0)
    uow.shipments.insert_all(lines)


def _cartons(p: _Planned, shipment: Shipment, pallet_ids: dict[str, int]) -> list[Carton]:
    """The shipment's carton rows, each on its pallet (by the pallet's SSCC) and with its tracking number."""
    pallet_of = {c: pallet_ids[str(pl.sscc)] for pl in p.pallets for c in pl.carton_sequences}
    tracking_of = dict(zip((c.sequence for c in p.cartons), p.tracking))
    return [Carton(
        shipment_id=stored_id(shipment), pallet_id=pallet_of.get(c.sequence), sscc=str(c.sscc),
        weight_kg=c.weight_kg, tracking_number=tracking_of.get(c.sequence),
        items=[{"po_number": i.po_number, "item_sequence": i.item_sequence, "vendor_sku": i.vendor_sku,
                "asin": i.asin, "qty": i.qty, "carton_sequence": c.sequence} for i in c.items])
        for c in p.cartons]


def _planned_event(p: _Planned) -> AuditEvent:
    return AuditEvent(action="shipment.planned", entity="shipment", entity_id=p.identifier, actor="acorn",
                      detail={"po": p.po.po_number, "cartons": len(p.cartons), "pallets": len(p.pallets),
                              "mode": p.load.ship_mode.value,
                              "departure": p.schedule.departure.isoformat(),
                              "asn_deadline": p.schedule.asn_deadline.isoformat()})
