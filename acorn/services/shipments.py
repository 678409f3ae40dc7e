"""Plan tomorrow's shipments: allocate, cartonize, palletize, label, schedule.

One shipment per purchase order and departure: the ASN then names one PO, so item
references inside cartons are unambiguous and the invoice follows the shipment 1:1.
Planning happens once; a rerun finds nothing left to ship and changes nothing.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from acorn.carriers import carrier_port, pro_format
from acorn.config import AcornSettings, VendorAccountSettings
from acorn.domain.calendar import MarketplaceCalendar
from acorn.domain.carrier_numbers import ProRangeExhausted, freight_terms
from acorn.domain.deadlines import AsnDeadlinePolicy, ShipSchedule, plan_ship_dates
from acorn.domain.freight import FreightPolicy, LoadPlan, ShipMode, plan_load
from acorn.domain.labels import assign_ssccs
from acorn.domain.routing import earliest_collect_pickup
from acorn.domain.model import ShipmentItem
from acorn.services import packing, routing
from acorn.services.acknowledge import ack_key
from acorn.services.stock import SkuResolver, sku_master
from acorn.store import UnitOfWork
from schemas.tables import Carton, Pallet, PurchaseOrder, PurchaseOrderItem, Shipment, ShipmentLine

log = logging.getLogger("acorn.shipments")


@dataclass
class PlanResult:
    shipments: list[str] = field(default_factory=list)
    cartons: int = 0
    pallets: int = 0
    waiting: list[str] = field(default_factory=list)  # POs whose ship window has not opened yet
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
    window_start = as_of if ignore_window else po.ship_window_start or po.order_date
    window_end = as_of if ignore_window else po.ship_window_end or window_start
    return plan_ship_dates(
        as_of=max(as_of, earliest_departure(account, as_of=as_of)), ship_window_start=window_start,
        ship_window_end=window_end,
        calendar=dock_calendar(account, dock.time_zone), fc_tz=settings.warehouse_tz(po.ship_to),
        cutoff_local_time=dock.cutoff_local_time, closed_days=dock.closed_days,
        transit_business_days=policy.transit_business_days,
        asn_policy=AsnDeadlinePolicy(policy.minutes_after_departure, policy.hours_before_appointment))


def plan_shipments(database_url: str, settings: AcornSettings, account: VendorAccountSettings, *,
                   as_of: datetime, documents_dir: Path | None = None) -> PlanResult:
    """Plan every accepted, unshipped PO whose next departure is the dock's next truck.

    With ``documents_dir``, each planned shipment's labels and packing list are written there
    after the commit, while the goods are packed (``services/packing.py``).
    """
    result = PlanResult()
    with UnitOfWork(database_url) as uow:
        uow.stage_lock(f"plan-shipments:{account.code}")
        skus = sku_master(uow)
        resolve = SkuResolver(skus)
        for po in uow.purchase_orders.list(account.code, unacknowledged=False):
            ack = uow.outbox.get(ack_key(account.code, po.po_number))
            if ack is None or ack.state != "accepted":
                continue  # Amazon has not confirmed our acknowledgement: quantities are not yet promised
            items = [i for i in uow.purchase_orders.items(po)
                     if not i.cancelled and i.accepted_qty > i.shipped_qty]
            if not items:
                continue
            schedule = schedule_for(settings, account, po, as_of=as_of)
            if schedule.departure > schedule_for(settings, account, po, as_of=as_of, ignore_window=True).departure:
                result.waiting.append(po.po_number)
                continue
            try:
                # collect freight: the routing request is checked against Amazon's model after the rows are
                # written, so a refusal must take them back (vendor freight refuses before writing anything)
                with uow.savepoint() if account.freight == "amazon" else nullcontext():
                    shipment, cartons, pallets = _plan_one(uow, account, po, items, skus, resolve, schedule,
                                                           freight_policy(account), settings=settings, as_of=as_of)
            except ProRangeExhausted as exc:  # nothing was planned: the PRO came before the shipment row
                result.problems.append(f"{po.po_number}: {exc}")
                uow.alerts.raise_alert(
                    dedupe_key=f"pro-range-exhausted:{account.code}:{exc.record}", account_code=account.code,
                    kind="pro_range_exhausted", subject=f"Carrier {exc.record} has no PRO numbers left",
                    message=str(exc), severity="error",
                    next_step=f"Ask {exc.record} for a new PRO block, set carriers.{exc.record}.pro_range_start/"
                              "pro_range_end, and rerun the day.")
                continue
            except (ValueError, KeyError) as exc:  # domain refusals name the record and field
                result.problems.append(f"{po.po_number}: {exc}")
                uow.alerts.raise_alert(
                    dedupe_key=f"plan-failed:{account.code}:{po.po_number}", account_code=account.code,
                    po_number=po.po_number,
                    kind="shipment_planning_failed", subject=f"PO {po.po_number} could not be packed",
                    message=str(exc), severity="error",
                    next_step="Fix the SKU master (case pack, weights) in the ERP and rerun the day.")
                continue
            result.shipments.append(shipment.shipment_identifier)
            result.cartons += cartons
            result.pallets += pallets
        uow.commit()
    if documents_dir is not None:
        result.problems += packing.write_after_planning(database_url, settings, account, result.shipments,
                                                        documents_dir, as_of=as_of)
    log.info("%s: planned %d shipments (%d cartons, %d pallets); %d POs wait for their ship window",
             account.code, len(result.shipments), result.cartons, result.pallets, len(result.waiting))
    return result


def shipment_identifier(po_number: str, departure: datetime) -> str:
    return f"{po_number}-{departure:%y%m%d}"


def _plan_one(uow: UnitOfWork, account: VendorAccountSettings, po: PurchaseOrder, items: list[PurchaseOrderItem],
              skus: dict, resolve: SkuResolver, schedule: ShipSchedule,
              policy: FreightPolicy, *, settings: AcornSettings, as_of: datetime) -> tuple[Shipment, int, int]:
    to_ship = [ShipmentItem(po_number=po.po_number, item_sequence=i.item_sequence,
                            vendor_sku=resolve.erp_sku(i.vendor_sku, i.asin) or i.vendor_sku or i.asin or "?",
                            asin=i.asin or "", qty=i.accepted_qty - i.shipped_qty) for i in items]
    # lines Amazon ordered in Cases ship in whole cases of the PO's unitSize
    load: LoadPlan = plan_load(to_ship, skus, policy=policy,
                               case_sizes={(po.po_number, i.item_sequence): i.unit_size for i in items
                                           if i.unit_of_measure == "Cases"})
    serials = uow.serials.allocate(account.gs1_company_prefix, len(load.cartons) + len(load.pallets))
    cartons, pallets = assign_ssccs(load.cartons, load.pallets, iter(serials),
                                    extension_digit=account.sscc_extension_digit,
                                    company_prefix=account.gs1_company_prefix)
    identifier = shipment_identifier(po.po_number, schedule.departure)
    parcel = load.ship_mode == ShipMode.SMALL_PARCEL
    collect = account.freight == "amazon"
    # parcel: the carrier numbers each carton, the first is the master id Amazon gets as PRO;
    # freight: the next PRO of the carrier's block and our next VICS bill-of-lading number.
    # Amazon-arranged freight: Amazon's carrier brings its own numbers (services/routing.py)
    scac = None if collect else account.parcel_carrier_scac if parcel else account.freight_carrier_scac
    tracking = carrier_port(settings, scac).tracking_numbers(identifier, len(cartons)) if parcel and scac else []
    pro_number = (None if collect else tracking[0] if parcel
                  else uow.serials.allocate_pro(pro_format(settings, scac or "")))
    shipment = uow.shipments.add(Shipment(
        account_code=account.code, shipment_identifier=identifier, ship_to=po.ship_to, status="planned",
        structure=load.structure.value, transport_mode=load.ship_mode.value,
        carrier_scac=scac, pro_number=pro_number, freight_term=freight_terms(amazon_arranged=collect),
        requested_pickup=schedule.departure if collect else None,
        bill_of_lading=None if parcel else uow.serials.allocate_bill_of_lading(account.gs1_company_prefix),
        departure=schedule.departure, estimated_delivery=schedule.estimated_delivery,
        delivery_appointment=schedule.delivery_appointment, asn_deadline=schedule.asn_deadline,
        total_weight_kg=load.gross_weight_kg))
    uow.flush()
    by_line = {i.item_sequence: i for i in items}
    for item in to_ship:
        po_item = by_line[item.item_sequence]
        uow.shipments.add(ShipmentLine(shipment_id=shipment.id, po_number=item.po_number,
                                       item_sequence=item.item_sequence, vendor_sku=po_item.vendor_sku,
                                       asin=item.asin, shipped_qty=item.qty))
        po_item.shipped_qty += item.qty
        stock = uow.inventory.get(item.vendor_sku, account.erp_warehouse)
        if stock is not None:  # the goods are picked: they leave the warehouse's on-hand
            stock.on_hand = max(stock.on_hand - item.qty, 0)
    pallet_rows = {}
    for p in pallets:
        pallet_rows[p.sequence] = uow.shipments.add(Pallet(shipment_id=shipment.id, sscc=str(p.sscc),
                                                           weight_kg=p.weight_kg))
    uow.flush()
    pallet_of = {c: pallet_rows[p.sequence].id for p in pallets for c in p.carton_sequences}
    tracking_of = dict(zip((c.sequence for c in cartons), tracking))
    for c in cartons:
        uow.shipments.add(Carton(
            shipment_id=shipment.id, pallet_id=pallet_of.get(c.sequence), sscc=str(c.sscc), weight_kg=c.weight_kg,
            tracking_number=tracking_of.get(c.sequence),
            items=[{"po_number": i.po_number, "item_sequence": i.item_sequence, "vendor_sku": i.vendor_sku,
                    "asin": i.asin, "qty": i.qty, "carton_sequence": c.sequence} for i in c.items]))
    if collect:  # the routing request is queued with the shipment it asks a carrier for
        uow.flush()
        routing.queue_routing_request(uow, account, shipment, as_of=as_of)
    uow.audit.append(action="shipment.planned", entity="shipment", entity_id=identifier,
                     detail={"po": po.po_number, "cartons": len(cartons), "pallets": len(pallets),
                             "mode": load.ship_mode.value, "departure": schedule.departure.isoformat(),
                             "asn_deadline": schedule.asn_deadline.isoformat()})
    return shipment, len(cartons), len(pallets)
