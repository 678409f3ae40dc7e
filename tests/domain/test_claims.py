"""Claims: dispute deadlines, who may move a claim where, sharing reversal credits, --due-within."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from acorn.config import DisputeSettings
from acorn.domain.claims import (
    ClaimTransitionError,
    WindowRules,
    allocate_credit,
    check_transition,
    claim_key,
    closes_within,
    dispute_deadline,
    is_disputable,
    parse_duration,
)
from acorn.domain.errors import InvalidRecord

RULES = WindowRules()


def test_a_shortage_can_be_disputed_until_thirty_days_after_the_invoice_was_due():
    # invoice 2026-01-10, due 2026-03-11 (net 60); 2026-03-11 + 30 days = 2026-04-10
    deadline = dispute_deadline("shortage", invoice_date=date(2026, 1, 10), invoice_due=date(2026, 3, 11),
                                deducted_on=date(2026, 3, 11), windows=RULES)
    assert deadline == date(2026, 4, 10)


def test_a_damage_claim_follows_the_shortage_rule():
    assert dispute_deadline("damage", invoice_date=None, invoice_due=date(2026, 2, 1),
                            deducted_on=date(2026, 2, 5), windows=RULES) == date(2026, 3, 3)  # Feb 1 + 30


def test_without_a_due_date_the_shortage_window_runs_from_the_deduction():
    # deducted 2026-05-20 + 30 days = 2026-06-19
    assert dispute_deadline("shortage", invoice_date=date(2026, 3, 1), invoice_due=None,
                            deducted_on=date(2026, 5, 20), windows=RULES) == date(2026, 6, 19)


def test_a_price_claim_can_be_disputed_until_sixty_days_after_the_deduction():
    # 2026-03-11 + 60 days = 2026-05-10, whatever the due date
    assert dispute_deadline("price", invoice_date=date(2026, 1, 10), invoice_due=date(2026, 1, 1),
                            deducted_on=date(2026, 3, 11), windows=RULES) == date(2026, 5, 10)


def test_no_window_reaches_past_two_years_after_the_invoice_date():
    # invoice 2024-01-01 + 730 days = 2025-12-31; the deduction came late (2025-12-15 + 60 = 2026-02-13)
    assert dispute_deadline("price", invoice_date=date(2024, 1, 1), invoice_due=None,
                            deducted_on=date(2025, 12, 15), windows=RULES) == date(2025, 12, 31)


def test_the_windows_are_the_settings_when_given():
    windows = DisputeSettings(shortage_days_after_due=10, price_days_after_deduction=20)
    assert dispute_deadline("shortage", invoice_date=None, invoice_due=date(2026, 1, 1),
                            deducted_on=date(2026, 1, 5), windows=windows) == date(2026, 1, 11)
    assert dispute_deadline("price", invoice_date=None, invoice_due=None,
                            deducted_on=date(2026, 1, 5), windows=windows) == date(2026, 1, 25)


def test_an_unknown_kind_is_named():
    with pytest.raises(InvalidRecord, match="'promo' is not a claim kind"):
        dispute_deadline("promo", invoice_date=None, invoice_due=None, deducted_on=date(2026, 1, 1), windows=RULES)


@pytest.mark.parametrize(("status", "deadline", "recovered", "expected"), [
    pytest.param("open", date(2026, 4, 10), Decimal("0"), True, id="open-before-deadline"),
    pytest.param("open", date(2026, 4, 9), Decimal("0"), True, id="open-on-the-deadline-day"),
    pytest.param("open", date(2026, 4, 8), Decimal("0"), False, id="open-after-deadline"),
    pytest.param("open", date(2026, 4, 10), Decimal("25.00"), False, id="fully-credited"),
    pytest.param("disputed", date(2026, 4, 10), Decimal("0"), False, id="already-disputed"),
])
def test_a_claim_is_disputable_while_open_inside_its_window_with_money_at_stake(status, deadline, recovered,
                                                                               expected):
    assert is_disputable(status, deadline=deadline, amount=Decimal("25.00"), recovered=recovered,
                         today=date(2026, 4, 9)) is expected


def test_an_alert_is_due_only_inside_the_last_days_of_the_window():
    today = date(2026, 4, 1)
    assert closes_within(date(2026, 4, 8), today=today, days=7)
    assert not closes_within(date(2026, 4, 9), today=today, days=7)
    assert not closes_within(date(2026, 3, 31), today=today, days=7)  # already closed
    assert not closes_within(None, today=today, days=7)


def test_a_person_may_record_a_dispute_and_its_outcome_but_not_reopen_a_closed_claim():
    assert check_transition("open", "disputed", record="c") == "disputed"
    assert check_transition("disputed", "won", record="c") == "won"
    assert check_transition("recovered", "won", record="c") == "won"
    with pytest.raises(ClaimTransitionError, match="the claim is lost: it can move to nothing"):
        check_transition("lost", "disputed", record="c")
    with pytest.raises(ClaimTransitionError, match="the claim is open: it can move to disputed, not won"):
        check_transition("open", "won", record="c")
    with pytest.raises(ClaimTransitionError, match="'paid' is not a claim status"):
        check_transition("open", "paid", record="c")


def test_a_reversal_credits_the_oldest_claim_first_and_never_more_than_it_deducted():
    shares = allocate_credit(Decimal("30.00"), [("first", Decimal("20.00")), ("second", Decimal("15.00"))])
    assert shares == {"first": Decimal("20.00"), "second": Decimal("10.00")}
    assert allocate_credit(Decimal("50.00"), [("only", Decimal("20.00"))]) == {"only": Decimal("20.00")}


def test_the_claim_key_names_account_invoice_payment_and_kind():
    assert claim_key("ACRNUS", "US123", "PMT-1", "price") == "ACRNUS:US123:PMT-1:price"


@pytest.mark.parametrize(("text", "days"), [("7d", 7), ("2w", 14), (" 10D ", 10), ("0d", 0)])
def test_due_within_takes_days_or_weeks(text, days):
    assert parse_duration(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["7", "7h", "-1d", "d", "", "1.5w"])
def test_a_bad_duration_says_what_to_write(text):
    with pytest.raises(InvalidRecord, match="like 7d or 2w"):
        parse_duration(text)
