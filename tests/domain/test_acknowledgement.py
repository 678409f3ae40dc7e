from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from acorn.domain import (
    AcknowledgementCode,
    DuplicateRecord,
    NaiveDatetime,
    OrderLine,
    PurchaseOrderView,
    RejectionReason,
    SkuInfo,
    StockLevel,
    decide_acknowledgements,
)
from acorn.domain.acknowledgement import arrives_in_time

UTC = UTC
AS_OF = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)

SKUS = {
    "MUG": SkuInfo("MUG", "B000MUG001", None, case_pack=6, unit_weight_kg=Decimal("0.4")),
    "PAN": SkuInfo("PAN", "B000PAN001", None, case_pack=4, unit_weight_kg=Decimal("1.2")),
    "OLD": SkuInfo("OLD", "B000OLD001", None, case_pack=1, unit_weight_kg=Decimal("1"), discontinued=True),
}


def order(po_number, *lines, placed=datetime(2026, 3, 10, 9, 0, tzinfo=UTC)):
    return PurchaseOrderView(
        po_number=po_number, selling_party="ABCDE", ship_to="ABE8", marketplace="US", order_date=placed,
        ship_window_start=placed + timedelta(days=1), ship_window_end=placed + timedelta(days=7),
        lines=tuple(
            OrderLine(po_number, str(seq), asin, sku, qty, Decimal("5.00"), "USD", cancelled=cancelled,
                      backorder_allowed=backorder)
            for seq, (sku, asin, qty, cancelled, backorder) in enumerate(lines, start=1)
        ),
    )


def ln(sku, qty, *, asin=None, cancelled=False, backorder=True):
    asin = SKUS[sku].asin if asin is None and sku in SKUS else (asin or "")
    return (sku, asin, qty, cancelled, backorder)


def test_a_line_fully_in_stock_is_accepted_and_the_stock_is_spent():
    stock = {"MUG": StockLevel("MUG", 30)}
    plan = decide_acknowledgements([order("PO000001", ln("MUG", 12))], SKUS, stock, as_of=AS_OF)
    (decision,) = plan.decisions
    assert (decision.accepted_qty, decision.backordered_qty, decision.rejected_qty) == (12, 0, 0)
    assert [p.code for p in decision.parts] == [AcknowledgementCode.ACCEPTED]
    assert plan.remaining_stock["MUG"] == 18


def test_a_backorder_carries_the_restock_date():
    stock = {"MUG": StockLevel("MUG", 4, restock_date=date(2026, 3, 20))}
    plan = decide_acknowledgements([order("PO000001", ln("MUG", 10))], SKUS, stock, as_of=AS_OF)
    (decision,) = plan.decisions
    accepted, backordered = decision.parts
    assert (accepted.code, accepted.qty) == (AcknowledgementCode.ACCEPTED, 4)
    assert (backordered.code, backordered.qty) == (AcknowledgementCode.BACKORDERED, 6)
    assert backordered.scheduled_ship_date == date(2026, 3, 20)
    assert plan.remaining_stock["MUG"] == 0


def test_a_shortfall_without_a_restock_date_is_rejected_as_temporarily_unavailable():
    stock = {"MUG": StockLevel("MUG", 4)}
    (decision,) = decide_acknowledgements([order("PO000001", ln("MUG", 10))], SKUS, stock, as_of=AS_OF).decisions
    assert (decision.accepted_qty, decision.rejected_qty) == (4, 6)
    assert decision.parts[-1].rejection_reason is RejectionReason.TEMPORARILY_UNAVAILABLE


def test_a_line_that_does_not_allow_backorders_rejects_the_shortfall_even_with_a_restock_date():
    stock = {"MUG": StockLevel("MUG", 4, restock_date=date(2026, 3, 20))}
    plan = decide_acknowledgements([order("PO000001", ln("MUG", 10, backorder=False))], SKUS, stock, as_of=AS_OF)
    (decision,) = plan.decisions
    assert (decision.accepted_qty, decision.backordered_qty, decision.rejected_qty) == (4, 0, 6)
    assert decision.parts[-1].rejection_reason is RejectionReason.TEMPORARILY_UNAVAILABLE


def test_no_backorder_is_ever_promised_without_a_date():
    stock = {"MUG": StockLevel("MUG", 0)}
    (decision,) = decide_acknowledgements([order("PO000001", ln("MUG", 10))], SKUS, stock, as_of=AS_OF).decisions
    assert decision.backordered_qty == 0
    assert all(p.scheduled_ship_date is not None for p in decision.parts if p.code is AcknowledgementCode.BACKORDERED)


def test_a_restock_date_already_past_is_stale_and_not_promised():
    stock = {"MUG": StockLevel("MUG", 0, restock_date=date(2026, 3, 10))}
    (decision,) = decide_acknowledgements([order("PO000001", ln("MUG", 5))], SKUS, stock, as_of=AS_OF).decisions
    assert decision.backordered_qty == 0
    assert decision.rejected_qty == 5


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(ln("NOPE", 3, asin="B0UNKNOWN0"), RejectionReason.INVALID_PRODUCT_IDENTIFIER,
                     id="unknown-sku-and-asin"),
        pytest.param(ln("MUG", 3, asin="B000PAN001"), RejectionReason.INVALID_PRODUCT_IDENTIFIER,
                     id="sku-and-asin-contradict"),
        pytest.param(ln("OLD", 3), RejectionReason.OBSOLETE_PRODUCT, id="discontinued"),
        pytest.param(ln("PAN", 3), RejectionReason.TEMPORARILY_UNAVAILABLE, id="no-stock-no-restock-date"),
    ],
)
def test_a_line_that_cannot_be_served_is_rejected_with_amazons_reason(line, reason):
    stock = {"MUG": StockLevel("MUG", 100), "OLD": StockLevel("OLD", 100)}
    (decision,) = decide_acknowledgements([order("PO000001", line)], SKUS, stock, as_of=AS_OF).decisions
    assert decision.rejected_qty == 3
    assert decision.rejection_reason is reason
    assert [p.code for p in decision.parts] == [AcknowledgementCode.REJECTED]


def test_a_line_known_only_by_asin_finds_its_sku():
    stock = {"PAN": StockLevel("PAN", 10)}
    (decision,) = decide_acknowledgements([order("PO000001", ("", "B000PAN001", 2, False, True))], SKUS, stock,
                                          as_of=AS_OF).decisions
    assert (decision.vendor_sku, decision.accepted_qty) == ("PAN", 2)


def test_stock_goes_to_the_earliest_purchase_order_first():
    later = order("PO000001", ln("MUG", 8), placed=datetime(2026, 3, 10, 12, tzinfo=UTC))
    earlier = order("PO000009", ln("MUG", 8), placed=datetime(2026, 3, 10, 8, tzinfo=UTC))
    plan = decide_acknowledgements([later, earlier], SKUS, {"MUG": StockLevel("MUG", 10)}, as_of=AS_OF)
    assert plan.for_po("PO000009")[0].accepted_qty == 8
    assert plan.for_po("PO000001")[0].accepted_qty == 2


def test_the_po_number_breaks_ties_between_orders_placed_at_the_same_moment():
    a, b = order("PO00000A", ln("MUG", 8)), order("PO00000B", ln("MUG", 8))
    plan = decide_acknowledgements([b, a], SKUS, {"MUG": StockLevel("MUG", 10)}, as_of=AS_OF)
    assert (plan.for_po("PO00000A")[0].accepted_qty, plan.for_po("PO00000B")[0].accepted_qty) == (8, 2)


def test_cancelled_lines_get_no_decision_and_take_no_stock():
    plan = decide_acknowledgements(
        [order("PO000001", ln("MUG", 5, cancelled=True), ln("MUG", 3))], SKUS, {"MUG": StockLevel("MUG", 5)},
        as_of=AS_OF,
    )
    assert [d.item_sequence for d in plan.decisions] == ["2"]
    assert plan.remaining_stock["MUG"] == 2
    assert plan.fill_rate_of("PO000001").requested_qty == 3


def test_the_inputs_are_not_mutated():
    stock = {"MUG": StockLevel("MUG", 5)}
    decide_acknowledgements([order("PO000001", ln("MUG", 5))], SKUS, stock, as_of=AS_OF)
    assert stock == {"MUG": StockLevel("MUG", 5)}


@pytest.mark.parametrize(
    ("on_hand", "restock", "fill_rate", "compliant"),
    [
        pytest.param(8, None, Decimal("0.8"), True, id="exactly-80-percent-accepted"),
        pytest.param(7, None, Decimal("0.7"), False, id="70-percent-accepted"),
        pytest.param(0, date(2026, 3, 25), Decimal(1), True, id="all-backordered-counts"),
    ],
)
def test_a_po_is_compliant_when_accepted_plus_backordered_reach_80_percent(on_hand, restock, fill_rate, compliant):
    plan = decide_acknowledgements(
        [order("PO000001", ln("MUG", 10))], SKUS, {"MUG": StockLevel("MUG", on_hand, restock)}, as_of=AS_OF
    )
    summary = plan.fill_rate_of("PO000001")
    assert summary.fill_rate == fill_rate
    assert summary.compliant is compliant


def test_the_summary_flags_an_acknowledgement_decided_after_the_24_hour_deadline():
    po = order("PO000001", ln("MUG", 1), placed=datetime(2026, 3, 9, 17, 59, tzinfo=UTC))
    summary = decide_acknowledgements([po], SKUS, {}, as_of=AS_OF).fill_rate_of("PO000001")
    assert summary.acknowledgement_deadline == datetime(2026, 3, 10, 17, 59, tzinfo=UTC)
    assert summary.acknowledged_late


def test_line_sequences_are_allocated_in_numeric_order():
    po = order("PO000001", *[ln("MUG", 1)] * 10)
    plan = decide_acknowledgements([po], SKUS, {"MUG": StockLevel("MUG", 9)}, as_of=AS_OF)
    assert [d.item_sequence for d in plan.decisions if d.rejected_qty] == ["10"]


def test_the_same_po_twice_is_refused():
    with pytest.raises(DuplicateRecord) as raised:
        decide_acknowledgements([order("PO000001", ln("MUG", 1))] * 2, SKUS, {}, as_of=AS_OF)
    assert raised.value.record == "PO000001"


def test_business_time_must_be_aware():
    with pytest.raises(NaiveDatetime):
        decide_acknowledgements([], SKUS, {}, as_of=datetime(2026, 3, 10))


def test_accepted_units_become_the_item_to_pack():
    (decision,) = decide_acknowledgements(
        [order("PO000001", ln("MUG", 10))], SKUS, {"MUG": StockLevel("MUG", 4, date(2026, 4, 1))}, as_of=AS_OF
    ).decisions
    item = decision.accepted_item()
    assert (item.po_number, item.item_sequence, item.vendor_sku, item.qty) == ("PO000001", "1", "MUG", 4)


# ---- accepting against stock that arrives in time (orders placed 10 March, ship window ends 17 March) ----

IN_TIME = date(2026, 3, 15)   # two days before the window's last day
TOO_LATE = date(2026, 3, 17)  # the window's last day: no day left to receive, pick and pack


def decide(stock: dict[str, StockLevel], *orders, accept_arrivals: bool = True):  # type: ignore[no-untyped-def]
    return decide_acknowledgements(list(orders), SKUS, stock, as_of=AS_OF, accept_arrivals=accept_arrivals)


def test_a_shortfall_covered_by_an_arrival_in_time_is_accepted_with_the_arrival_date() -> None:
    stock = {"MUG": StockLevel("MUG", 4, restock_date=IN_TIME, restock_units=60)}
    (decision,) = decide(stock, order("PO000001", ln("MUG", 10, backorder=False))).decisions
    assert (decision.accepted_qty, decision.arriving_qty, decision.rejected_qty) == (10, 6, 0)
    now, later = decision.parts
    assert (now.code, now.qty, now.scheduled_ship_date) == (AcknowledgementCode.ACCEPTED, 4, None)
    assert (later.code, later.qty, later.scheduled_ship_date) == (AcknowledgementCode.ACCEPTED, 6, IN_TIME)
    assert decision.accepted_item() is not None and decision.accepted_item().qty == 4  # type: ignore[union-attr]


def test_without_the_option_the_same_line_is_rejected_as_before() -> None:
    stock = {"MUG": StockLevel("MUG", 4, restock_date=IN_TIME, restock_units=60)}
    (decision,) = decide(stock, order("PO000001", ln("MUG", 10, backorder=False)), accept_arrivals=False).decisions
    assert (decision.accepted_qty, decision.arriving_qty, decision.rejected_qty) == (4, 0, 6)
    assert decision.rejection_reason == RejectionReason.TEMPORARILY_UNAVAILABLE


def test_an_arrival_on_the_windows_last_day_is_too_late_to_accept_but_may_be_backordered() -> None:
    assert arrives_in_time(IN_TIME, date(2026, 3, 17)) and not arrives_in_time(TOO_LATE, date(2026, 3, 17))
    stock = {"MUG": StockLevel("MUG", 4, restock_date=TOO_LATE, restock_units=60)}
    (decision,) = decide(stock, order("PO000001", ln("MUG", 10))).decisions
    assert (decision.accepted_qty, decision.arriving_qty, decision.backordered_qty) == (4, 0, 6)
    assert decision.scheduled_ship_date == TOO_LATE


def test_arriving_units_are_promised_first_come_first_served_and_never_twice() -> None:
    stock = {"MUG": StockLevel("MUG", 0, restock_date=IN_TIME, restock_units=15)}
    plan = decide(stock, order("PO000001", ln("MUG", 10, backorder=False)),
                  order("PO000002", ln("MUG", 10, backorder=False)))
    first, second = plan.decisions
    assert (first.arriving_qty, first.rejected_qty) == (10, 0)
    assert (second.arriving_qty, second.rejected_qty) == (5, 5)
    assert sum(d.arriving_qty for d in plan.decisions) == 15


def test_a_backorder_is_limited_to_the_arriving_units_left_when_the_erp_says_how_many() -> None:
    stock = {"MUG": StockLevel("MUG", 0, restock_date=TOO_LATE, restock_units=8)}
    (decision,) = decide(stock, order("PO000001", ln("MUG", 12)), accept_arrivals=False).decisions
    assert (decision.backordered_qty, decision.rejected_qty) == (8, 4)
    assert decision.rejection_reason == RejectionReason.TEMPORARILY_UNAVAILABLE
    assert [(p.code, p.qty) for p in decision.parts] == [  # no zero Accepted part: Amazon refuses a zero
        (AcknowledgementCode.BACKORDERED, 8), (AcknowledgementCode.REJECTED, 4)]


def test_a_restock_date_without_a_quantity_is_never_accepted_against() -> None:
    stock = {"MUG": StockLevel("MUG", 0, restock_date=IN_TIME)}
    (rejected,) = decide(stock, order("PO000001", ln("MUG", 10, backorder=False))).decisions
    assert (rejected.accepted_qty, rejected.rejected_qty) == (0, 10)
    (backordered,) = decide(stock, order("PO000001", ln("MUG", 10))).decisions  # backorder: the ERP's word, as before
    assert (backordered.accepted_qty, backordered.backordered_qty) == (0, 10)


def test_arrivals_in_time_come_before_backorders_on_a_line_that_allows_both() -> None:
    stock = {"MUG": StockLevel("MUG", 2, restock_date=IN_TIME, restock_units=6)}
    (decision,) = decide(stock, order("PO000001", ln("MUG", 12))).decisions
    assert (decision.accepted_qty, decision.arriving_qty, decision.backordered_qty, decision.rejected_qty) == (
        8, 6, 0, 4)


def test_a_stale_restock_date_promises_nothing_however_many_units_it_names() -> None:
    stock = {"MUG": StockLevel("MUG", 0, restock_date=date(2026, 3, 10), restock_units=100)}
    (decision,) = decide(stock, order("PO000001", ln("MUG", 10))).decisions
    assert (decision.accepted_qty, decision.backordered_qty, decision.rejected_qty) == (0, 0, 10)


def test_a_cases_line_takes_whole_cases_of_the_arrival() -> None:
    stock = {"PAN": StockLevel("PAN", 0, restock_date=IN_TIME, restock_units=10)}
    plan = decide_acknowledgements([order("PO000001", ln("PAN", 12, backorder=False))], SKUS, stock, as_of=AS_OF,
                                   case_sizes={("PO000001", "1"): 4}, accept_arrivals=True)
    (decision,) = plan.decisions
    assert (decision.arriving_qty, decision.rejected_qty) == (8, 4)


def test_fill_rate_counts_units_accepted_against_an_arrival() -> None:
    stock = {"MUG": StockLevel("MUG", 2, restock_date=IN_TIME, restock_units=60)}
    with_arrivals = decide(stock, order("PO000001", ln("MUG", 10, backorder=False)))
    without = decide(stock, order("PO000001", ln("MUG", 10, backorder=False)), accept_arrivals=False)
    assert with_arrivals.fill_rate_of("PO000001").compliant
    assert not without.fill_rate_of("PO000001").compliant
