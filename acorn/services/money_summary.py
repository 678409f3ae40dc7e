"""The money in one place: what was invoiced, paid, deducted, disputable and disputed, per currency.

``summary.json`` and the demo's table read it. Paid and deducted come from Amazon's own
remittance files (imported, never computed by Acorn); invoiced from invoices Amazon accepted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import col, select

from acorn.config import VendorAccountSettings
from acorn.domain.claims import ClaimStatus, at_stake, is_disputable
from acorn.domain.documents import DocumentState
from acorn.services.disputes import local_today
from acorn.services.ports import Units
from schemas.tables import Claim, Invoice, RemittanceLine

_ZERO = Decimal("0")
#: claims a person filed (a claim recovered by a reversal alone was never disputed)
DISPUTED = (ClaimStatus.DISPUTED, ClaimStatus.WON, ClaimStatus.LOST)
#: a query narrowed to one account or not, whatever it selects
_Query = TypeVar("_Query", bound=sa.Select[*tuple[Any, ...]])


def money_figures(units: Units, accounts: list[VendorAccountSettings], *, as_of: datetime,
                  account_code: str | None = None) -> dict[str, Any]:
    """``{currency: {invoiced, paid, deducted: {shortage, damage, price}, recovered, disputable, disputed}}``."""
    by_code = {a.code: a for a in accounts}
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "invoiced": _ZERO, "paid": _ZERO, "deducted": {"shortage": _ZERO, "damage": _ZERO, "price": _ZERO},
        "recovered": _ZERO, "disputable": _ZERO, "disputed": _ZERO, "open_claims": 0})
    with units() as uow:
        s = uow.claims.session  # a read model: plain aggregate queries are clearest

        def scoped(q: _Query, column: Mapped[str]) -> _Query:
            return q.where(column == account_code) if account_code else q

        for currency, total in s.execute(scoped(
                sa.select(col(Invoice.currency), sa.func.sum(col(Invoice.total)))
                .where(col(Invoice.status) == DocumentState.ACCEPTED).group_by(col(Invoice.currency)),
                col(Invoice.account_code))):
            out[currency]["invoiced"] = Decimal(str(total or 0))
        r = RemittanceLine
        for currency, paid, shortage, damage, price in s.execute(scoped(
                sa.select(col(r.currency), sa.func.sum(col(r.line_paid)), sa.func.sum(col(r.shortage_deduction)),
                          sa.func.sum(col(r.damage_deduction)), sa.func.sum(col(r.price_deduction)))
                .group_by(col(r.currency)),
                col(r.account_code))):
            out[currency]["paid"] = Decimal(str(paid or 0))
            out[currency]["deducted"] = {"shortage": Decimal(str(shortage or 0)), "damage": Decimal(str(damage or 0)),
                                         "price": Decimal(str(price or 0))}
        for claim in s.exec(scoped(select(Claim), col(Claim.account_code))).all():
            money = out[claim.currency]
            money["recovered"] += claim.recovered
            # the rule `acorn disputes` and the packages use, on the account's own calendar day
            if is_disputable(claim.status, deadline=claim.dispute_deadline, amount=claim.amount,
                             recovered=claim.recovered, today=local_today(by_code[claim.account_code], as_of)):
                money["disputable"] += at_stake(claim.amount, claim.recovered)
                money["open_claims"] += 1
            if claim.status in DISPUTED:
                money["disputed"] += claim.amount
    return {cur: _strings(v) for cur, v in sorted(out.items())}


def _strings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strings(v) for k, v in value.items()}
    return f"{value:.2f}" if isinstance(value, Decimal) else value
