"""How the simulated Amazon settles accepted invoices: when it pays, what it keeps, what it gives back.

Amazon accepts an invoice whose quantities or costs differ from the PO or the receipt and
settles the difference when it pays (three-way match at payment, not at submission):

* **When.** On the invoice date + ``netDueDays`` (``payment_basis="invoice"``), or
  ``netDueDays`` after the invoice's goods were last received (``"receipt"``): the last
  delivery of the units it bills, matched to invoices oldest first, counting only deliveries
  up to the payment that the receipts so far imply (a delivery after that payment cannot move
  it). An invoice none of whose goods arrive is paid at invoice date + ``netDueDays`` + 30 days,
  everything short. Payments run at 00:00 UTC and never before the invoice was accepted (an
  invoice already due when it arrives is paid in the next day's run).
* **What.** Per invoice line, Amazon pays ``min(invoiced, received) x min(invoiced cost, PO
  cost)``; the rest is itemised: ``DAMAGE_CLAIM`` for units refused damaged, ``SHORTAGE_CLAIM``
  for the other units not received (both at the invoiced cost), ``PRICE_CLAIM`` for paid units
  invoiced above the PO cost. Received, damaged and lost units of a PO line go to the invoices
  billing it oldest first (invoice date, then number); an invoice paid earlier keeps what it
  was paid for, one not yet paid has its share reserved, and an invoice Amazon had not yet
  accepted reserves nothing, so a payment already made never changes.
* **Reversals.** For a line with shortage units the FC actually lost (shipped, never found),
  a draw seeded by (seed, invoice, PO line) decides, at ``shortage_reversal_rate``, that
  Amazon later finds some of them (1 to all, drawn the same way). They are credited on the
  payment run ``reversal_days`` after the payment and count as received in
  ``getPurchaseOrdersStatus`` from that day on. Units billed but never shipped are never found.

Everything here follows from the accepted documents alone, not from the clock: the remittance
shows the payments dated up to the sandbox clock, so moving the clock never changes a
payment already shown.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from acorn.sandbox.orders import FoundUnits, OrderLine, ShippedLine
from acorn.sandbox.records import InvoiceLine, InvoiceRecord, Registry

#: an invoice whose goods never arrive (receipt basis) is paid this long after it would have been due
UNRECEIVED_GRACE = timedelta(days=30)

_Billing = list[tuple[InvoiceRecord, InvoiceLine]]


@dataclass(frozen=True)
class LineSettlement:
    """What one payment made of one invoice line, in eaches."""

    entry: InvoiceLine
    received: int
    damaged: int
    lost: int  # of the short units, those the FC lost after they were shipped (the only ones it can find)

    @property
    def short(self) -> int:
        return self.entry.quantity - self.received - self.damaged


@dataclass(frozen=True)
class Reversal:
    entry: InvoiceLine
    units: int


@dataclass(frozen=True)
class Settlement:
    """One invoice's payment and, when Amazon finds lost units, its later credit."""

    invoice: InvoiceRecord
    paid_at: datetime
    lines: tuple[LineSettlement, ...]
    reversals: tuple[Reversal, ...]
    reversed_at: datetime


def settle(registry: Registry, *, seed: int, basis: str, reversal_rate: float,
           reversal_days: int) -> list[Settlement]:
    """Every accepted invoice's settlement (credit notes are not paid out), in payment order."""
    invoices = sorted((inv for inv in registry.invoices.values() if inv.invoice_type == "Invoice"),
                      key=lambda inv: (inv.date, inv.invoice_id))
    billing = _billing(invoices)
    paid = {inv.invoice_id: (receipt_payment(inv, billing) if basis == "receipt" else invoice_payment(inv))
            for inv in invoices}
    shares: dict[int, tuple[int, int, int]] = {}
    for line, billed in billing.values():
        shares.update(_allocate(line, billed, paid))
    out = []
    for inv in invoices:
        lines = tuple(LineSettlement(entry, *shares[id(entry)]) for entry in inv.lines)
        reversals = tuple(Reversal(s.entry, units) for s in lines
                          if (units := found_units(seed, inv.invoice_id, s.entry, s.lost, reversal_rate)))
        paid_at = paid[inv.invoice_id]
        out.append(Settlement(inv, paid_at, lines, reversals, paid_at + timedelta(days=reversal_days)))
    return sorted(out, key=lambda s: (s.paid_at, s.invoice.date, s.invoice.invoice_id))


def record_found_units(settlements: Iterable[Settlement]) -> None:
    """Put the units Amazon found on their PO lines, so receiving status shows them from the credit on."""
    settlements = list(settlements)
    for s in settlements:
        for entry in s.invoice.lines:
            entry.line.found = []
    for s in settlements:
        for r in s.reversals:
            r.entry.line.found.append(FoundUnits(s.reversed_at, r.units))


# ---- when ----------------------------------------------------------------------------------------

def payment_run(start: datetime, days: int, *, not_before: datetime) -> datetime:
    """The payment run (00:00 UTC) on ``start``'s date + ``days``, or the first one after ``not_before``."""
    # The due day is acorn.domain.payment_terms' arithmetic (start + net days); the rest is Amazon's own
    # schedule, which Acorn does not model: it pays at a 00:00 UTC run, never before it accepted the invoice.
    day = (start + timedelta(days=days)).date()
    moment = datetime.combine(day, time(), tzinfo=UTC)
    if moment >= not_before:
        return moment
    floor = not_before.astimezone(UTC)
    moment = datetime.combine(floor.date(), time(), tzinfo=UTC)
    return moment if moment >= floor else moment + timedelta(days=1)


def invoice_payment(invoice: InvoiceRecord) -> datetime:
    return payment_run(invoice.date, invoice.net_days, not_before=invoice.accepted_at)


def receipt_payment(invoice: InvoiceRecord, billing: dict[int, tuple[OrderLine, _Billing]]) -> datetime:
    """``netDueDays`` after the last delivery of this invoice's units that comes before the payment."""
    fallback = payment_run(invoice.date, invoice.net_days + UNRECEIVED_GRACE.days, not_before=invoice.accepted_at)
    due: datetime | None = None
    for delivered in sorted(_deliveries(invoice, billing)):
        if delivered > (due or fallback):
            break  # paid before this delivery: it cannot move the payment any more
        due = payment_run(delivered, invoice.net_days, not_before=max(delivered, invoice.accepted_at))
    return due or fallback


def _deliveries(invoice: InvoiceRecord, billing: dict[int, tuple[OrderLine, _Billing]]) -> list[datetime]:
    """Deliveries that carried some of the units this invoice bills (units go to invoices oldest first).

    A delivery counts against the invoices Amazon held when it arrived: an invoice accepted
    later cannot take an earlier delivery away from this one.
    """
    out = []
    for entry in invoice.lines:
        _, billed = billing[id(entry.line)]
        shipped = 0
        for s in sorted(entry.line.shipped, key=lambda s: s.delivered_at):
            before = 0
            for other_invoice, other in billed:
                if other is entry:
                    break
                if other_invoice.accepted_at <= s.delivered_at:
                    before += other.quantity
            if shipped < before + entry.quantity and shipped + s.quantity > before:
                out.append(s.delivered_at)
            shipped += s.quantity
    return out


# ---- what ----------------------------------------------------------------------------------------

def _billing(invoices: list[InvoiceRecord]) -> dict[int, tuple[OrderLine, _Billing]]:
    """Per PO line, the invoice lines billing it, oldest invoice first."""
    out: dict[int, tuple[OrderLine, _Billing]] = {}
    for inv in invoices:
        for entry in inv.lines:
            out.setdefault(id(entry.line), (entry.line, []))[1].append((inv, entry))
    return out


def _pools(shipped: list[ShippedLine], at: datetime) -> list[int]:
    """[received, damaged, lost] units of a PO line delivered by ``at``."""
    done = [s for s in shipped if s.delivered_at <= at]
    return [sum(s.received for s in done), sum(s.damaged for s in done), sum(s.short for s in done)]


def _take(quantity: int, pools: list[int]) -> tuple[int, int, int]:
    """Units of an invoice line covered from the pools: received first, then damaged, then lost."""
    received = min(quantity, pools[0])
    damaged = min(quantity - received, pools[1])
    lost = min(quantity - received - damaged, pools[2])
    return received, damaged, lost


def _allocate(line: OrderLine, billed: _Billing, paid: dict[str, datetime]) -> dict[int, tuple[int, int, int]]:
    """(received, damaged, lost) per invoice line of one PO line, each fixed at its own payment."""
    fixed: dict[int, tuple[int, int, int]] = {}
    order = sorted(range(len(billed)), key=lambda k: (paid[billed[k][0].invoice_id], k))
    for k in order:
        invoice, entry = billed[k]
        at = paid[invoice.invoice_id]
        pools = _pools(line.shipped, at)
        for j in range(k):
            other_invoice, other = billed[j]
            if other_invoice.accepted_at > at:
                continue  # Amazon did not hold that invoice yet
            share = fixed[j] if j in fixed else _take(other.quantity, pools)
            pools = [max(pool - used, 0) for pool, used in zip(pools, share)]
        fixed[k] = _take(entry.quantity, pools)
    return {id(billed[k][1]): share for k, share in fixed.items()}


# ---- given back ----------------------------------------------------------------------------------

def found_units(seed: int, invoice_id: str, entry: InvoiceLine, lost: int, rate: float) -> int:
    """How many of a line's lost units Amazon later finds (0: none): deterministic per seed and line."""
    if lost <= 0 or rate <= 0:
        return 0
    rng = random.Random(f"acorn-sandbox-reversal:{seed}:{invoice_id}:{entry.po.number}:{entry.line.sequence}")
    if rng.random() >= rate:
        return 0
    return rng.randint(1, lost)
