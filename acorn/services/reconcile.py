"""The monthly reconciliation: every PO line ordered in the month, matched four ways, in the database.

The rules are :mod:`acorn.domain.reconciliation`'s (its docstring states each one, and
:func:`~acorn.domain.reconciliation.classify` is their executable reference); here they run
as set-based SQL, the same text on SQLite and PostgreSQL, so a million lines never travel
through Python:

1. ``recon_fact`` (a temporary table) gets one row per PO line in scope: each source is
   aggregated per line first (accepted ASNs, invoices with their remittance status,
   remittance lines, the goods receipt), joined, and each exception rule's units computed
   beside the facts;
2. one ``INSERT ... SELECT`` writes a ``reconciliation_line`` per (PO line, category) for
   the exception categories and ``open``. ``matched`` lines are only counted in the totals:
   they are most of a healthy month (80 % of the benchmark's), nothing is to be done about
   them, and writing them would cost more than the insert of all the others (a million
   lines: +0.6 s on SQLite, +4 s on PostgreSQL);
3. the totals: sums over every line in scope from ``recon_fact``; each stored category's
   from its own lines (so the totals always add up to the lines shown); matched from
   ``recon_fact``.

Money becomes whole cents (``CAST(ROUND(x * 100) AS BIGINT)``) once per PO line, right
after each source is summed for it, and is integer from there on: SQLite keeps ``Numeric``
as floating point, and a handful of two-decimal amounts summed in floating point still
round to the exact cent, so sums and rules are exact on SQLite and PostgreSQL alike
(PostgreSQL's slow ``numeric`` arithmetic is also done per line, not per row). Needs
SQLite 3.35+ and PostgreSQL 12+ (``AS MATERIALIZED``).

The whole run is one transaction behind a stage lock: a rerun of the month replaces its
lines and totals (the run row keeps its id), and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from acorn.config import VendorAccountSettings
from acorn.domain.claims import ClaimKind
from acorn.domain.reconciliation import Category, CategoryTotal, Cutoffs, cutoffs, parse_month, totals_document
from acorn.domain.states import InvoiceStatus, ShipmentStatus
from acorn.services.ports import Units
from schemas.tables import ReconciliationLine, ReconciliationRun, UtcDateTime, utcnow

C = Category
_FACT_TABLE = "recon_fact"
DEDUCTION_KINDS = (*(kind.value for kind in ClaimKind), "other")

#: One row per PO line in scope, every source aggregated per line before the join. ``CROSS JOIN``
#: makes SQLite drive each source from the month's lines through its (po_number, item_sequence)
#: index instead of scanning the account's whole history; PostgreSQL plans it as any inner join.
_FACTS = f"""
scope AS (
    SELECT i.id AS item_id, p.po_number, i.item_sequence, i.ordered_qty, i.accepted_qty, i.backordered_qty,
           i.rejected_qty, CASE WHEN i.cancelled THEN 1 ELSE 0 END AS cancelled,
           CAST(ROUND(i.net_cost * 100) AS BIGINT) AS po_cost_c
    FROM purchase_order p JOIN purchase_order_item i ON i.purchase_order_id = p.id
    WHERE p.account_code = :account AND p.order_date >= :month_start AND p.order_date < :month_end
),
shipped AS (
    SELECT sc.item_id,
           SUM(CASE WHEN s.status = '{ShipmentStatus.ACCEPTED}' THEN sl.shipped_qty ELSE 0 END) AS shipped,
           SUM(CASE WHEN s.status = '{ShipmentStatus.ACCEPTED}' AND s.estimated_delivery <= :receipt_cutoff
                    THEN sl.shipped_qty ELSE 0 END) AS receipt_due,
           SUM(CASE WHEN s.status = '{ShipmentStatus.ACCEPTED}'
                     AND COALESCE(s.asn_submitted_at, s.departure) <= :invoice_cutoff
                    THEN sl.shipped_qty ELSE 0 END) AS invoice_due,
           SUM(CASE WHEN s.status <> '{ShipmentStatus.ACCEPTED}' AND s.departure <= :as_of
                    THEN sl.shipped_qty ELSE 0 END)
               AS unconfirmed
    FROM scope sc
    CROSS JOIN shipment_line sl JOIN shipment s ON s.id = sl.shipment_id
    WHERE sl.po_number = sc.po_number AND sl.item_sequence = sc.item_sequence AND s.account_code = :account
    GROUP BY sc.item_id
),
billed_lines AS MATERIALIZED (  -- asks for each invoice's remittance once, not once per use
    SELECT sc.item_id, il.invoice_id, il.quantity, il.amount, il.unit_cost,
           CASE WHEN EXISTS (SELECT 1 FROM remittance_line r
                             WHERE r.account_code = :account AND r.invoice_number = i.invoice_number)
                THEN 0 ELSE 1 END AS unremitted,
           CASE WHEN i.payment_due < :today THEN 1 ELSE 0 END AS past_due
    FROM scope sc
    CROSS JOIN invoice_line il JOIN invoice i ON i.id = il.invoice_id
    WHERE il.po_number = sc.po_number AND il.po_item_sequence = sc.item_sequence
          AND i.account_code = :account AND i.status <> '{InvoiceStatus.FAILED}'
),
billed AS (
    SELECT item_id, COUNT(DISTINCT invoice_id) AS invoices, SUM(quantity) AS invoiced,
           CAST(ROUND(SUM(amount) * 100) AS BIGINT) AS amount_c,
           CAST(ROUND(MAX(unit_cost) * 100) AS BIGINT) AS max_cost_c,
           CAST(ROUND(MIN(unit_cost) * 100) AS BIGINT) AS min_cost_c,
           SUM(unremitted * quantity) AS unremitted, SUM(unremitted * past_due * quantity) AS unpaid,
           CAST(ROUND(SUM(CASE WHEN unremitted = 1 AND past_due = 1 THEN amount ELSE 0 END) * 100) AS BIGINT)
               AS unpaid_c
    FROM billed_lines GROUP BY item_id
),
remitted AS (
    SELECT sc.item_id, CAST(ROUND(SUM(r.line_paid) * 100) AS BIGINT) AS paid_c,
           CAST(ROUND(SUM(r.shortage_deduction) * 100) AS BIGINT) AS shortage_c,
           CAST(ROUND(SUM(r.damage_deduction) * 100) AS BIGINT) AS damage_c,
           CAST(ROUND(SUM(r.price_deduction) * 100) AS BIGINT) AS price_c,
           CAST(ROUND(SUM(r.other_deduction) * 100) AS BIGINT) AS other_c
    FROM scope sc
    CROSS JOIN remittance_line r
    WHERE r.account_code = :account AND r.po_number = sc.po_number AND r.item_sequence = sc.item_sequence
    GROUP BY sc.item_id
),
facts AS (
    SELECT sc.po_number, sc.item_sequence, sc.ordered_qty AS ordered, sc.accepted_qty AS accepted,
           CASE WHEN sc.cancelled = 1 OR (sc.rejected_qty > 0 AND sc.accepted_qty + sc.backordered_qty = 0)
                THEN 0 ELSE 1 END AS wanted,
           sc.po_cost_c, COALESCE(sc.po_cost_c, b.max_cost_c, 0) AS value_c,
           COALESCE(sh.shipped, 0) AS s, COALESCE(sh.receipt_due, 0) AS rd, COALESCE(sh.invoice_due, 0) AS idue,
           COALESCE(sh.unconfirmed, 0) AS u, COALESCE(g.received_qty, 0) AS r,
           COALESCE(b.invoiced, 0) AS i, COALESCE(b.amount_c, 0) AS a_c, COALESCE(b.invoices, 0) AS n,
           b.max_cost_c, b.min_cost_c, COALESCE(b.unremitted, 0) AS unremitted,
           COALESCE(b.unpaid, 0) AS unpaid, COALESCE(b.unpaid_c, 0) AS unpaid_c,
           COALESCE(rm.paid_c, 0) AS paid_c, COALESCE(rm.shortage_c, 0) AS ded_shortage_c,
           COALESCE(rm.damage_c, 0) AS ded_damage_c, COALESCE(rm.price_c, 0) AS ded_price_c,
           COALESCE(rm.other_c, 0) AS ded_other_c
    FROM scope sc
    LEFT JOIN shipped sh ON sh.item_id = sc.item_id
    LEFT JOIN billed b ON b.item_id = sc.item_id
    LEFT JOIN remitted rm ON rm.item_id = sc.item_id
    LEFT JOIN goods_receipt g ON g.account_code = :account AND g.po_number = sc.po_number
                                 AND g.item_sequence = sc.item_sequence
)"""

_MISSING_RECEIPT = "r = 0 AND rd > 0 AND unremitted = i"
_BILLED_SHIPPED = "CASE WHEN i < s THEN i ELSE s END"
#: exception category: (when, units), over the columns of ``facts``; the domain docstring in SQL
_RULES: dict[Category, tuple[str, str]] = {
    C.CANCELLED_BUT_SHIPPED: ("wanted = 0 AND s + u > 0", "s + u"),
    C.MISSING_ASN: ("u > 0 OR (n <= 1 AND i > s)", "CASE WHEN n <= 1 AND i - s > u THEN i - s ELSE u END"),
    C.MISSING_RECEIPT: (_MISSING_RECEIPT, "rd"),
    C.SHORTAGE: (f"{_BILLED_SHIPPED} > r AND ((s > 0 AND rd = s) OR unremitted < i) AND NOT ({_MISSING_RECEIPT})",
                 f"{_BILLED_SHIPPED} - r"),
    C.OVERAGE: ("r > s AND r > i", "r - CASE WHEN i > s THEN i ELSE s END"),
    C.PRICE_VARIANCE: ("i > 0 AND po_cost_c IS NOT NULL AND (max_cost_c <> po_cost_c OR min_cost_c <> po_cost_c)",
                       "i"),
    C.MISSING_INVOICE: ("wanted = 1 AND idue > i", "idue - i"),
    C.UNPAID_PAST_DUE: ("unpaid > 0", "unpaid"),
    C.DUPLICATE_INVOICE: ("n > 1 AND i > s", "i - s"),
}
_AT_VALUE = "{units} * value_c"
_AT_BILLED = "CASE WHEN i > 0 THEN (2 * {units} * a_c + i) / (2 * i) ELSE 0 END"  # half up, whole cents
_MONEY: dict[Category, str] = {
    C.CANCELLED_BUT_SHIPPED: _AT_VALUE, C.MISSING_ASN: _AT_VALUE, C.MISSING_RECEIPT: _AT_VALUE,
    C.SHORTAGE: _AT_BILLED, C.OVERAGE: _AT_VALUE, C.PRICE_VARIANCE: "a_c - i * po_cost_c",
    C.MISSING_INVOICE: _AT_VALUE, C.UNPAID_PAST_DUE: "unpaid_c", C.DUPLICATE_INVOICE: _AT_BILLED,
}
_CLOSED = "(s > 0 AND r = s AND i = s AND unremitted = 0) OR (s = 0 AND u = 0 AND r = 0 AND i = 0 AND wanted = 0)"
_OPEN_UNITS = "CASE WHEN accepted >= s AND accepted >= i THEN accepted WHEN s >= i THEN s ELSE i END"


def _fact_table_sql() -> str:
    """``CREATE TEMP TABLE recon_fact AS``: the facts, and each exception's units (``<category>_u``, 0 = not in it).

    Every rule's units are positive exactly when the line is in its category, so nothing
    else is stored: the statements below read the flags off the units. Computing money,
    matched and open here too would make SQLite inline each rule into every column that
    uses it, several times over.
    """
    units = ",\n".join(f"CASE WHEN {when} THEN {n} ELSE 0 END AS {c}_u" for c, (when, n) in _RULES.items())
    return f"CREATE TEMP TABLE {_FACT_TABLE} AS\nWITH {_FACTS}\nSELECT facts.*, {units} FROM facts"


def _verdicts() -> dict[Category, tuple[str, str, str]]:
    """Each category as (when, units, cents) over the columns of ``recon_fact``."""
    out = {c: (f"{c}_u > 0", f"{c}_u", _MONEY[c].format(units=f"{c}_u")) for c in _RULES}
    no_exception = "(" + " + ".join(f"{c}_u" for c in _RULES) + ") = 0"
    out[C.MATCHED] = (f"{no_exception} AND ({_CLOSED})", "s", "a_c")
    out[C.OPEN] = (f"{no_exception} AND NOT ({_CLOSED})", _OPEN_UNITS, f"({_OPEN_UNITS}) * value_c")
    return {c: out[c] for c in Category}


#: categories written as reconciliation_line rows (matched lines are only counted)
STORED: tuple[Category, ...] = tuple(c for c in Category if c is not C.MATCHED)


def _insert_lines_sql() -> str:
    """One ``INSERT ... SELECT``: an arm per stored category, over the lines that are not matched (most are)."""
    verdicts = _verdicts()
    arms = "\nUNION ALL\n".join(
        f"SELECT CAST(:run_id AS INTEGER), po_number, item_sequence, '{c}', ordered, accepted, s, r, i, {units}, "
        f"({cents}) / 100.0, CAST(:currency AS VARCHAR(3)), a_c / 100.0, paid_c / 100.0, "
        f"(ded_shortage_c + ded_damage_c + ded_price_c + ded_other_c) / 100.0 FROM unmatched WHERE {when}"
        for c, (when, units, cents) in verdicts.items() if c in STORED)
    return (f"WITH unmatched AS (SELECT * FROM {_FACT_TABLE} WHERE NOT ({verdicts[C.MATCHED][0]}))\n"
            "INSERT INTO reconciliation_line (run_id, po_number, item_sequence, category, ordered_qty, accepted_qty, "
            "shipped_qty, received_qty, invoiced_qty, units, amount, currency, invoiced_amount, paid_amount, "
            f"deducted_amount)\n{arms}")


def _totals_sql() -> tuple[str, str]:
    """The run's sums over every line in scope, and per category: the stored lines' own sums plus matched."""
    deducted = ", ".join(f"SUM(ded_{kind}_c)" for kind in DEDUCTION_KINDS)
    overall = f"SELECT COUNT(*), SUM(a_c), SUM(paid_c), {deducted} FROM {_FACT_TABLE}"
    when, units, cents = _verdicts()[C.MATCHED]
    by_category = ("SELECT category, COUNT(*), SUM(units), CAST(SUM(ROUND(amount * 100)) AS BIGINT) "
                   "FROM reconciliation_line WHERE run_id = :run_id GROUP BY category\nUNION ALL\n"
                   f"SELECT '{C.MATCHED}', COUNT(*), SUM({units}), SUM({cents}) FROM {_FACT_TABLE} WHERE {when}")
    return overall, by_category


def _params(account_code: str, month: str, clock: Cutoffs) -> dict[str, Any]:
    start, end = parse_month(month)
    return {"account": account_code, "month_start": start, "month_end": end, "as_of": clock.as_of,
            "receipt_cutoff": clock.receipt_cutoff, "invoice_cutoff": clock.invoice_cutoff, "today": clock.today}


_TYPES = [sa.bindparam(name, type_=UtcDateTime) for name in
          ("month_start", "month_end", "as_of", "receipt_cutoff", "invoice_cutoff")] + [
    sa.bindparam("today", type_=sa.Date)]


def reconcile_month(units: Units, account: VendorAccountSettings, month: str, *, as_of: datetime,
                    receipt_window_days: int = 5, invoice_grace_days: int = 2) -> ReconciliationRun:
    """Reconcile ``account``'s PO lines ordered in ``month`` as of business time ``as_of``; replaces a rerun.

    Returns the run (detached) with its totals; its lines are read with :func:`load_run`.
    """
    clock = cutoffs(as_of, receipt_window_days=receipt_window_days, invoice_grace_days=invoice_grace_days)
    params = _params(account.code, month, clock)
    with units() as uow:
        uow.stage_lock(f"reconcile:{account.code}:{month}")
        run = uow.reconciliations.restart(account.code, month, as_of=clock.as_of)
        session = uow.reconciliations.session  # set-based SQL: the rows never come to Python
        if session.get_bind().dialect.name == "postgresql":
            # measured at 1M lines: JIT compiles for ~0.9 s and the default 4 MB spills the hash aggregates
            session.execute(sa.text("SET LOCAL jit = off"))
            session.execute(sa.text("SET LOCAL work_mem = '128MB'"))
        session.execute(sa.text(f"DROP TABLE IF EXISTS {_FACT_TABLE}"))
        session.execute(sa.text(_fact_table_sql()).bindparams(*_TYPES), params)
        session.execute(sa.text(_insert_lines_sql()), {"run_id": run.id, "currency": account.currency})
        overall, by_category = _totals_sql()
        sums = session.execute(sa.text(overall)).one()
        categories = session.execute(sa.text(by_category), {"run_id": run.id}).all()
        session.execute(sa.text(f"DROP TABLE {_FACT_TABLE}"))
        totals = _totals(account.currency, sums, categories)
        uow.reconciliations.finish(run, totals=totals, at=utcnow())
        uow.commit()
    return run


def _totals(currency: str, sums: sa.Row[*tuple[Any, ...]], categories: Sequence[sa.Row[*tuple[Any, ...]]]
            ) -> dict[str, Any]:
    lines, invoiced, paid, *deducted = (int(v or 0) for v in sums)
    per_category = {Category(name): CategoryTotal(lines=int(n), units=int(units or 0), amount=_money(int(cents or 0)))
                    for name, n, units, cents in categories}
    return totals_document(currency=currency, lines=lines, categories=per_category, invoiced=_money(invoiced),
                           paid=_money(paid), deducted=dict(zip(DEDUCTION_KINDS, map(_money, deducted))))


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def load_run(units: Units, account_code: str, month: str,
             ) -> tuple[ReconciliationRun, list[ReconciliationLine]] | None:
    """The month's last run and its lines (by PO, item, category), or None when never reconciled."""
    parse_month(month)
    with units() as uow:
        run = uow.reconciliations.get(account_code, month)
        if run is None:
            return None
        return run, uow.reconciliations.lines(run)
