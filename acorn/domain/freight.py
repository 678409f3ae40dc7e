"""How a shipment travels: small parcel, LTL or truckload, loose or palletized.

Thresholds live in :class:`FreightPolicy` (defaults below, all overridable per vendor):

* **SmallParcel** when the shipment has at most 15 cartons, none above 31.75 kg (70 lb,
  the limit in Amazon's model text for small parcel) and at most 150 kg in all. Small
  parcel cartons travel loose, without pallets.
* Otherwise the cartons are palletized and the load is **TruckLoad** from 12 pallets or
  6,804 kg (15,000 lb, where LTL rates stop paying), **LessThanTruckLoad** below.

The ``shipmentStructure`` follows the cartons (:func:`shipment_structure`): standard case
when every carton holds one item, assortment case as soon as one carton mixes items;
palletized or loose as the load travels. Of Amazon's seven values Acorn produces those
four; the enum lists all seven for reading ASNs back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from acorn.domain.cartons import CartonPlan, plan_cartons
from acorn.domain.model import ShipmentItem, SkuInfo
from acorn.domain.pallets import DEFAULT_PALLET_TARE_KG, PalletPlan, plan_pallets


class ShipMode(StrEnum):
    """Amazon's ``shipmentType`` / ``transportationDetails.shipMode``."""

    TRUCKLOAD = "TruckLoad"
    LESS_THAN_TRUCKLOAD = "LessThanTruckLoad"
    SMALL_PARCEL = "SmallParcel"


class ShipmentStructure(StrEnum):
    """Amazon's ``shipmentStructure``: the hierarchy the ASN describes."""

    PALLETIZED_ASSORTMENT_CASE = "PalletizedAssortmentCase"
    LOOSE_ASSORTMENT_CASE = "LooseAssortmentCase"
    PALLET_OF_ITEMS = "PalletOfItems"
    PALLETIZED_STANDARD_CASE = "PalletizedStandardCase"
    LOOSE_STANDARD_CASE = "LooseStandardCase"
    MASTER_PALLET = "MasterPallet"
    MASTER_CASE = "MasterCase"


@dataclass(frozen=True)
class FreightPolicy:
    """Limits that decide packing and mode; one per vendor (or per warehouse)."""

    max_carton_weight_kg: Decimal = Decimal("22.68")  # 50 lb: Amazon's one-person lift
    mixed_carton_tare_kg: Decimal = Decimal("0.5")
    max_cartons_per_pallet: int = 60
    max_pallet_weight_kg: Decimal = Decimal("680")  # 1,500 lb
    pallet_tare_kg: Decimal = DEFAULT_PALLET_TARE_KG
    mix_purchase_orders_on_pallets: bool = False
    small_parcel_max_cartons: int = 15
    small_parcel_max_carton_kg: Decimal = Decimal("31.75")  # 70 lb
    small_parcel_max_total_kg: Decimal = Decimal("150")
    truckload_min_pallets: int = 12
    truckload_min_kg: Decimal = Decimal("6804")  # 15,000 lb


DEFAULT_FREIGHT_POLICY = FreightPolicy()


def total_weight_kg(containers: Iterable[CartonPlan | PalletPlan]) -> Decimal:
    return sum((c.weight_kg for c in containers), Decimal(0))


def is_small_parcel(cartons: Sequence[CartonPlan], *, policy: FreightPolicy = DEFAULT_FREIGHT_POLICY) -> bool:
    """Whether these cartons can go by parcel carrier, loose, without pallets."""
    return (
        0 < len(cartons) <= policy.small_parcel_max_cartons
        and all(c.weight_kg <= policy.small_parcel_max_carton_kg for c in cartons)
        and total_weight_kg(cartons) <= policy.small_parcel_max_total_kg
    )


def ship_mode_for(
    cartons: Sequence[CartonPlan],
    pallets: Sequence[PalletPlan] = (),
    *,
    policy: FreightPolicy = DEFAULT_FREIGHT_POLICY,
) -> ShipMode:
    """SmallParcel for a few light loose cartons; by pallets and gross weight otherwise."""
    if not pallets:
        if is_small_parcel(cartons, policy=policy):
            return ShipMode.SMALL_PARCEL
        gross = total_weight_kg(cartons)
        return ShipMode.TRUCKLOAD if gross >= policy.truckload_min_kg else ShipMode.LESS_THAN_TRUCKLOAD
    gross = total_weight_kg(pallets)
    if len(pallets) >= policy.truckload_min_pallets or gross >= policy.truckload_min_kg:
        return ShipMode.TRUCKLOAD
    return ShipMode.LESS_THAN_TRUCKLOAD


def shipment_structure(*, cartons: Sequence[CartonPlan], pallets: Sequence[PalletPlan]) -> ShipmentStructure:
    """The hierarchy the ASN describes, from what the cartons hold and whether they are on pallets.

    Amazon's model gives each structure as a hierarchy: ``…StandardCase`` is Shipment →
    Order → (Pallet →) Item → Carton, the cartons sit *under an item*, so each carton holds
    that one item (one PO line); ``…AssortmentCase`` is Shipment → Order → (Pallet →) Carton
    → Item, the items sit under a carton, so a carton may hold several. A shipment with both
    single-item and mixed cartons is therefore an assortment: a mixed carton cannot be put
    under one item, while a single-item carton is still a carton holding (one) item, so the
    assortment hierarchy describes every carton and the standard one does not. The
    ``Palletized…`` variants have the Pallet/Tare level; loose cartons use the ``Loose…`` ones.
    """
    mixed = any(not carton.is_single_item for carton in cartons)
    if pallets:
        return (ShipmentStructure.PALLETIZED_ASSORTMENT_CASE if mixed
                else ShipmentStructure.PALLETIZED_STANDARD_CASE)
    return ShipmentStructure.LOOSE_ASSORTMENT_CASE if mixed else ShipmentStructure.LOOSE_STANDARD_CASE


@dataclass(frozen=True)
class LoadPlan:
    """Everything physical about one shipment, before SSCCs are assigned."""

    cartons: tuple[CartonPlan, ...]
    pallets: tuple[PalletPlan, ...]
    ship_mode: ShipMode
    structure: ShipmentStructure

    @property
    def gross_weight_kg(self) -> Decimal:
        """Cartons plus pallet tare: what the carrier weighs."""
        return total_weight_kg(self.pallets) if self.pallets else total_weight_kg(self.cartons)

    @property
    def units(self) -> int:
        return sum(c.units for c in self.cartons)


def plan_load(
    items: Iterable[ShipmentItem],
    skus: Mapping[str, SkuInfo],
    *,
    policy: FreightPolicy = DEFAULT_FREIGHT_POLICY,
    case_sizes: Mapping[tuple[str, str], int] | None = None,
) -> LoadPlan:
    """Cartonize, decide small parcel or freight, palletize freight: the whole physical plan.

    ``case_sizes``: units per case of the lines Amazon ordered in ``Cases`` (see
    :func:`acorn.domain.cartons.plan_cartons`), which ship in whole cases.
    """
    cartons = plan_cartons(
        items,
        skus,
        max_carton_weight_kg=policy.max_carton_weight_kg,
        mixed_carton_tare_kg=policy.mixed_carton_tare_kg,
        case_sizes=case_sizes,
    )
    pallets: list[PalletPlan] = []
    if cartons and not is_small_parcel(cartons, policy=policy):
        pallets = plan_pallets(
            cartons,
            max_cartons_per_pallet=policy.max_cartons_per_pallet,
            max_pallet_weight_kg=policy.max_pallet_weight_kg,
            pallet_tare_kg=policy.pallet_tare_kg,
            mix_purchase_orders=policy.mix_purchase_orders_on_pallets,
        )
    return LoadPlan(
        cartons=tuple(cartons),
        pallets=tuple(pallets),
        ship_mode=ship_mode_for(cartons, pallets, policy=policy),
        structure=shipment_structure(cartons=cartons, pallets=pallets),
    )
