from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from acorn.domain import (
    CartonKind,
    DuplicateRecord,
    PackingError,
    ShipmentItem,
    SkuInfo,
    UnknownSku,
    plan_cartons,
)

SKUS = {
    "MUG": SkuInfo("MUG", "B000MUG001", None, case_pack=6, unit_weight_kg=Decimal("0.4"),
                   carton_weight_kg=Decimal("2.9")),
    "PAN": SkuInfo("PAN", "B000PAN001", None, case_pack=4, unit_weight_kg=Decimal("1.7")),
    "ANVIL": SkuInfo("ANVIL", "B000ANV001", None, case_pack=2, unit_weight_kg=Decimal("15")),
    "TV": SkuInfo("TV", "B000TV0001", None, case_pack=1, unit_weight_kg=Decimal("12.5")),
    "PIANO": SkuInfo("PIANO", "B000PNO001", None, case_pack=1, unit_weight_kg=Decimal("250")),
}
LIMIT = Decimal("22.68")


def item(sku, qty, *, po="PO000001", seq=None):
    return ShipmentItem(po, seq or sku, sku, SKUS[sku].asin if sku in SKUS else "", qty)


def units_by_line(cartons):
    totals = Counter()
    for carton in cartons:
        for it in carton.items:
            totals[(it.po_number, it.item_sequence)] += it.qty
    return totals


def test_full_case_packs_become_single_sku_cartons_at_the_case_weight():
    cartons = plan_cartons([item("MUG", 18)], SKUS, max_carton_weight_kg=LIMIT)
    assert [c.kind for c in cartons] == [CartonKind.FULL_CASE] * 3
    assert all(c.items == (item("MUG", 6),) and c.weight_kg == Decimal("2.9") for c in cartons)


def test_leftover_units_go_into_a_mixed_carton_of_the_same_po():
    cartons = plan_cartons([item("MUG", 8), item("PAN", 5)], SKUS, max_carton_weight_kg=LIMIT)
    mixed = [c for c in cartons if c.kind is CartonKind.MIXED]
    assert len(mixed) == 1
    assert {(i.vendor_sku, i.qty) for i in mixed[0].items} == {("MUG", 2), ("PAN", 1)}
    assert mixed[0].weight_kg == Decimal("2.5")


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([item("MUG", 1)], id="one-unit"),
        pytest.param([item("MUG", 6)], id="exactly-one-case"),
        pytest.param([item("MUG", 61), item("PAN", 23), item("TV", 3)], id="cases-and-loose"),
        pytest.param([item("ANVIL", 7)], id="cases-over-the-limit-are-repacked"),
        pytest.param([item("PAN", 3, po="PO000001"), item("PAN", 3, po="PO000002")], id="two-pos"),
        pytest.param([item("MUG", 0), item("PAN", 2)], id="zero-line-ignored"),
        pytest.param([item("PAN", 137, seq=str(n)) for n in range(1, 6)], id="many-lines-one-sku"),
    ],
)
def test_every_unit_lands_in_exactly_one_carton_under_the_weight_limit(lines):
    cartons = plan_cartons(lines, SKUS, max_carton_weight_kg=LIMIT, mixed_carton_tare_kg=Decimal("0.5"))
    assert units_by_line(cartons) == Counter({ln.line_key: ln.qty for ln in lines if ln.qty})
    assert all(c.weight_kg <= LIMIT for c in cartons)
    assert all(c.units > 0 for c in cartons)
    assert all({i.po_number for i in c.items} == {c.po_number} for c in cartons)


def test_carton_sequence_numbers_run_001_002_across_the_shipment():
    cartons = plan_cartons([item("MUG", 13, po="PO000001"), item("PAN", 1, po="PO000002")], SKUS,
                           max_carton_weight_kg=LIMIT)
    assert [c.sequence for c in cartons] == ["001", "002", "003", "004"]
    assert [c.po_number for c in cartons] == ["PO000001"] * 3 + ["PO000002"]


def test_a_case_heavier_than_the_limit_is_repacked_as_loose_units():
    cartons = plan_cartons([item("ANVIL", 2)], SKUS, max_carton_weight_kg=LIMIT)
    assert [c.kind for c in cartons] == [CartonKind.MIXED, CartonKind.MIXED]
    assert [c.weight_kg for c in cartons] == [Decimal("15"), Decimal("15")]


def test_mixed_cartons_are_filled_before_a_new_one_opens():
    # 5 pans (1.7 kg) and 5 mugs (0.4 kg) loose: 10.5 kg fits one carton
    cartons = plan_cartons([item("PAN", 3, seq="1"), item("PAN", 2, seq="2"), item("MUG", 5)], SKUS,
                           max_carton_weight_kg=LIMIT)
    assert len(cartons) == 1
    assert [(i.item_sequence, i.qty) for i in cartons[0].items] == [("1", 3), ("2", 2), ("MUG", 5)]


def test_the_empty_mixed_carton_counts_toward_the_limit():
    lines = [item("PAN", 3)]  # 5.1 kg of pans
    assert len(plan_cartons(lines, SKUS, max_carton_weight_kg=Decimal("5.1"))) == 1
    assert len(plan_cartons(lines, SKUS, max_carton_weight_kg=Decimal("5.1"), mixed_carton_tare_kg=Decimal("0.1"))) == 2


def test_a_unit_heavier_than_a_carton_may_be_cannot_be_packed():
    with pytest.raises(PackingError) as raised:
        plan_cartons([item("PIANO", 1)], SKUS, max_carton_weight_kg=LIMIT)
    assert (raised.value.record, raised.value.field) == ("PO000001/PIANO", "unit_weight_kg")


def test_a_sku_without_master_data_cannot_be_packed():
    with pytest.raises(UnknownSku) as raised:
        plan_cartons([ShipmentItem("PO000001", "7", "GHOST", "", 1)], SKUS, max_carton_weight_kg=LIMIT)
    assert raised.value.record == "PO000001/7"


def test_the_same_po_line_twice_is_refused_rather_than_double_packed():
    with pytest.raises(DuplicateRecord):
        plan_cartons([item("MUG", 1), item("MUG", 2)], SKUS, max_carton_weight_kg=LIMIT)
