"""Disputes: every shortage, damage or price deduction becomes a claim ops can win back.

After each remittance import, :func:`refresh_claims` rebuilds the claims from the stored
remittance lines (one per invoice, payment and kind), credits reversals to them, sets
each dispute deadline (``acorn.domain.claims``), expires what Vendor Central will no
longer hear, and raises one alert per claim whose window closes soon. Everything is
recomputed from the remittance lines, so running it twice changes nothing. A person
records what they filed and what Amazon answered with :func:`mark_claim`; the evidence
to file is written by :func:`write_dispute_packages` (``acorn.services.dispute_evidence``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from acorn.config import DisputeSettings, VendorAccountSettings
from acorn.domain.claims import (
    CREDITABLE,
    ClaimKind,
    ClaimStatus,
    allocate_credit,
    at_stake,
    check_transition,
    claim_key,
    closes_within,
    dispute_deadline,
    is_disputable,
)
from acorn.services.ports import Units
from acorn.store import UnitOfWork
from schemas.tables import Claim, Invoice, RemittanceLine, utcnow

log = logging.getLogger("acorn.disputes")

ZERO = Decimal(0)
ALERT_KIND = "dispute_deadline"


@dataclass
class ClaimsResult:
    created: int = 0
    updated: int = 0
    recovered: int = 0
    expired: int = 0
    alerts_raised: int = 0
    alerts_resolved: int = 0
    open: int = 0
    #: money still at stake on open claims, as text (a Decimal does not travel through JSON)
    open_amount: str = "0.00"


def alert_key(claim: Claim) -> str:
    return f"dispute-deadline:{claim.claim_key}"


def local_today(account: VendorAccountSettings, as_of: datetime) -> date:
    """The vendor's calendar day at ``as_of``: windows close at the end of a local day."""
    return as_of.astimezone(ZoneInfo(account.ship_from_tz)).date()


def refresh_claims(units: Units, account: VendorAccountSettings, windows: DisputeSettings, *,
                   as_of: datetime) -> ClaimsResult:
    """Claims from the remittance lines, reversals credited, deadlines set, expiry and alerts applied."""
    result, today = ClaimsResult(), local_today(account, as_of)
    with units() as uow:
        uow.stage_lock(f"refresh-claims:{account.code}")
        lines = uow.remittances.for_account(account.code)
        invoices = {i.invoice_number: i for i in uow.invoices.list(account.code)}
        existing = {c.claim_key: c for c in uow.claims.list(account_code=account.code)}
        for fields in _claims_from(account.code, lines, invoices, windows):
            _upsert(uow, existing, fields, result)
        _credit_reversals(uow, lines, existing.values(), result)
        quiet = []
        for claim in existing.values():
            _expire(uow, claim, today, result)
            if not _alert(uow, account, claim, today, windows.alert_days_before, result):
                quiet.append(alert_key(claim))
        for start in range(0, len(quiet), 500):
            result.alerts_resolved += uow.alerts.resolve_all(quiet[start:start + 500], at=as_of)
        open_claims = [c for c in existing.values() if c.status == ClaimStatus.OPEN]
        result.open = len(open_claims)
        result.open_amount = f"{sum((at_stake(c.amount, c.recovered) for c in open_claims), ZERO):.2f}"
        uow.commit()
    log.info("%s claims: %s", account.code, result)
    return result


def _claims_from(account_code: str, lines: list[RemittanceLine], invoices: dict[str, Invoice],
                 windows: DisputeSettings) -> list[dict[str, Any]]:
    """One claim's fields per invoice, payment and kind that Amazon deducted money for."""
    groups: dict[tuple[str, str, ClaimKind], list[RemittanceLine]] = defaultdict(list)
    for line in lines:
        for kind in ClaimKind:
            if getattr(line, f"{kind}_deduction") > 0:
                groups[(line.invoice_number, line.payment_number, kind)].append(line)
    claims = []
    for (invoice_number, payment, kind), group in sorted(groups.items()):
        invoice = invoices.get(invoice_number)
        invoice_date = invoice.invoice_date.date() if invoice is not None else group[0].invoice_date
        due = invoice.payment_due if invoice is not None else None
        deducted_on = min(ln.payment_date for ln in group)
        evidence = [_evidence(ln, kind) for ln in group]
        claims.append({
            "claim_key": claim_key(account_code, invoice_number, payment, kind), "account_code": account_code,
            "kind": str(kind), "invoice_number": invoice_number, "payment_number": payment,
            "deducted_on": deducted_on, "invoice_date": invoice_date, "invoice_due": due,
            "units": sum(e["units"] for e in evidence), "currency": group[0].currency,
            "amount": sum((getattr(ln, f"{kind}_deduction") for ln in group), ZERO), "lines": evidence,
            "dispute_deadline": dispute_deadline(kind, invoice_date=invoice_date, invoice_due=due,
                                                 deducted_on=deducted_on, windows=windows)})
    return claims


def _evidence(line: RemittanceLine, kind: ClaimKind) -> dict[str, Any]:
    """What Amazon kept on one invoice line, and the units that explain it."""
    amount = getattr(line, f"{kind}_deduction")
    per_unit = (line.invoiced_unit_cost if kind is not ClaimKind.PRICE
                else (line.invoiced_unit_cost or ZERO) - (line.po_unit_cost or ZERO))
    units = int((amount / per_unit).to_integral_value()) if per_unit else 0
    return {"po_number": line.po_number, "item_sequence": line.item_sequence, "asin": line.asin,
            "invoiced_quantity": line.invoiced_quantity, "received_quantity": line.received_quantity,
            "invoiced_unit_cost": _text(line.invoiced_unit_cost), "po_unit_cost": _text(line.po_unit_cost),
            "units": units, "amount": _text(amount)}


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _upsert(uow: UnitOfWork, existing: dict[str, Claim], fields: dict[str, Any], result: ClaimsResult) -> None:
    claim = existing.get(fields["claim_key"])
    if claim is None:
        claim = existing[fields["claim_key"]] = uow.claims.add(Claim(**fields))
        result.created += 1
        uow.audit.append(action="claim.opened", entity="claim", entity_id=claim.claim_key,
                         detail={"amount": _text(claim.amount), "deadline": str(claim.dispute_deadline)})
        return
    changed = {k: v for k, v in fields.items() if getattr(claim, k) != v}
    if changed:  # a later file brought a line of this payment that an earlier one refused
        for k, v in changed.items():
            setattr(claim, k, v)
        claim.updated_at = utcnow()
        result.updated += 1


def _credit_reversals(uow: UnitOfWork, lines: list[RemittanceLine], claims: Iterable[Claim],
                      result: ClaimsResult) -> None:
    """Reversal credits (negative deductions) shared over the invoice's claims of that kind, oldest first."""
    credits: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        for kind in ClaimKind:
            if getattr(line, f"{kind}_deduction") < 0:
                credits[(line.invoice_number, kind)] -= getattr(line, f"{kind}_deduction")
    by_invoice: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in sorted(claims, key=lambda c: (c.deducted_on, c.payment_number)):
        by_invoice[(claim.invoice_number, claim.kind)].append(claim)
    for key, group in by_invoice.items():
        shares = allocate_credit(credits.get(key, ZERO), [(c.claim_key, c.amount) for c in group])
        for claim in group:
            _set_recovered(uow, claim, shares[claim.claim_key], result)


def _set_recovered(uow: UnitOfWork, claim: Claim, recovered: Decimal, result: ClaimsResult) -> None:
    if claim.recovered != recovered:
        claim.recovered, claim.updated_at = recovered, utcnow()
    if recovered >= claim.amount and claim.status in CREDITABLE:
        claim.status, claim.updated_at = ClaimStatus.RECOVERED.value, utcnow()
        result.recovered += 1
        uow.audit.append(action="claim.recovered", entity="claim", entity_id=claim.claim_key,
                         detail={"recovered": _text(recovered)})


def _expire(uow: UnitOfWork, claim: Claim, today: date, result: ClaimsResult) -> None:
    """An open claim past its deadline can no longer be filed: say so instead of listing it."""
    if claim.status == ClaimStatus.OPEN and claim.dispute_deadline is not None and today > claim.dispute_deadline:
        claim.status, claim.resolved_on, claim.updated_at = ClaimStatus.EXPIRED.value, today, utcnow()
        result.expired += 1
        uow.audit.append(action="claim.expired", entity="claim", entity_id=claim.claim_key,
                         detail={"deadline": str(claim.dispute_deadline), "at_stake":
                                 _text(at_stake(claim.amount, claim.recovered))})


def _alert(uow: UnitOfWork, account: VendorAccountSettings, claim: Claim, today: date, days: int,
           result: ClaimsResult) -> bool:
    """Raise the claim's alert when its window closes soon; False when it should be quiet."""
    disputable = is_disputable(claim.status, deadline=claim.dispute_deadline, amount=claim.amount,
                               recovered=claim.recovered, today=today)
    if not (disputable and claim.dispute_deadline is not None
            and closes_within(claim.dispute_deadline, today=today, days=days)):
        return False
    money = f"{at_stake(claim.amount, claim.recovered):.2f} {claim.currency}"
    left = (claim.dispute_deadline - today).days
    evidence = (f"attach {claim.package_path} and the CSV beside it" if claim.package_path
                else "attach the dispute package (HTML + CSV) the monthly reconciliation writes under "
                     f"reconciliation/disputes/{account.code}/ in the documents folder")
    _, created = uow.alerts.raise_alert(
        dedupe_key=alert_key(claim), account_code=account.code, kind=ALERT_KIND,
        invoice_number=claim.invoice_number,
        subject=f"Dispute {claim.kind} on invoice {claim.invoice_number}: {money} by {claim.dispute_deadline}"[:200],
        message=(f"Amazon deducted {money} as {claim.kind} from payment {claim.payment_number} on "
                 f"{claim.deducted_on}. Vendor Central hears a dispute until {claim.dispute_deadline} "
                 f"({left} day{'s' if left != 1 else ''} left)."),
        next_step=(f"In Vendor Central open Payments > Invoices, find invoice {claim.invoice_number} and dispute the "
                   f"{claim.kind} deduction; {evidence}. Then record it: `acorn disputes mark {claim.claim_key} "
                   "--status disputed --by YOUR-NAME`."))
    result.alerts_raised += created
    return True


def disputes(units: Units, *, account_code: str | None = None, as_of: date,
             due_within: timedelta | None = None,
             statuses: tuple[str, ...] | None = (ClaimStatus.OPEN,)) -> list[Claim]:
    """Claims to work on, most money at stake first, then the earliest deadline.

    ``due_within`` keeps those whose window is still open at ``as_of`` and closes within it;
    ``statuses=None`` lists every claim whatever its status.
    """
    with units() as uow:
        claims = uow.claims.list(account_code=account_code, statuses=statuses)
    if due_within is not None:
        claims = [c for c in claims if closes_within(c.dispute_deadline, today=as_of, days=due_within.days)]
    return sorted(claims, key=lambda c: (-at_stake(c.amount, c.recovered), c.dispute_deadline or date.max,
                                         c.claim_key))


def mark_claim(units: Units, claim_key: str, *, status: str, on: date, note: str, by: str) -> Claim:
    """Record what a person did or heard: ``disputed`` when filed, ``won``/``lost`` with Amazon's answer."""
    with units() as uow:
        claim = uow.claims.get(claim_key)
        if claim is None:
            raise KeyError(f"no claim {claim_key!r}; `acorn disputes` lists them")
        previous = claim.status
        target = check_transition(previous, status, record=claim_key)
        claim.status, claim.updated_at = target.value, utcnow()
        if target is ClaimStatus.DISPUTED:
            claim.disputed_on = on
        else:
            claim.resolved_on = on
        claim.note = (claim.note + f"{on} {by}: {target.value}{' - ' + note if note else ''}\n")
        uow.audit.append(action=f"claim.{target.value}", entity="claim", entity_id=claim_key, actor=by[:60],
                         detail={"from": previous, "on": on.isoformat(), "note": note})
        uow.alerts.resolve(alert_key(claim), at=utcnow())
        uow.commit()
    return claim


def write_dispute_packages(units: Units, account: VendorAccountSettings, out_dir: Path, *,
                           as_of: datetime) -> list[Path]:
    """One HTML + CSV per invoice and kind still worth filing; returns the HTML paths."""
    from acorn.services.dispute_evidence import write_packages

    return write_packages(units, account, Path(out_dir), today=local_today(account, as_of), as_of=as_of)
