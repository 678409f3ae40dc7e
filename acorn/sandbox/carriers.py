"""Amazon's transportation team, simulated: who carries a routing request, when, under what numbers.

Every choice is drawn when the request is accepted, from a random stream keyed by seed, shipment
and revision, so one seed routes one request the same way however the clock is moved:

* the mode: the vendor's ``transportationDetails.shipMode`` when given, else from the
  measurements with Acorn's own thresholds (``acorn.domain.freight``): pallets go LTL (truckload
  from 12 pallets or 6,804 kg), up to 15 loose cartons and 150 kg go small parcel;
* the carrier (SCAC): a parcel carrier for small parcel, an LTL carrier otherwise;
* the appointment (``scheduledPickUp``): the requested pickup, on the hour, plus 0-2 hours (the
  model carries one moment, not a window);
* the carrier assignment ``assignment_delay`` after acceptance (never later than an hour before
  the pickup), when small-parcel labels are created too;
* the delivery at the fulfilment centre ``transit`` after the pickup;
* Amazon's reference number (ARN, ``buyerReferenceNumber``): ten digits per seed and shipment,
  kept by updates.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from acorn.domain.freight import DEFAULT_FREIGHT_POLICY, ShipMode
from acorn.sandbox.records import CarrierPlan

SMALL_PARCEL = ShipMode.SMALL_PARCEL.value
#: (SCAC, name) of the carriers Amazon tenders to; the SCACs are the carriers' real ones
PARCEL_CARRIERS: tuple[tuple[str, str], ...] = (("UPSN", "UPS"), ("FDEG", "FedEx Ground"))
FREIGHT_CARRIERS: tuple[tuple[str, str], ...] = (("ABFS", "ABF Freight"), ("ODFL", "Old Dominion Freight Line"),
                                                 ("SAIA", "Saia LTL Freight"), ("EXLA", "Estes Express Lines"))
_KG_PER: dict[str, Decimal] = {"G": Decimal("0.001"), "Kg": Decimal("1"), "Oz": Decimal("0.028349523125"),
                               "Lb": Decimal("0.45359237")}
_ALNUM = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def reference_number(seed: int, shipment_id: str) -> str:
    """Amazon's reference number for a routed shipment: what the vendor quotes on its ASN and labels."""
    return str(random.Random(f"acorn-sandbox-arn:{seed}:{shipment_id}").randrange(10**9, 10**10))


def weight_kg(weight: Mapping[str, Any] | None) -> Decimal | None:
    """A model ``Weight`` in kilograms, or ``None`` when absent or unreadable."""
    if not weight:
        return None
    try:
        return Decimal(str(weight.get("value"))) * _KG_PER[str(weight.get("unitOfMeasure"))]
    except (InvalidOperation, KeyError):
        return None


def pallet_count(measurements: Mapping[str, Any]) -> int:
    return int(measurements.get("totalPalletStackable") or 0) + int(measurements.get("totalPalletNonStackable") or 0)


def carton_count(request: Mapping[str, Any]) -> int:
    """Cartons to label: the declared count, else the carton containers listed, at least one."""
    declared = (request.get("shipmentMeasurements") or {}).get("totalCartonCount")
    if isinstance(declared, int) and declared > 0:
        return declared
    listed = sum(1 for c in request.get("containers") or [] if c.get("containerType") == "carton")
    return max(listed, 1)


def ship_mode_of(request: Mapping[str, Any]) -> str:
    """The mode Amazon routes a request by: the vendor's, else from its measurements (see module doc)."""
    sent = (request.get("transportationDetails") or {}).get("shipMode")
    if sent:
        return str(sent)
    policy = DEFAULT_FREIGHT_POLICY
    measurements = request.get("shipmentMeasurements") or {}
    gross = weight_kg(measurements.get("shipmentWeight")) or Decimal(0)
    pallets = pallet_count(measurements)
    if pallets >= policy.truckload_min_pallets or gross >= policy.truckload_min_kg:
        return ShipMode.TRUCKLOAD.value
    if not pallets and carton_count(request) <= policy.small_parcel_max_cartons \
            and gross <= policy.small_parcel_max_total_kg:
        return SMALL_PARCEL
    return ShipMode.LESS_THAN_TRUCKLOAD.value


def _on_the_hour(moment: datetime) -> datetime:
    whole = moment.replace(minute=0, second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(hours=1)


def _tracking_id(rng: random.Random, scac: str) -> str:
    if scac == "UPSN":  # 1Z + shipper account + service + package serial
        return "1Z" + "".join(rng.choices(_ALNUM, k=6)) + "03" + "".join(rng.choices("0123456789", k=8))
    return "".join(rng.choices("0123456789", k=12))


def plan_carrier(*, seed: int, shipment_id: str, revision: int, request: Mapping[str, Any],
                 requested_pickup: datetime, accepted_at: datetime, assignment_delay: timedelta,
                 transit: timedelta) -> CarrierPlan:
    """The carrier, appointment, delivery and numbers for one accepted routing request."""
    rng = random.Random(f"acorn-sandbox-carrier:{seed}:{shipment_id}:{revision}")
    mode = ship_mode_of(request)
    small = mode == SMALL_PARCEL
    scac, name = rng.choice(PARCEL_CARRIERS if small else FREIGHT_CARRIERS)
    scheduled = _on_the_hour(requested_pickup) + timedelta(hours=rng.randint(0, 2))
    assigned = max(accepted_at, min(accepted_at + assignment_delay, scheduled - timedelta(hours=1)))
    tracking = tuple(_tracking_id(rng, scac) for _ in range(carton_count(request))) if small else ()
    pro = tracking[0] if tracking else "".join(rng.choices("0123456789", k=10))
    return CarrierPlan(scac=scac, carrier_name=name, ship_mode=mode, assigned_at=assigned,
                       scheduled_pickup=scheduled, estimated_delivery=scheduled + transit, pro_number=pro,
                       tracking_ids=tracking)
