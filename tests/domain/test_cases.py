"""Lines Amazon ordered in Cases: promised, packed and counted in whole cases of the PO's unitSize."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from acorn.domain import (
    CartonKind,
    OrderLine,
    PackingError,
    PurchaseOrderView,
    RejectionReason,
    ShipmentItem,
    SkuInfo,
    StockLevel,
    decide_acknowledgements,
    plan_cartons,
    plan_load,
)
from acorn.domain.acknowledgement import in_cases

UTC = UTC
AS_OF = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
SKUS = {"MUG": SkuInfo("MUG", "B000MUG001", None, case_pack=12, unit_weight_kg=Decimal("0.4"),
                       carton_weight_kg=Decimal("5.2"))}
LIMIT = Decimal("22.68")


def order(qty, *, backorder=False):
    placed = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    return PurchaseOrderView(
        po_number="PO000001", selling_party="ABCDE", ship_to="ABE8", marketplace="US", order_date=placed,
        ship_window_start=placed + timedelta(days=1), ship_window_end=placed + timedelta(days=7),
        lines=(OrderLine("PO000001", "1", "B000MUG001", "MUG", qty, Decimal("5.00"), "USD",
                         backorder_allowed=backorder),))


@pytest.mark.parametrize(
    ("on_hand", "accepted", "rejected", "left"),
    [
        pytest.param(25, 24, 12, 1, id="two-cases-and-a-part-case-in-stock"),
        pytest.param(11, 0, 36, 11, id="less-than-a-case-in-stock"),
        pytest.param(40, 36, 0, 4, id="all-three-cases-in-stock"),
    ],
)
def test_a_line_ordered_in_cases_is_accepted_in_whole_cases_and_the_rest_rejected(on_hand, accepted, rejected, left):
    plan = decide_acknowledgements([order(36)], SKUS, {"MUG": StockLevel("MUG", on_hand)}, as_of=AS_OF,
                                   case_sizes={("PO000001", "1"): 12})
    (decision,) = plan.decisions
    assert (decision.accepted_qty, decision.backordered_qty, decision.rejected_qty) == (accepted, 0, rejected)
    assert decision.rejection_reason == (RejectionReason.TEMPORARILY_UNAVAILABLE if rejected else None)
    assert plan.remaining_stock["MUG"] == left
    assert [in_cases(p.qty, 12) for p in decision.parts] == [n // 12 for n in (accepted, rejected) if n]


def test_the_part_case_short_of_a_backorderable_line_is_backordered_with_the_restock_date():
    stock = {"MUG": StockLevel("MUG", 30, restock_date=date(2026, 3, 20))}
    plan = decide_acknowledgements([order(36, backorder=True)], SKUS, stock, as_of=AS_OF,
                                   case_sizes={("PO000001", "1"): 12})
    (decision,) = plan.decisions
    assert (decision.accepted_qty, decision.backordered_qty, decision.rejected_qty) == (24, 12, 0)
    assert decision.scheduled_ship_date == date(2026, 3, 20)


def test_the_same_line_in_eaches_accepts_every_unit_in_stock():
    plan = decide_acknowledgements([order(36)], SKUS, {"MUG": StockLevel("MUG", 25)}, as_of=AS_OF)
    assert plan.decisions[0].accepted_qty == 25


def test_a_part_case_cannot_be_stated_in_cases():
    with pytest.raises(PackingError, match="whole number of cases"):
        in_cases(30, 12, record="PO000001/1")


def test_cases_of_the_case_pack_ship_as_factory_cases():
    cartons = plan_cartons([ShipmentItem("PO000001", "1", "MUG", "", 36)], SKUS, max_carton_weight_kg=LIMIT,
                           case_sizes={("PO000001", "1"): 12})
    assert [(c.kind, c.units, c.weight_kg) for c in cartons] == [(CartonKind.FULL_CASE, 12, Decimal("5.2"))] * 3


def test_cases_of_another_size_than_the_case_pack_are_each_repacked_into_their_own_carton():
    cartons = plan_cartons([ShipmentItem("PO000001", "1", "MUG", "", 40)], SKUS, max_carton_weight_kg=LIMIT,
                           mixed_carton_tare_kg=Decimal("0.5"), case_sizes={("PO000001", "1"): 8})
    assert [c.units for c in cartons] == [8] * 5
    assert all(c.weight_kg == Decimal("0.5") + 8 * Decimal("0.4") for c in cartons)
    assert all(c.is_single_item for c in cartons)


def test_an_eaches_line_of_the_same_quantity_fills_a_loose_carton_instead():
    cartons = plan_cartons([ShipmentItem("PO000001", "1", "MUG", "", 40)], SKUS, max_carton_weight_kg=LIMIT)
    assert [c.units for c in cartons] == [12, 12, 12, 4]


def test_a_quantity_that_is_not_whole_cases_is_refused_naming_the_line():
    with pytest.raises(PackingError, match="PO000001/1") as err:
        plan_cartons([ShipmentItem("PO000001", "1", "MUG", "", 30)], SKUS, max_carton_weight_kg=LIMIT,
                     case_sizes={("PO000001", "1"): 12})
    assert err.value.field == "qty"


def test_a_case_too_heavy_for_one_carton_is_split_into_boxes_under_the_limit():
    cartons = plan_cartons([ShipmentItem("PO000001", "1", "MUG", "", 120)], SKUS, max_carton_weight_kg=LIMIT,
                           case_sizes={("PO000001", "1"): 60})  # a case of 60 mugs weighs 24 kg
    assert sum(c.items[0].qty for c in cartons) == 120
    assert all(c.weight_kg <= LIMIT for c in cartons)
    assert [c.items[0].qty for c in cartons] == [56, 4, 56, 4]  # each case on its own: 22.68 kg / 0.4 kg = 56


def test_a_shipment_of_whole_cases_is_a_standard_case_shipment():
    load = plan_load([ShipmentItem("PO000001", "1", "MUG", "", 24)], SKUS, case_sizes={("PO000001", "1"): 12})
    assert load.structure.value == "LooseStandardCase"
