from __future__ import annotations

from collections import Counter
from decimal import Decimal
from itertools import count

import pytest

from acorn.domain import (
    DuplicateRecord,
    FreightPolicy,
    InvalidRecord,
    PackingError,
    ShipmentItem,
    ShipmentStructure,
    ShipMode,
    SkuInfo,
    SsccCapacityExceeded,
    assign_ssccs,
    is_valid_sscc,
    plan_cartons,
    plan_load,
    plan_pallets,
)

SKUS = {
    "BOX": SkuInfo("BOX", "B000BOX001", None, case_pack=10, unit_weight_kg=Decimal("1")),
    "PEN": SkuInfo("PEN", "B000PEN001", None, case_pack=50, unit_weight_kg=Decimal("0.02")),
}


def cases(n, *, po="PO000001", seq="1"):
    return plan_cartons([ShipmentItem(po, seq, "BOX", "B000BOX001", 10 * n)], SKUS, max_carton_weight_kg=Decimal("22"))


def test_pallets_close_at_the_carton_count_limit():
    pallets = plan_pallets(cases(25), max_cartons_per_pallet=10, max_pallet_weight_kg=Decimal("1000"))
    assert [p.carton_count for p in pallets] == [10, 10, 5]
    assert pallets[0].carton_sequences == tuple(f"{n:03d}" for n in range(1, 11))


def test_pallets_close_before_the_weight_limit_counting_their_tare():
    pallets = plan_pallets(
        cases(10), max_cartons_per_pallet=60, max_pallet_weight_kg=Decimal("65"), pallet_tare_kg=Decimal("25")
    )
    assert [p.carton_count for p in pallets] == [4, 4, 2]
    assert [p.weight_kg for p in pallets] == [Decimal("65"), Decimal("65"), Decimal("45")]
    assert all(p.weight_kg <= Decimal("65") for p in pallets)


def test_a_pallet_lists_each_lines_units_once_and_conserves_them():
    cartons = cases(7)
    pallets = plan_pallets(cartons, max_cartons_per_pallet=3, max_pallet_weight_kg=Decimal("1000"))
    totals = Counter()
    for pallet in pallets:
        for it in pallet.items:
            totals[it.line_key] += it.qty
    assert totals == Counter({("PO000001", "1"): 70})
    assert sorted(s for p in pallets for s in p.carton_sequences) == [c.sequence for c in cartons]


def test_pallets_keep_purchase_orders_apart_unless_mixing_is_allowed():
    cartons = plan_cartons(
        [ShipmentItem("PO000001", "1", "BOX", "", 20), ShipmentItem("PO000002", "1", "BOX", "", 20)],
        SKUS,
        max_carton_weight_kg=Decimal("22"),
    )
    apart = plan_pallets(cartons, max_cartons_per_pallet=10, max_pallet_weight_kg=Decimal("1000"))
    mixed = plan_pallets(cartons, max_cartons_per_pallet=10, max_pallet_weight_kg=Decimal("1000"),
                         mix_purchase_orders=True)
    assert [p.po_numbers for p in apart] == [("PO000001",), ("PO000002",)]
    assert [p.po_numbers for p in mixed] == [("PO000001", "PO000002")]


def test_a_carton_heavier_than_a_pallet_may_carry_is_refused():
    with pytest.raises(PackingError):
        plan_pallets(cases(1), max_cartons_per_pallet=5, max_pallet_weight_kg=Decimal("30"),
                     pallet_tare_kg=Decimal("25"))


@pytest.mark.parametrize(
    ("boxes", "pens", "mode", "structure"),
    [
        pytest.param(3, 0, ShipMode.SMALL_PARCEL, ShipmentStructure.LOOSE_STANDARD_CASE, id="three-cartons-go-parcel"),
        pytest.param(15, 0, ShipMode.SMALL_PARCEL, ShipmentStructure.LOOSE_STANDARD_CASE, id="fifteen-cartons-150-kg"),
        pytest.param(16, 0, ShipMode.LESS_THAN_TRUCKLOAD, ShipmentStructure.PALLETIZED_STANDARD_CASE,
                     id="sixteen-cartons-palletized"),
        pytest.param(700, 0, ShipMode.TRUCKLOAD, ShipmentStructure.PALLETIZED_STANDARD_CASE,
                     id="seven-tonnes-truckload"),
        pytest.param(0, 100, ShipMode.SMALL_PARCEL, ShipmentStructure.LOOSE_STANDARD_CASE, id="light-pens"),
    ],
)
def test_the_load_decides_parcel_or_freight_by_cartons_and_weight(boxes, pens, mode, structure):
    items = [ShipmentItem("PO000001", "1", "BOX", "", 10 * boxes), ShipmentItem("PO000001", "2", "PEN", "", pens)]
    load = plan_load(items, SKUS, policy=FreightPolicy(pallet_tare_kg=Decimal("20")))
    assert load.ship_mode is mode
    assert load.structure is structure
    assert bool(load.pallets) is (structure is ShipmentStructure.PALLETIZED_STANDARD_CASE)
    assert load.units == 10 * boxes + pens


@pytest.mark.parametrize(
    ("boxes", "loose_boxes", "loose_pens", "structure"),
    [
        pytest.param(2, 0, 0, ShipmentStructure.LOOSE_STANDARD_CASE, id="only-factory-cases"),
        pytest.param(2, 3, 0, ShipmentStructure.LOOSE_STANDARD_CASE,
                     id="a-repacked-carton-of-one-line-is-still-standard"),
        pytest.param(2, 3, 7, ShipmentStructure.LOOSE_ASSORTMENT_CASE, id="one-mixed-carton-makes-it-assortment"),
        pytest.param(40, 3, 7, ShipmentStructure.PALLETIZED_ASSORTMENT_CASE, id="palletized-with-a-mixed-carton"),
        pytest.param(40, 0, 0, ShipmentStructure.PALLETIZED_STANDARD_CASE, id="palletized-single-sku-cartons"),
    ],
)
def test_the_structure_is_standard_case_until_one_carton_mixes_items(boxes, loose_boxes, loose_pens, structure):
    items = [ShipmentItem("PO000001", "1", "BOX", "", 10 * boxes + loose_boxes),
             ShipmentItem("PO000001", "2", "PEN", "", loose_pens)]
    load = plan_load(items, SKUS)
    mixed = [c for c in load.cartons if len({i.line_key for i in c.items}) > 1]
    assert load.structure is structure
    assert bool(mixed) is ("Assortment" in structure.value)
    assert bool(load.pallets) is structure.value.startswith("Palletized")


def test_twelve_pallets_make_a_truckload_even_when_light():
    policy = FreightPolicy(max_cartons_per_pallet=2, pallet_tare_kg=Decimal("20"))
    load = plan_load([ShipmentItem("PO000001", "1", "BOX", "", 240)], SKUS, policy=policy)
    assert len(load.pallets) == 12
    assert load.gross_weight_kg == Decimal("480")
    assert load.ship_mode is ShipMode.TRUCKLOAD


def test_every_carton_and_pallet_gets_its_own_valid_sscc_from_the_counter():
    cartons = cases(5)
    pallets = plan_pallets(cartons, max_cartons_per_pallet=3, max_pallet_weight_kg=Decimal("1000"))
    serials = count(41)
    labelled_cartons, labelled_pallets = assign_ssccs(
        cartons, pallets, serials, extension_digit=0, company_prefix="0614141"
    )
    codes = [c.sscc.value for c in labelled_cartons] + [p.sscc.value for p in labelled_pallets]
    assert len(set(codes)) == 7
    assert all(is_valid_sscc(code) for code in codes)
    assert labelled_cartons[0].sscc.serial_reference(prefix_length=7) == 41
    assert labelled_pallets[-1].sscc.serial_reference(prefix_length=7) == 47
    assert next(serials) == 48
    assert cartons[0].sscc is None  # inputs untouched


def test_a_counter_that_runs_dry_or_repeats_is_refused():
    with pytest.raises(InvalidRecord, match="ran out"):
        assign_ssccs(cases(3), [], iter([1, 2]), extension_digit=0, company_prefix="0614141")
    with pytest.raises(DuplicateRecord):
        assign_ssccs(cases(2), [], iter([5, 5]), extension_digit=0, company_prefix="0614141")


def test_a_counter_beyond_the_prefix_capacity_stops_labelling():
    with pytest.raises(SsccCapacityExceeded):
        assign_ssccs(cases(2), [], iter([99_999, 100_000]), extension_digit=0, company_prefix="06141411234")
