from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from acorn.domain import InvalidRecord, NaiveDatetime, OrderLine, PurchaseOrderView, SkuInfo, StockLevel

UTC = UTC


def line(**overrides):
    values = dict(
        po_number="2JK3S9VC", item_sequence="1", asin="B07DFVDRAB", vendor_sku="SKU-1",
        ordered_qty=10, net_cost=Decimal("9.99"), currency="USD",
    )
    values.update(overrides)
    return OrderLine(**values)


def po(**overrides):
    values = dict(
        po_number="2JK3S9VC", selling_party="ABCDE", ship_to="ABE8", marketplace="US",
        order_date=datetime(2026, 3, 10, 15, 51, tzinfo=UTC),
        ship_window_start=datetime(2026, 3, 11, 7, tzinfo=UTC),
        ship_window_end=datetime(2026, 3, 17, 7, tzinfo=UTC),
        lines=(line(),),
    )
    values.update(overrides)
    return PurchaseOrderView(**values)


def test_a_purchase_order_must_be_acknowledged_within_24_hours_of_its_order_date():
    assert po().acknowledgement_deadline == datetime(2026, 3, 11, 15, 51, tzinfo=UTC)


def test_purchase_order_times_are_kept_in_utc_whatever_zone_they_came_in():
    order = po(order_date=datetime(2026, 3, 10, 11, 51, tzinfo=ZoneInfo("America/New_York")))
    assert order.order_date.tzinfo is UTC
    assert order.order_date == datetime(2026, 3, 10, 15, 51, tzinfo=UTC)


def test_a_naive_order_date_is_refused_naming_the_po_and_field():
    with pytest.raises(NaiveDatetime) as raised:
        po(order_date=datetime(2026, 3, 10, 15, 51))
    assert (raised.value.record, raised.value.field) == ("2JK3S9VC", "order_date")


def test_a_ship_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidRecord, match="ship window"):
        po(ship_window_end=datetime(2026, 3, 10, tzinfo=UTC))


def test_a_line_of_another_po_cannot_be_part_of_this_one():
    with pytest.raises(InvalidRecord) as raised:
        po(lines=(line(po_number="OTHERPO1"),))
    assert raised.value.record == "OTHERPO1/1"


def test_cancelled_lines_are_not_active():
    order = po(lines=(line(), line(item_sequence="2", cancelled=True)))
    assert [ln.item_sequence for ln in order.active_lines] == ["1"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"net_cost": 9.99}, "net_cost", id="float-money"),
        pytest.param({"net_cost": Decimal("-1")}, "net_cost", id="negative-cost"),
        pytest.param({"net_cost": Decimal("NaN")}, "net_cost", id="nan-cost"),
        pytest.param({"ordered_qty": -1}, "ordered_qty", id="negative-quantity"),
        pytest.param({"ordered_qty": 1.5}, "ordered_qty", id="fractional-quantity"),
        pytest.param({"currency": "usd"}, "currency", id="lower-case-currency"),
    ],
)
def test_a_bad_order_line_is_refused_naming_line_and_field(overrides, field):
    with pytest.raises(InvalidRecord) as raised:
        line(**overrides)
    assert raised.value.record == "2JK3S9VC/1"
    assert raised.value.field == field


def test_a_case_weighs_its_units_unless_a_weighed_carton_weight_is_known():
    computed = SkuInfo("SKU-1", "B07DFVDRAB", None, case_pack=6, unit_weight_kg=Decimal("0.75"))
    weighed = SkuInfo("SKU-1", "B07DFVDRAB", None, case_pack=6, unit_weight_kg=Decimal("0.75"),
                      carton_weight_kg=Decimal("4.9"))
    assert computed.case_weight_kg == Decimal("4.50")
    assert weighed.case_weight_kg == Decimal("4.9")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"ean": "4006381333932"}, "ean", id="ean-check-digit-wrong"),
        pytest.param({"case_pack": 0}, "case_pack", id="empty-case-pack"),
        pytest.param({"unit_weight_kg": Decimal("0")}, "unit_weight_kg", id="weightless-unit"),
    ],
)
def test_bad_sku_master_data_is_refused(overrides, field):
    values = dict(vendor_sku="SKU-1", asin="B07DFVDRAB", ean="4006381333931", case_pack=6, unit_weight_kg=Decimal("1"))
    values.update(overrides)
    with pytest.raises(InvalidRecord) as raised:
        SkuInfo(**values)
    assert (raised.value.record, raised.value.field) == ("SKU-1", field)


def test_stock_cannot_be_negative_and_restock_is_a_date():
    with pytest.raises(InvalidRecord):
        StockLevel("SKU-1", on_hand=-1)
    with pytest.raises(InvalidRecord):
        StockLevel("SKU-1", on_hand=0, restock_date=datetime(2026, 3, 1, tzinfo=UTC))
    assert StockLevel("SKU-1", 0, date(2026, 3, 1) + timedelta(days=1)).restock_date == date(2026, 3, 2)
