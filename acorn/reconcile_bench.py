"""``acorn bench reconcile``: a month of PO lines through the four-way match, beside DuckDB.

What it shows: :func:`acorn.services.reconcile.reconcile_month` closes a realistic month
(1,000,000 PO lines by default, with their ASNs, receipts, invoices and remittances) on 2
cores in under 20 s and 2 GiB, within 3x of the same join written directly in DuckDB over
the same rows, and both agree on every category's lines, units and money.

:func:`build_month` writes the month straight into the store with bulk inserts (SQLAlchemy
Core executemany in one transaction on SQLite, ``COPY`` on PostgreSQL); the variety is
drawn from ``random.Random(seed)`` at the rates in :data:`RATES` (the first shipments play
the rare cases, :data:`OPENING`), so every category occurs and the same seed gives the same
month on SQLite and PostgreSQL alike.

Each side then runs in a fresh process: Acorn's ``reconcile_month``, and DuckDB loading the
same rows from the store (:func:`load_duckdb`) and running :data:`DUCKDB_SQL`, the domain's
rules written afresh. Peak memory is the process's own (``VmHWM``), plus on PostgreSQL the
backend that ran Acorn's statements. The 3x target compares Acorn's seconds with DuckDB's load
+ query, since both start from rows in the store; the query-only ratio is printed beside it.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

UTC = UTC
#: how often each kind of trouble happens (per PO line unless said otherwise)
RATES = {
    "cancelled": 0.005,        # Amazon cancelled the line
    "rejected": 0.02,          # we rejected it (out of stock)
    "partly_accepted": 0.03,   # we accepted part, the rest backordered or rejected
    "shipped_anyway": 0.05,    # per cancelled or rejected line: shipped all the same
    "not_shipped": 0.015,      # accepted, never shipped
    "short_shipped": 0.02,     # shipped fewer units than accepted
    "over_shipped": 0.002,     # shipped more units than accepted
    "asn_failed": 0.02,        # per shipment: Amazon refused the ASN (goods went anyway)
    "asn_planned": 0.01,       # per shipment: ASN never sent
    "asn_submitted": 0.005,    # per shipment: ASN sent, no answer yet
    "no_receipt": 0.02,        # shipped, no receipt status ever seen
    "received_short": 0.03,    # received fewer units than shipped
    "received_over": 0.007,    # received more units than shipped
    "damaged": 0.01,           # some units received damaged
    "not_invoiced": 0.015,     # per shipment: accepted ASN, no invoice
    "invoice_failed": 0.005,   # per invoice: Amazon refused it
    "duplicate_invoice": 0.004,  # per invoice: the same shipment invoiced again
    "price_up": 0.02,          # invoiced above the PO cost
    "price_down": 0.005,       # invoiced below the PO cost
    "unpaid": 0.02,            # per invoice: due, no payment
    "unexplained_shortage": 0.005,  # Amazon deducts units our receipt says arrived
    "reversal": 0.15,          # per shortage deducted: units found later, credited back
    "out_of_month": 0.02,      # per PO: one more PO ordered the month before (not counted)
}
#: the first shipments of every month each play one rare case, and its first PO line is cancelled
#: but shipped all the same: even a month of a few hundred lines shows every category
OPENING = {1: "asn_failed", 2: "not_invoiced", 3: "duplicate_invoice", 4: "unpaid"}
NET_DAYS = 60
SHIP_TO = ("ABE8", "MDW2", "ONT8")
TABLES = ("vendor_account", "purchase_order", "purchase_order_item", "acknowledgement", "shipment", "shipment_line",
          "goods_receipt", "invoice", "invoice_line", "remittance_line")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """First instant of ``month`` (YYYY-MM, UTC) and of the month after."""
    year, mon = (int(part) for part in month.split("-"))
    return datetime(year, mon, 1, tzinfo=UTC), datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=UTC)


def default_as_of(month: str) -> datetime:
    """The 5th of the third month after: most invoices of the month are due and paid, a few not yet due."""
    start, _ = month_bounds(month)
    months = start.year * 12 + start.month - 1 + 3
    return datetime(months // 12, months % 12 + 1, 5, tzinfo=UTC)


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@dataclass(frozen=True)
class BuildStats:
    database_url: str
    month: str
    as_of: datetime
    lines: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class _Line:
    """A PO line on its way through the month (what the later documents need)."""

    po: dict
    item: dict
    cost: int  # PO net cost, cents
    shipped: int
    amazon_received: int = 0  # what Amazon pays on, whether or not we saw a receipt
    damaged: int = 0


class _MonthWriter:
    """Draws a month PO by PO and yields it in chunks of rows per table."""

    def __init__(self, rng: random.Random, month: str, as_of: datetime, account: Any) -> None:
        self.rng, self.as_of, self.account, self.currency = rng, as_of, account, account.currency
        self.start, self.end = month_bounds(month)
        self.ids = dict.fromkeys(TABLES, 0)
        #: vendor SKU, ASIN, net cost in cents, case pack
        self.skus = [(f"SKU-{k:05d}", f"B0{rng.randrange(10**8):08d}", rng.randint(150, 25000),
                      rng.choice((1, 4, 6, 12))) for k in range(2000)]
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.rows["vendor_account"].append({
            "id": self._id("vendor_account"), "code": account.code, "selling_party": account.selling_party,
            "marketplace": account.marketplace, "region": account.region or "NA", "currency": account.currency,
            "created_at": self.start - timedelta(days=365)})

    def _id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _hit(self, rate: str) -> bool:
        return self.rng.random() < RATES[rate]

    def _happens(self, case: str, scene: str | None) -> bool:
        """An opening shipment plays its scene and nothing else; any other draws ``case`` at its rate."""
        return scene == case if scene else self._hit(case)

    def chunks(self, lines: int, chunk_lines: int = 50_000) -> Iterator[dict[str, list[dict]]]:
        remaining = lines
        while remaining:
            staged: list[_Line] = []
            count = 0
            while count < chunk_lines and remaining:
                size = min(self.rng.randint(5, 15), remaining)
                self._purchase_order(size, in_month=True, staged=staged)
                count, remaining = count + size, remaining - size
                if self._hit("out_of_month"):
                    self._purchase_order(self.rng.randint(5, 15), in_month=False, staged=staged)
            self._shipments(staged)
            rows, self.rows = self.rows, {t: [] for t in TABLES}
            yield rows

    # -- orders and acknowledgements ---------------------------------------------------

    def _purchase_order(self, size: int, *, in_month: bool, staged: list[_Line]) -> None:
        rng, code = self.rng, self.account.code
        po_id = self._id("purchase_order")
        if in_month:  # the opening shipments' orders early in the month, so their invoices fall due
            span = timedelta(days=10) if po_id <= 20 else self.end - self.start
            ordered = self.start + span * rng.random()
        else:
            ordered = self.start - timedelta(days=rng.uniform(10, 20))
        po_number = f"BR{po_id:07d}"
        decided = ordered + timedelta(hours=rng.uniform(1, 20))
        po = {"id": po_id, "account_code": code, "po_number": po_number, "state": "Closed",
              "order_type": "RegularOrder", "selling_party": self.account.selling_party, "ship_to": rng.choice(SHIP_TO),
              "bill_to": None, "marketplace": self.account.marketplace, "currency": self.currency,
              "order_date": ordered, "changed_date": None, "state_changed_date": None,
              "ship_window_start": ordered + timedelta(days=3), "ship_window_end": ordered + timedelta(days=10),
              "delivery_window_start": None, "delivery_window_end": None, "payment_method": "Invoice",
              "raw_payload": {}, "first_seen_at": ordered + timedelta(minutes=10), "updated_at": decided,
              "acknowledged_at": decided}
        self.rows["purchase_order"].append(po)
        totals = [0, 0, 0]
        for seq in range(1, size + 1):
            line = self._item(po, seq)
            totals[0] += line.item["accepted_qty"]
            totals[1] += line.item["backordered_qty"]
            totals[2] += line.item["rejected_qty"]
            if line.shipped:
                staged.append(line)
        self.rows["acknowledgement"].append({
            "id": self._id("acknowledgement"), "account_code": code, "po_number": po_number, "decided_at": decided,
            "deadline": ordered + timedelta(days=1), "outbox_key": f"ack:{code}:{po_number}",
            "accepted_units": totals[0], "backordered_units": totals[1], "rejected_units": totals[2]})

    def _item(self, po: dict, seq: int) -> _Line:
        rng = self.rng
        sku, asin, cost, pack = rng.choice(self.skus)
        ordered = pack * rng.randint(1, 12)
        accepted, backordered, rejected, cancelled, reason = ordered, 0, 0, False, None
        r = 0.0 if self.ids["purchase_order_item"] == 0 else rng.random()  # the opening line: cancelled
        if r < RATES["cancelled"]:
            accepted, cancelled = 0, True
        elif r < RATES["cancelled"] + RATES["rejected"]:
            accepted, rejected, reason = 0, ordered, "TemporarilyUnavailable"
        elif r < RATES["cancelled"] + RATES["rejected"] + RATES["partly_accepted"] and ordered > 1:
            accepted = rng.randint(1, ordered - 1)
            if rng.random() < 0.5:
                backordered = ordered - accepted
            else:
                rejected, reason = ordered - accepted, "TemporarilyUnavailable"
        item = {"id": self._id("purchase_order_item"), "purchase_order_id": po["id"], "item_sequence": str(seq),
                "asin": asin, "vendor_sku": sku, "ordered_qty": ordered, "unit_of_measure": "Eaches", "unit_size": 1,
                "net_cost": _money(cost), "currency": self.currency, "cancelled": cancelled, "accepted_qty": accepted,
                "backordered_qty": backordered, "rejected_qty": rejected, "rejection_reason": reason,
                "scheduled_ship_date": None, "shipped_qty": 0, "received_qty": 0, "damaged_qty": 0,
                "invoiced_qty": 0}
        self.rows["purchase_order_item"].append(item)
        shipped = self._shipped_units(accepted, ordered, pack)
        item["shipped_qty"] = shipped
        return _Line(po=po, item=item, cost=cost, shipped=shipped)

    def _shipped_units(self, accepted: int, ordered: int, pack: int) -> int:
        if not accepted:
            return ordered if self.ids["purchase_order_item"] == 1 or self._hit("shipped_anyway") else 0
        r = self.rng.random()
        if r < RATES["not_shipped"]:
            return 0
        if r < RATES["not_shipped"] + RATES["short_shipped"] and accepted > 1:
            return self.rng.randint(1, accepted - 1)
        if r < RATES["not_shipped"] + RATES["short_shipped"] + RATES["over_shipped"]:
            return accepted + pack
        return accepted

    # -- shipments, receipts, invoices, remittances ------------------------------------

    def _shipments(self, staged: list[_Line]) -> None:
        start = 0
        while start < len(staged):
            size = self.rng.randint(20, 40)
            self._shipment(staged[start:start + size])
            start += size

    def _asn_status(self) -> str:
        r = self.rng.random()
        for status, rate in (("failed", "asn_failed"), ("planned", "asn_planned"), ("submitted", "asn_submitted")):
            if r < RATES[rate]:
                return status
            r -= RATES[rate]
        return "accepted"

    def _shipment(self, lines: list[_Line]) -> None:
        rng, code = self.rng, self.account.code
        shipment_id = self._id("shipment")
        departure = max(ln.po["order_date"] for ln in lines) + timedelta(days=3, hours=rng.uniform(0, 72))
        delivery = departure + timedelta(days=rng.randint(2, 4))
        scene = OPENING.get(shipment_id)
        status = ("failed" if scene == "asn_failed" else "accepted") if scene else self._asn_status()
        self.rows["shipment"].append({
            "id": shipment_id, "account_code": code, "shipment_identifier": f"SH{shipment_id:08d}",
            "ship_to": lines[0].po["ship_to"], "status": status, "structure": "PalletizedAssortmentCase",
            "transport_mode": "LessThanTruckLoad", "carrier_scac": "ODFL", "pro_number": f"{shipment_id:010d}",
            "bill_of_lading": f"BOL{shipment_id:012d}", "departure": departure, "estimated_delivery": delivery,
            "delivery_appointment": None, "asn_deadline": departure + timedelta(minutes=30),
            "asn_submitted_at": None if status == "planned" else departure - timedelta(hours=2), "asn_revision": 0,
            "total_weight_kg": Decimal("250.000"), "created_at": departure - timedelta(days=1)})
        for ln in lines:
            self.rows["shipment_line"].append({
                "id": self._id("shipment_line"), "shipment_id": shipment_id, "po_number": ln.po["po_number"],
                "item_sequence": ln.item["item_sequence"], "vendor_sku": ln.item["vendor_sku"],
                "asin": ln.item["asin"], "shipped_qty": ln.shipped})
            if status != "planned":
                self._receipt(ln, delivery, missing=scene == "not_invoiced" and ln is lines[0])
        if status == "accepted" and not self._happens("not_invoiced", scene):
            self._invoice(f"SH{shipment_id:08d}", lines, departure, scene=scene)

    def _receipt(self, ln: _Line, delivery: datetime, *, missing: bool = False) -> None:
        """What the FC reported; ``amazon_received`` is what Amazon pays on (also without a status)."""
        rng, shipped, item = self.rng, ln.shipped, ln.item
        ln.amazon_received, ln.damaged = shipped, 0
        r = 0.0 if missing else rng.random()
        if r < RATES["no_receipt"]:
            return
        received = shipped
        r -= RATES["no_receipt"]
        if r < RATES["received_short"]:
            received = shipped - rng.randint(1, max(1, shipped // 3))
        elif r < RATES["received_short"] + RATES["received_over"]:
            received = shipped + rng.randint(1, 3)
        elif r < RATES["received_short"] + RATES["received_over"] + RATES["damaged"]:
            ln.damaged = rng.randint(1, max(1, shipped // 4))
            received = shipped - ln.damaged
        ln.amazon_received = received
        item["received_qty"], item["damaged_qty"] = received, ln.damaged
        when = delivery + timedelta(hours=rng.uniform(0, 48))
        self.rows["goods_receipt"].append({
            "id": self._id("goods_receipt"), "account_code": self.account.code, "po_number": ln.po["po_number"],
            "item_sequence": item["item_sequence"], "receive_status": "RECEIVED", "received_qty": received,
            "pending_qty": None, "last_receive_date": when, "observed_at": when + timedelta(hours=3)})

    def _invoice_price(self, cost: int) -> int:
        r = self.rng.random()
        if r < RATES["price_up"]:
            return cost + max(1, cost * self.rng.randint(1, 8) // 100)
        if r < RATES["price_up"] + RATES["price_down"]:
            return cost - max(1, cost * self.rng.randint(1, 5) // 100)
        return cost

    def _invoice(self, shipment: str, lines: list[_Line], departure: datetime, prices: list[int] | None = None, *,
                 scene: str | None = None) -> None:
        invoice_id = self._id("invoice")
        number = f"{self.account.invoice_prefix}{invoice_id:08d}"
        day = datetime.combine(departure.date(), datetime.min.time(), tzinfo=UTC)
        duplicate = prices is not None
        prices = prices or [self._invoice_price(ln.cost) for ln in lines]
        total = 0
        for seq, (ln, price) in enumerate(zip(lines, prices, strict=True), start=1):
            total += ln.shipped * price
            ln.item["invoiced_qty"] += ln.shipped
            self.rows["invoice_line"].append({
                "id": self._id("invoice_line"), "invoice_id": invoice_id, "item_sequence": str(seq),
                "po_number": ln.po["po_number"], "po_item_sequence": ln.item["item_sequence"],
                "vendor_sku": ln.item["vendor_sku"], "asin": ln.item["asin"], "quantity": ln.shipped,
                "unit_cost": _money(price), "amount": _money(ln.shipped * price)})
        status = "failed" if self._happens("invoice_failed", scene) else "accepted"
        due = day.date() + timedelta(days=NET_DAYS)
        self.rows["invoice"].append({
            "id": invoice_id, "account_code": self.account.code, "invoice_number": number,
            "shipment_identifier": shipment, "invoice_date": day, "currency": self.currency, "subtotal": _money(total),
            "tax_amount": Decimal("0.00"), "total": _money(total), "payment_due": due, "status": status,
            "created_at": departure})
        if status == "accepted" and not duplicate:
            self._remit(number, day.date(), due, lines, prices, unpaid=self._happens("unpaid", scene))
            if self._happens("duplicate_invoice", scene):  # Amazon accepts it, and never pays it
                self._invoice(shipment, lines, departure + timedelta(days=3), prices)

    def _remit(self, invoice: str, invoiced_on: date, due: date, lines: list[_Line], prices: list[int], *,
               unpaid: bool) -> None:
        """The invoice's payment around its due date, a row per invoice line with the deductions the
        remittance file would show (a later reversal credits back some units found)."""
        paid_on = due + timedelta(days=self.rng.randint(-1, 1))
        if paid_on > self.as_of.date() or unpaid:
            return
        for ln, price in zip(lines, prices, strict=True):
            received = ln.amazon_received
            if received and self._hit("unexplained_shortage"):
                received -= self.rng.randint(1, received)
            short = max(ln.shipped - received - ln.damaged, 0)
            paid_units = min(ln.shipped, received)
            price_cut = paid_units * (price - ln.cost) if price > ln.cost else 0
            amount = ln.shipped * price
            self._remittance_row(ln, invoice, invoiced_on, paid_on, price, ln.shipped, received, amount=amount,
                                 shortage=short * price, damage=ln.damaged * price, price_cut=price_cut,
                                 paid=amount - (short + ln.damaged) * price - price_cut)
            later = paid_on + timedelta(days=self.rng.randint(7, 14))
            if short and later <= self.as_of.date() and self._hit("reversal"):
                found = self.rng.randint(1, short)  # credited at the invoiced cost, less the price claim on them
                price_cut = found * (price - ln.cost) if price > ln.cost else 0
                self._remittance_row(ln, invoice, invoiced_on, later, price, 0, found, amount=0,
                                     shortage=-found * price, damage=0, price_cut=price_cut,
                                     paid=found * price - price_cut)

    def _remittance_row(self, ln: _Line, invoice: str, invoiced_on: date, paid_on: date, price: int, invoiced: int,
                        received: int, *, amount: int, shortage: int, damage: int, price_cut: int, paid: int) -> None:
        row_id = self._id("remittance_line")
        self.rows["remittance_line"].append({
            "id": row_id, "account_code": self.account.code, "import_id": None, "row_number": row_id,
            "payment_number": f"PMT{paid_on:%Y%m%d}", "payment_date": paid_on, "invoice_number": invoice,
            "invoice_date": invoiced_on, "currency": self.currency, "po_number": ln.po["po_number"],
            "item_sequence": ln.item["item_sequence"], "asin": ln.item["asin"], "invoiced_quantity": invoiced,
            "received_quantity": received, "invoiced_unit_cost": _money(price), "po_unit_cost": _money(ln.cost),
            "line_amount": _money(amount), "shortage_deduction": _money(shortage),
            "damage_deduction": _money(damage), "price_deduction": _money(price_cut), "other_deduction": _money(0),
            "line_paid": _money(paid),
            "imported_at": datetime.combine(paid_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC)})


# -- writing the month into the store ---------------------------------------------------


class _SqliteSink:
    """One transaction of Core executemany; no fsync, journal in memory, foreign keys unchecked
    (rows go in parent first): settings of this build only, WAL is back when it ends."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def __enter__(self) -> _SqliteSink:
        self.conn = self.engine.connect()
        for pragma in ("foreign_keys=OFF", "synchronous=OFF", "journal_mode=MEMORY", "cache_size=-262144"):
            self.conn.exec_driver_sql(f"PRAGMA {pragma}")
        return self

    def write(self, rows: dict[str, list[dict]]) -> None:
        import sqlalchemy as sa

        from schemas.tables import SQLModel

        for table in TABLES:
            if rows[table]:
                self.conn.execute(sa.insert(SQLModel.metadata.tables[table]), rows[table])

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        try:
            if exc_type is None:
                self.conn.commit()
                self.conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        finally:
            self.conn.close()


class _PostgresSink:
    """``COPY … FROM STDIN`` through psycopg in one transaction; sequences moved past the ids
    given here, then ``ANALYZE`` (what autovacuum would do a minute after such a load)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def __enter__(self) -> _PostgresSink:
        self.raw = self.engine.raw_connection()
        self.pg = self.raw.driver_connection
        return self

    def write(self, rows: dict[str, list[dict]]) -> None:
        with self.pg.cursor() as cur:
            for table in TABLES:
                data = rows[table]
                if not data:
                    continue
                columns = list(data[0])
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row.values()])

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        try:
            if exc_type is None:
                with self.pg.cursor() as cur:
                    for table in TABLES:
                        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
                    self.pg.commit()
                    for table in TABLES:
                        cur.execute(f"ANALYZE {table}")
                self.pg.commit()
            else:
                self.pg.rollback()
        finally:
            self.raw.close()


def build_month(database_url: str, *, lines: int, seed: int, month: str = "2026-10",
                as_of: datetime | None = None) -> BuildStats:
    """Write ``lines`` PO lines ordered in ``month`` and everything that followed them into an
    empty store (migrated here); the month is reconciled as of ``as_of`` (default
    :func:`default_as_of`)."""
    import sqlalchemy as sa

    from acorn.config import DEFAULT_ACCOUNTS
    from acorn.store import upgrade
    from acorn.store.db import make_engine

    if lines < 1:
        raise ValueError(f"lines: at least 1 PO line, not {lines}")
    as_of = as_of or default_as_of(month)
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if conn.execute(sa.text("SELECT count(*) FROM purchase_order")).scalar():
                raise ValueError(f"{engine.url.render_as_string()}: the store already holds purchase orders; "
                                 "the benchmark builds its month into an empty one")
        started = time.perf_counter()
        writer = _MonthWriter(random.Random(seed), month, as_of, DEFAULT_ACCOUNTS[0])
        with (_PostgresSink if engine.dialect.name == "postgresql" else _SqliteSink)(engine) as sink:
            for chunk in writer.chunks(lines):
                sink.write(chunk)
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    return BuildStats(database_url=database_url, month=month, as_of=as_of, lines=lines, seconds=seconds,
                      rows=dict(writer.ids))


# -- the same month in DuckDB -----------------------------------------------------------

#: the columns the four-way match reads, per table, with their DuckDB types
SOURCES: dict[str, dict[str, str]] = {
    "purchase_order": {"id": "BIGINT", "account_code": "VARCHAR", "po_number": "VARCHAR", "order_date": "TIMESTAMP"},
    "purchase_order_item": {"id": "BIGINT", "purchase_order_id": "BIGINT", "item_sequence": "VARCHAR",
                            "accepted_qty": "BIGINT", "backordered_qty": "BIGINT", "rejected_qty": "BIGINT",
                            "cancelled": "BOOLEAN", "net_cost": "DECIMAL(14,2)"},
    "shipment": {"id": "BIGINT", "account_code": "VARCHAR", "status": "VARCHAR", "departure": "TIMESTAMP",
                 "estimated_delivery": "TIMESTAMP", "asn_submitted_at": "TIMESTAMP"},
    "shipment_line": {"shipment_id": "BIGINT", "po_number": "VARCHAR", "item_sequence": "VARCHAR",
                      "shipped_qty": "BIGINT"},
    "goods_receipt": {"account_code": "VARCHAR", "po_number": "VARCHAR", "item_sequence": "VARCHAR",
                      "received_qty": "BIGINT"},
    "invoice": {"id": "BIGINT", "account_code": "VARCHAR", "invoice_number": "VARCHAR", "status": "VARCHAR",
                "payment_due": "DATE"},
    "invoice_line": {"invoice_id": "BIGINT", "po_number": "VARCHAR", "po_item_sequence": "VARCHAR",
                     "quantity": "BIGINT", "unit_cost": "DECIMAL(14,2)", "amount": "DECIMAL(14,2)"},
    "remittance_line": {"account_code": "VARCHAR", "invoice_number": "VARCHAR", "po_number": "VARCHAR",
                        "item_sequence": "VARCHAR", "line_paid": "DECIMAL(14,2)",
                        "shortage_deduction": "DECIMAL(14,2)", "damage_deduction": "DECIMAL(14,2)",
                        "price_deduction": "DECIMAL(14,2)", "other_deduction": "DECIMAL(14,2)"},
}

#: The rules of acorn.domain.reconciliation, written afresh for DuckDB over the same sources the
#: engine reads (accepted ASNs; an ASN "applied" at its submission, else its departure; invoices
#: not failed; an invoice is remitted once any remittance line names it). Money in whole cents.
DUCKDB_SQL = """
WITH scope AS (
    SELECT p.po_number, i.item_sequence, i.accepted_qty AS accepted,
           NOT (i.cancelled OR (i.rejected_qty > 0 AND i.accepted_qty + i.backordered_qty = 0)) AS wanted,
           CAST(i.net_cost * 100 AS BIGINT) AS po_cost_c
    FROM purchase_order p JOIN purchase_order_item i ON i.purchase_order_id = p.id
    WHERE p.account_code = $account AND p.order_date >= $month_start AND p.order_date < $month_end
), asns AS (
    SELECT sl.po_number, sl.item_sequence,
           SUM(sl.shipped_qty) FILTER (s.status = 'accepted') AS s,
           SUM(sl.shipped_qty) FILTER (s.status = 'accepted' AND s.estimated_delivery <= $receipt_cutoff) AS rd,
           SUM(sl.shipped_qty) FILTER (s.status = 'accepted'
                                       AND coalesce(s.asn_submitted_at, s.departure) <= $invoice_cutoff) AS idue,
           SUM(sl.shipped_qty) FILTER (s.status <> 'accepted' AND s.departure <= $as_of) AS u
    FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id
    WHERE s.account_code = $account
    GROUP BY ALL
), remitted_invoices AS (
    SELECT DISTINCT invoice_number FROM remittance_line WHERE account_code = $account
), bill_lines AS (
    SELECT il.po_number, il.po_item_sequence AS item_sequence, il.invoice_id, il.quantity,
           CAST(il.amount * 100 AS BIGINT) AS amount_c, CAST(il.unit_cost * 100 AS BIGINT) AS cost_c,
           ri.invoice_number IS NULL AS unremitted, v.payment_due < $today AS past_due
    FROM invoice_line il JOIN invoice v ON v.id = il.invoice_id
    LEFT JOIN remitted_invoices ri ON ri.invoice_number = v.invoice_number
    WHERE v.account_code = $account AND v.status <> 'failed'
), bills AS (
    SELECT po_number, item_sequence, COUNT(DISTINCT invoice_id) AS n, SUM(quantity) AS i, SUM(amount_c) AS a_c,
           MAX(cost_c) AS max_cost_c, MIN(cost_c) AS min_cost_c,
           SUM(quantity) FILTER (unremitted) AS unremitted,
           SUM(quantity) FILTER (unremitted AND past_due) AS unpaid,
           SUM(amount_c) FILTER (unremitted AND past_due) AS unpaid_c
    FROM bill_lines GROUP BY ALL
), payments AS (
    SELECT po_number, item_sequence, SUM(line_paid) AS paid, SUM(shortage_deduction) AS shortage_deducted,
           SUM(damage_deduction) AS damage, SUM(price_deduction) AS price, SUM(other_deduction) AS other
    FROM remittance_line WHERE account_code = $account
    GROUP BY ALL
), receipts AS (
    SELECT po_number, item_sequence, received_qty AS r FROM goods_receipt WHERE account_code = $account
), facts AS (
    SELECT sc.*, coalesce(s, 0) AS s, coalesce(rd, 0) AS rd, coalesce(idue, 0) AS idue, coalesce(u, 0) AS u,
           coalesce(r, 0) AS r, coalesce(i, 0) AS i, coalesce(a_c, 0) AS a_c, coalesce(n, 0) AS n,
           max_cost_c, min_cost_c, coalesce(unremitted, 0) AS unremitted, coalesce(unpaid, 0) AS unpaid,
           coalesce(unpaid_c, 0) AS unpaid_c, coalesce(po_cost_c, max_cost_c, 0) AS value_c,
           coalesce(paid, 0) AS paid, coalesce(shortage_deducted, 0) AS shortage_deducted,
           coalesce(damage, 0) AS damage,
           coalesce(price, 0) AS price, coalesce(other, 0) AS other
    FROM scope sc
    LEFT JOIN asns USING (po_number, item_sequence)
    LEFT JOIN bills USING (po_number, item_sequence)
    LEFT JOIN payments USING (po_number, item_sequence)
    LEFT JOIN receipts USING (po_number, item_sequence)
), judged AS (
    SELECT *, least(i, s) - r AS short, greatest(u, CASE WHEN n <= 1 THEN i - s ELSE 0 END) AS asn_gap,
           r - greatest(i, s) AS over, greatest(accepted, s, i) AS still_out,
           r = 0 AND rd > 0 AND unremitted = i AS missing_receipt
    FROM facts
), flagged AS (
    SELECT *, NOT wanted AND s + u > 0 AS cancelled_but_shipped, asn_gap > 0 AS missing_asn,
           short > 0 AND ((s > 0 AND rd = s) OR unremitted < i) AND NOT missing_receipt AS shortage,
           over > 0 AS overage,
           i > 0 AND po_cost_c IS NOT NULL AND NOT (max_cost_c = po_cost_c AND min_cost_c = po_cost_c)
               AS price_variance,
           wanted AND idue > i AS missing_invoice, unpaid > 0 AS unpaid_past_due, n > 1 AND i > s AS duplicate_invoice
    FROM judged
), verdicts AS (
    SELECT *, (s > 0 AND r = s AND i = s AND unremitted = 0) OR (s = 0 AND u = 0 AND r = 0 AND i = 0 AND NOT wanted)
               AS closed,
           NOT (cancelled_but_shipped OR missing_asn OR missing_receipt OR shortage OR overage OR price_variance
                OR missing_invoice OR unpaid_past_due OR duplicate_invoice) AS clean
    FROM flagged
)
SELECT COUNT(*) AS lines, SUM(a_c) AS invoiced, CAST(SUM(paid) * 100 AS BIGINT) AS paid,
       CAST(SUM(shortage_deducted) * 100 AS BIGINT) AS shortage, CAST(SUM(damage) * 100 AS BIGINT) AS damage,
       CAST(SUM(price) * 100 AS BIGINT) AS price, CAST(SUM(other) * 100 AS BIGINT) AS other,
       {categories}
FROM verdicts
"""
#: per category: when a line is in it, its units and its cents (over the columns of ``verdicts``)
DUCKDB_CATEGORIES = {
    "cancelled_but_shipped": ("cancelled_but_shipped", "s + u", "(s + u) * value_c"),
    "missing_asn": ("missing_asn", "asn_gap", "asn_gap * value_c"),
    "missing_receipt": ("missing_receipt", "rd", "rd * value_c"),
    "shortage": ("shortage", "short", "(2 * short * a_c + i) // nullif(2 * i, 0)"),  # half up at the billed cost
    "overage": ("overage", "over", "over * value_c"),
    "price_variance": ("price_variance", "i", "a_c - i * po_cost_c"),
    "missing_invoice": ("missing_invoice", "idue - i", "(idue - i) * value_c"),
    "unpaid_past_due": ("unpaid_past_due", "unpaid", "unpaid_c"),
    "duplicate_invoice": ("duplicate_invoice", "i - s", "(2 * (i - s) * a_c + i) // nullif(2 * i, 0)"),
    "matched": ("clean AND closed", "s", "a_c"),
    "open": ("clean AND NOT closed", "still_out", "still_out * value_c"),
}
DUCKDB_SQL = DUCKDB_SQL.format(categories=",\n       ".join(
    f"COUNT(*) FILTER ({when}) AS {c}_lines, SUM({units}) FILTER ({when}) AS {c}_units, "
    f"SUM({cents}) FILTER ({when}) AS {c}_cents" for c, (when, units, cents) in DUCKDB_CATEGORIES.items()))


def _sqlite_frames(database_url: str) -> Iterator[tuple[str, Any]]:
    """Each source as a pandas frame, read through the standard library's sqlite3 (no ORM)."""
    import sqlite3

    import pandas as pd

    path = database_url.split("///", 1)[1]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        for table, columns in SOURCES.items():
            yield table, pd.read_sql_query(f"SELECT {', '.join(columns)} FROM {table}", conn)


def _postgres_frames(database_url: str, workdir: str) -> Iterator[tuple[str, str]]:
    """Each source as a CSV file written by ``COPY (SELECT …) TO STDOUT``, times as UTC without zone."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        for table, columns in SOURCES.items():
            select = ", ".join(f"({c} AT TIME ZONE 'UTC')" if t == "TIMESTAMP" else c for c, t in columns.items())
            path = f"{workdir}/{table}.csv"
            query = f"COPY (SELECT {select} FROM {table}) TO STDOUT (FORMAT csv)"
            with open(path, "wb") as out, cur.copy(query) as copy:
                for block in copy:
                    out.write(block)
            yield table, path


def load_duckdb(database_url: str, workdir: str) -> Any:
    """An in-memory DuckDB database holding :data:`SOURCES` read from the store."""
    import duckdb

    duck = duckdb.connect()
    postgres = database_url.startswith("postgresql")
    frames = _postgres_frames(database_url, workdir) if postgres else _sqlite_frames(database_url)
    for table, source in frames:
        columns = SOURCES[table]
        casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in columns.items())
        if postgres:
            types = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
            duck.execute(f"CREATE TABLE {table} AS SELECT {casts} FROM read_csv('{source}', header = false, "
                         f"columns = {types})")
        else:
            duck.register("source_frame", source)
            duck.execute(f"CREATE TABLE {table} AS SELECT {casts} FROM source_frame")
            duck.unregister("source_frame")
    return duck


def duckdb_totals(duck: Any, account: Any, month: str, *, as_of: datetime, receipt_window_days: int = 5,
                  invoice_grace_days: int = 2) -> dict:
    """:data:`DUCKDB_SQL` on a loaded database, as a ``reconciliation_run.totals`` document."""
    from acorn.domain.reconciliation import Category, CategoryTotal, cutoffs, parse_month, totals_document

    clock = cutoffs(as_of, receipt_window_days=receipt_window_days, invoice_grace_days=invoice_grace_days)
    start, end = parse_month(month)
    naive = {"month_start": start, "month_end": end, "as_of": clock.as_of, "receipt_cutoff": clock.receipt_cutoff,
             "invoice_cutoff": clock.invoice_cutoff}
    params = {k: v.astimezone(UTC).replace(tzinfo=None) for k, v in naive.items()}
    cursor = duck.execute(DUCKDB_SQL, {**params, "account": account.code, "today": clock.today})
    row = dict(zip((d[0] for d in cursor.description), cursor.fetchone(), strict=True))
    cats = {Category(c): CategoryTotal(lines=row[f"{c}_lines"], units=int(row[f"{c}_units"] or 0),
                                       amount=_money(int(row[f"{c}_cents"] or 0))) for c in DUCKDB_CATEGORIES}
    money = {k: _money(int(row[k] or 0)) for k in ("invoiced", "paid", "shortage", "damage", "price", "other")}
    return totals_document(currency=account.currency, lines=row["lines"], categories=cats, invoiced=money["invoiced"],
                           paid=money["paid"], deducted={k: money[k] for k in ("shortage", "damage", "price", "other")})


# -- measuring both sides, each in a fresh process ---------------------------------------

TARGET_SECONDS, TARGET_RSS_MIB, TARGET_RATIO = 20.0, 2048.0, 3.0


@dataclass(frozen=True)
class Side:
    """One side's figures: ``seconds`` to reconcile (Acorn) or to run the query (DuckDB)."""

    seconds: float
    peak_rss_mib: float
    totals: dict
    load_seconds: float = 0.0
    #: on PostgreSQL the join runs in the server: the peak RSS of the backends that served it
    server_rss_mib: float = 0.0

    @property
    def memory_mib(self) -> float:
        """Client and server peaks added up: an upper bound of what the run held at once."""
        return self.peak_rss_mib + self.server_rss_mib


@dataclass(frozen=True)
class BenchResult:
    database: str
    build: BuildStats
    acorn: Side
    duckdb: Side

    @property
    def ratio(self) -> float:
        """Acorn's seconds over DuckDB's from the same store: load and query (both start from rows on disk)."""
        return self.acorn.seconds / (self.duckdb.load_seconds + self.duckdb.seconds)

    @property
    def query_ratio(self) -> float:
        """Acorn's seconds over the DuckDB query alone, its rows already in memory (for reference)."""
        return self.acorn.seconds / self.duckdb.seconds

    def targets(self) -> list[tuple[str, str, bool]]:
        return [(f"reconcile under {TARGET_SECONDS:.0f} s", f"{self.acorn.seconds:.1f} s",
                 self.acorn.seconds < TARGET_SECONDS),
                (f"peak memory under {TARGET_RSS_MIB / 1024:.0f} GiB", self._memory_text(),
                 self.acorn.memory_mib < TARGET_RSS_MIB),
                (f"within {TARGET_RATIO:.0f}x of DuckDB (load + query)", f"{self.ratio:.1f}x",
                 self.ratio <= TARGET_RATIO)]

    def _memory_text(self) -> str:
        a = self.acorn
        server = f" ({a.peak_rss_mib:,.0f} + {a.server_rss_mib:,.0f} in the server)" if a.server_rss_mib else ""
        return f"{a.memory_mib:,.0f} MiB{server}"

    def mismatches(self) -> list[str]:
        """Every figure the two sides disagree on, named; empty when they agree."""
        a, d = self.acorn.totals, self.duckdb.totals
        found = [f"{key}: Acorn {a.get(key)} DuckDB {d.get(key)}" for key in ("lines", "invoiced", "paid", "deducted")
                 if a.get(key) != d.get(key)]
        for category in sorted(set(a.get("categories", {})) | set(d.get("categories", {}))):
            mine, theirs = a.get("categories", {}).get(category), d.get("categories", {}).get(category)
            if mine != theirs:
                found.append(f"{category}: Acorn {mine} DuckDB {theirs}")
        return found


def _peak_rss_mib(pid: int | str = "self") -> float:
    """A process's peak resident memory. ``VmHWM`` rather than ``ru_maxrss``: Linux carries the
    parent's peak across fork and exec into ``ru_maxrss``, charging the builder's memory to the side."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    if pid != "self":
        return 0.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _watch_backends(database_url: str) -> set[int]:
    """The PostgreSQL backend pids of every connection the store's engine hands out from now on."""
    import sqlalchemy as sa

    from acorn.store import engine_for

    pids: set[int] = set()
    if database_url.startswith("postgresql"):
        sa.event.listen(engine_for(database_url), "checkout",
                        lambda dbapi_conn, *_: pids.add(dbapi_conn.info.backend_pid))
    return pids


def _side(side: str, database_url: str, month: str, as_of: datetime) -> dict:
    """Run in the child process: one side, timed from the store to its totals."""
    from acorn.config import DEFAULT_ACCOUNTS

    account = DEFAULT_ACCOUNTS[0]
    if side == "acorn":
        from acorn.services.reconcile import reconcile_month
        from acorn.store.uow import units

        backends = _watch_backends(database_url)
        started = time.perf_counter()
        run = reconcile_month(units(database_url), account, month, as_of=as_of)
        return {"seconds": time.perf_counter() - started, "totals": run.totals,
                "server_rss_mib": sum(_peak_rss_mib(pid) for pid in backends)}
    with tempfile.TemporaryDirectory(prefix="acorn-duckdb-") as work:
        started = time.perf_counter()
        duck = load_duckdb(database_url, work)
        loaded = time.perf_counter()
        totals = duckdb_totals(duck, account, month, as_of=as_of)
        return {"load_seconds": loaded - started, "seconds": time.perf_counter() - loaded, "totals": totals}


def measure(side: str, database_url: str, month: str, as_of: datetime) -> Side:
    """``side`` ("acorn" or "duckdb") in a fresh Python process; its peak RSS is that process's."""
    import os
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    proc = subprocess.run([sys.executable, "-m", "acorn.reconcile_bench", side, database_url, month, as_of.isoformat()],
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the {side} side failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return Side(**json.loads(proc.stdout.strip().splitlines()[-1]))


def run(database_url: str, *, lines: int, seed: int, month: str = "2026-10", database: str = "",
        say: Any = print) -> BenchResult:
    """Build the month into the empty store at ``database_url``, then reconcile it with Acorn and with DuckDB."""
    say(f"building {lines:,} PO lines of {month} (seed {seed})…")
    build = build_month(database_url, lines=lines, seed=seed, month=month)
    say(f"built in {build.seconds:.1f} s; reconciling with Acorn…")
    acorn = measure("acorn", database_url, month, build.as_of)
    say(f"Acorn: {acorn.seconds:.1f} s; loading into DuckDB and running the same join…")
    duck = measure("duckdb", database_url, month, build.as_of)
    return BenchResult(database=database or database_url.split(":", 1)[0], build=build, acorn=acorn, duckdb=duck)


# -- the printed figures and the command ------------------------------------------------


def figures_table(result: BenchResult) -> Any:
    from rich.table import Table

    b, a, d = result.build, result.acorn, result.duckdb
    table = Table("", "Acorn", "DuckDB", title=f"Reconcile {b.month}: {b.lines:,} PO lines on {result.database} "
                                             f"(as of {b.as_of:%Y-%m-%d})")
    for name, mine, theirs in (
            ("PO lines in the month", f"{a.totals.get('lines', 0):,}", f"{d.totals.get('lines', 0):,}"),
            ("build the month (s)", f"{b.seconds:.1f}", ""),
            ("load from the store (s)", "", f"{d.load_seconds:.2f}"),
            ("reconcile / query (s)", f"{a.seconds:.2f}", f"{d.seconds:.2f}"),
            ("from the store to totals (s)", f"{a.seconds:.2f}", f"{d.load_seconds + d.seconds:.2f}"),
            ("peak RSS of the process (MiB)", f"{a.peak_rss_mib:,.0f}", f"{d.peak_rss_mib:,.0f}"),
            *([("peak RSS of its PostgreSQL backend (MiB)", f"{a.server_rss_mib:,.0f}", "")]
              if a.server_rss_mib else []),
            ("Acorn ÷ DuckDB, load + query", f"{result.ratio:.1f}x", ""),
            ("Acorn ÷ DuckDB, query only", f"{result.query_ratio:.1f}x", "")):
        table.add_row(name, mine, theirs)
    return table


def categories_table(result: BenchResult) -> Any:
    from rich.table import Table

    table = Table("category", "lines", "units", "amount", "DuckDB", title="Totals per category")
    ours, theirs = result.acorn.totals.get("categories", {}), result.duckdb.totals.get("categories", {})
    for category in ours | theirs:
        mine = ours.get(category) or {}
        same = mine == theirs.get(category)
        table.add_row(category, f"{mine.get('lines', 0):,}", f"{mine.get('units', 0):,}",
                      f"{Decimal(mine.get('amount', '0')):,.2f}",
                      "same" if same else "[red]differs[/red]")
    return table


def targets_table(result: BenchResult) -> Any:
    from rich.table import Table

    table = Table("target (2 cores)", "measured", "", title="Targets")
    for name, measured, ok in result.targets():
        table.add_row(name, measured, "[green]PASS[/green]" if ok else "[yellow]MISS[/yellow]")
    return table


def reconcile_command(
    lines: int = typer.Option(1_000_000, min=1, help="PO lines ordered in the month."),
    seed: int = typer.Option(0, help="Seed of the month's variety: same seed, same month."),
    database: str = typer.Option("sqlite", help="sqlite, postgres (a throwaway cluster) or the URL of an empty "
                                                "database."),
    keep: Path = typer.Option(None, "--keep", help="Build the SQLite store in this directory and keep it "
                                                   "(default: a temporary directory, removed)."),
) -> None:
    """Reconcile a month of PO lines with Acorn and with the same join in DuckDB; print both side by side.

    PASS or MISS per target (under 20 s, under 2 GiB, within 3x of DuckDB); exit 1 when they disagree, 2 on errors.
    """
    from rich.console import Console

    console = Console()
    say = lambda line: console.print(line, highlight=False)  # noqa: E731
    try:
        with _store(database, keep, say) as (url, label):
            result = run(url, lines=lines, seed=seed, database=label, say=say)
    except (ValueError, RuntimeError, OSError) as exc:
        console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    for table in (figures_table(result), targets_table(result), categories_table(result)):
        console.print(table)
    problems = result.mismatches()
    if problems:
        console.print("[red]Acorn and DuckDB disagree:[/red]")
        for problem in problems:
            console.print(f"  - {problem}", highlight=False)
        raise typer.Exit(1)
    console.print("[green]Acorn and DuckDB agree on every category[/green]")


@contextmanager
def _store(database: str, keep: Path | None, say: Any) -> Iterator[tuple[str, str]]:
    """An empty store to build into: a SQLite file, a database on a throwaway cluster, or the URL given."""
    if database == "postgres":
        from acorn.testing.postgres import create_database, throwaway_cluster, unavailable_reason

        if why := unavailable_reason():
            raise RuntimeError(f"cannot run on PostgreSQL: {why} (use --database sqlite)")
        if keep is not None:
            say("--keep applies to SQLite only: the PostgreSQL cluster is removed at the end")
        with throwaway_cluster() as server:
            yield create_database(server, "acorn_reconcile_bench"), "PostgreSQL"
    elif database == "sqlite":
        with (nullcontext(str(keep)) if keep else tempfile.TemporaryDirectory(prefix="acorn-bench-")) as folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            path = Path(folder) / "reconcile-bench.db"
            yield f"sqlite:///{path}", "SQLite"
            if keep:
                say(f"store kept at {path}")
    elif "://" in database:
        yield database, database.split(":", 1)[0]
    else:
        raise RuntimeError(f"--database: {database!r} is not sqlite, postgres or a database URL")


def register(bench_app: typer.Typer) -> None:
    """Mount ``acorn bench reconcile``."""
    bench_app.command("reconcile")(reconcile_command)


def _main(argv: list[str]) -> None:
    side, database_url, month, as_of = argv
    figures = _side(side, database_url, month, datetime.fromisoformat(as_of))
    print(json.dumps({**figures, "peak_rss_mib": _peak_rss_mib()}))


if __name__ == "__main__":
    import sys

    _main(sys.argv[1:])
