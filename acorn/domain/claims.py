"""Claims: money Amazon kept from an invoice, and how long the vendor has to dispute it.

Amazon deducts from a payment when its warehouse received fewer units than were invoiced
(shortage), refused units as damaged (damage) or the invoiced cost was above the PO cost
(price). Each deduction on one invoice in one payment, by kind, is one claim; disputes are
filed per invoice. Vendor Central only hears a dispute inside a window, so every claim
carries its deadline::

    shortage, damage   invoice due date + 30 days (the deduction date when the due date is unknown)
    price              deduction date + 60 days
    any kind           never later than invoice date + 730 days

The numbers are settings (``acorn.config.DisputeSettings``); the rule is here. A claim
moves through these states (``refresh`` = what a remittance import does by itself)::

    open ──mark──> disputed ──mark──> won / lost
      │               │
      │               └──refresh: reversals credit the whole amount──> recovered ──mark──> won
      ├──refresh: reversals credit the whole amount──> recovered
      └──refresh: deadline passed──> expired ──refresh: fully credited after all──> recovered

Reversals are credited to every claim of the invoice and kind, oldest first, whatever its
status (a won dispute is usually paid back that way); only the moves above change status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from acorn.domain.errors import InvalidRecord


class ClaimKind(StrEnum):
    SHORTAGE = "shortage"
    DAMAGE = "damage"
    PRICE = "price"


class ClaimStatus(StrEnum):
    OPEN = "open"
    DISPUTED = "disputed"
    RECOVERED = "recovered"
    WON = "won"
    LOST = "lost"
    EXPIRED = "expired"


K, S = ClaimKind, ClaimStatus

#: what a person may record (``acorn disputes mark``); recovery and expiry come from remittances and time
MANUAL_TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    S.OPEN: frozenset({S.DISPUTED}),
    S.DISPUTED: frozenset({S.WON, S.LOST}),
    # the credit often lands on a remittance before Vendor Central closes the case
    S.RECOVERED: frozenset({S.WON}),
    S.WON: frozenset(),
    S.LOST: frozenset(),
    S.EXPIRED: frozenset(),
}

#: statuses a full credit turns into ``recovered`` (won and lost already carry Amazon's answer)
CREDITABLE: frozenset[ClaimStatus] = frozenset({S.OPEN, S.DISPUTED, S.EXPIRED})


class ClaimTransitionError(InvalidRecord):
    """A claim cannot move from its status to the one asked for."""


class DisputeWindows(Protocol):
    """Days Amazon allows; ``acorn.config.DisputeSettings`` is one. Read-only, as frozen settings are."""

    @property
    def shortage_days_after_due(self) -> int: ...
    @property
    def price_days_after_deduction(self) -> int: ...
    @property
    def max_age_days(self) -> int: ...


@dataclass(frozen=True)
class WindowRules:
    """Vendor Central's published windows, for callers without settings at hand."""

    shortage_days_after_due: int = 30
    price_days_after_deduction: int = 60
    max_age_days: int = 730


def claim_kind(value: str, *, record: str | None = None) -> ClaimKind:
    try:
        return ClaimKind(value)
    except ValueError:
        raise InvalidRecord(f"{value!r} is not a claim kind ({', '.join(ClaimKind)})", record=record,
                            field="kind") from None


def claim_key(account_code: str, invoice_number: str, payment_number: str, kind: str) -> str:
    """One claim per invoice, payment and kind: the same deduction imported twice stays one claim."""
    return f"{account_code}:{invoice_number}:{payment_number}:{claim_kind(kind)}"


def dispute_deadline(kind: str, *, invoice_date: date | None, invoice_due: date | None, deducted_on: date,
                     windows: DisputeWindows) -> date:
    """The last day Vendor Central hears a dispute of this claim (inclusive)."""
    if claim_kind(kind) is ClaimKind.PRICE:
        deadline = deducted_on + timedelta(days=windows.price_days_after_deduction)
    else:
        deadline = (invoice_due or deducted_on) + timedelta(days=windows.shortage_days_after_due)
    if invoice_date is not None:
        deadline = min(deadline, invoice_date + timedelta(days=windows.max_age_days))
    return deadline


def at_stake(amount: Decimal, recovered: Decimal) -> Decimal:
    """What is still to win back: the deduction less what reversals already credited."""
    return max(amount - recovered, Decimal(0))


def is_disputable(status: str, *, deadline: date | None, amount: Decimal, recovered: Decimal, today: date) -> bool:
    """Open, money still at stake, and the window not closed (the deadline day itself counts)."""
    return (ClaimStatus(status) is ClaimStatus.OPEN and at_stake(amount, recovered) > 0
            and (deadline is None or today <= deadline))


def closes_within(deadline: date | None, *, today: date, days: int) -> bool:
    """The window is still open and closes within ``days`` days of ``today``."""
    return deadline is not None and 0 <= (deadline - today).days <= days


def check_transition(current: str, new: str, *, record: str) -> ClaimStatus:
    """``new`` as a status, if a person may move a claim there from ``current``."""
    try:
        target = ClaimStatus(new)
    except ValueError:
        raise ClaimTransitionError(f"{new!r} is not a claim status ({', '.join(ClaimStatus)})", record=record,
                                   field="status") from None
    allowed = MANUAL_TRANSITIONS[ClaimStatus(current)]
    if target not in allowed:
        options = ", ".join(sorted(allowed)) or "nothing (it is closed)"
        raise ClaimTransitionError(f"the claim is {current}: it can move to {options}, not {new}", record=record,
                                   field="status")
    return target


def allocate_credit(credit: Decimal, claims: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Share a reversal credit over claims ``(key, amount)``, oldest first, none above its amount.

    Amazon reverses a shortage per invoice line, not per claim; crediting the oldest claim
    first is what its remittances show when a later shortage on the same invoice exists.
    Credit beyond every claim's amount is left unallocated (it is not a recovery of ours).
    """
    shares: dict[str, Decimal] = {}
    left = max(credit, Decimal(0))
    for key, amount in claims:
        share = min(left, max(amount, Decimal(0)))
        shares[key] = share
        left -= share
    return shares


_DURATION = re.compile(r"^\s*(\d{1,4})\s*([dw])\s*$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """``7d`` (days) or ``2w`` (weeks), as ``--due-within`` takes it."""
    match = _DURATION.match(text or "")
    if not match:
        raise InvalidRecord(f"{text!r} is not a duration; write whole days or weeks, like 7d or 2w",
                            field="due_within")
    number, unit = int(match.group(1)), match.group(2).lower()
    return timedelta(days=number * (7 if unit == "w" else 1))
