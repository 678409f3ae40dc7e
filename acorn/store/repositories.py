"""Repositories: the store's vocabulary, one class per aggregate.

They never commit (the unit of work does) and they hide SQL behind business verbs.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, select

from acorn.domain.carrier_numbers import ProNumberFormat, bill_of_lading_number
from acorn.domain.documents import DocumentKind
from acorn.domain.states import AlertStatus, RunStatus, ShipmentStatus
from schemas.tables import (
    Acknowledgement,
    Alert,
    AuditEvent,
    BillOfLadingSerial,
    Carton,
    Claim,
    GoodsReceipt,
    InventoryLevel,
    Invoice,
    InvoiceLine,
    OutboxEntry,
    Pallet,
    ProNumberAllocation,
    PurchaseOrder,
    PurchaseOrderItem,
    QuarantinedReport,
    ReceiptSnapshot,
    ReconciliationLine,
    ReconciliationRun,
    RemittanceImport,
    RemittanceLine,
    ReportRequest,
    Shipment,
    ShipmentLine,
    Sku,
    SsccSerial,
    VendorAccount,
    VendorReportDocument,
    Watermark,
    utcnow,
)


def _promised_beyond_shipped() -> Any:
    """Lines with units the acknowledgement promised (accepted, backordered) not shipped yet: the
    predicate of the partial index ``ix_purchase_order_item_open``, which a query must repeat to use it
    (column first: SQLite does not match ``a + b > c`` against the index's own ``a + b > c``)."""
    item = PurchaseOrderItem
    return item.shipped_qty < item.accepted_qty + item.backordered_qty


def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[list[Any]]:
    """``IN`` lists in slices: SQLite and PostgreSQL both cap the parameters of one statement."""
    for start in range(0, len(values), size):
        yield list(values[start:start + size])


#: a table row handed to :meth:`_Repository.add` comes back as itself
_Row = TypeVar("_Row", bound=SQLModel)


class _Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: _Row) -> _Row:
        self.session.add(row)
        return row

    def insert_all(self, rows: Sequence[Any]) -> None:
        """Write new rows of one table with one executemany INSERT, whatever their number.

        ``add`` sends one INSERT per row on SQLite: the ORM wants each new id back, and SQLite
        cannot say which id went to which row of a multi-row INSERT. For rows nobody reads back
        by id in the same unit of work; they stay out of the session (and get no id here).
        """
        if not rows:
            return
        table = type(rows[0]).__table__
        columns = [c.name for c in table.columns if not (c.primary_key and getattr(rows[0], c.name) is None)]
        self.session.execute(sa.insert(table), [{c: getattr(row, c) for c in columns} for row in rows])


class AccountRepository(_Repository):
    def get(self, code: str) -> VendorAccount | None:
        return self.session.exec(select(VendorAccount).where(VendorAccount.code == code)).first()

    def ensure(self, *, code: str, selling_party: str, marketplace: str, region: str, currency: str) -> VendorAccount:
        row = self.get(code)
        if row is None:
            row = self.add(VendorAccount(code=code, selling_party=selling_party, marketplace=marketplace,
                                         region=region, currency=currency))
        else:
            row.selling_party, row.marketplace, row.region, row.currency = selling_party, marketplace, region, currency
        return row


class SkuRepository(_Repository):
    def get(self, vendor_sku: str) -> Sku | None:
        return self.session.exec(select(Sku).where(Sku.vendor_sku == vendor_sku)).first()

    def all(self) -> Sequence[Sku]:
        return self.session.exec(select(Sku).order_by(Sku.vendor_sku)).all()

    def upsert(self, **fields: Any) -> Sku:
        row = self.get(fields["vendor_sku"])
        if row is None:
            return self.add(Sku(**fields))
        for k, v in fields.items():
            setattr(row, k, v)
        row.updated_at = utcnow()
        return row

    def upsert_all(self, rows: Sequence[dict[str, Any]]) -> None:
        """:meth:`upsert` for each of ``rows`` (a later row of a SKU wins), in three statements per load:
        one read of the master, one INSERT of the new SKUs, one UPDATE of the known ones."""
        _upsert_all(self, Sku, ("vendor_sku",), rows)


class InventoryRepository(_Repository):
    def get(self, vendor_sku: str, warehouse: str) -> InventoryLevel | None:
        return self.session.exec(select(InventoryLevel).where(
            InventoryLevel.vendor_sku == vendor_sku, InventoryLevel.warehouse == warehouse)).first()

    def all(self) -> Sequence[InventoryLevel]:
        return self.session.exec(select(InventoryLevel).order_by(InventoryLevel.vendor_sku)).all()

    def for_skus(self, vendor_skus: Iterable[str], warehouse: str) -> dict[str, InventoryLevel]:
        """The warehouse's stock rows of these SKUs, by SKU, in one query per 500 SKUs."""
        found: dict[str, InventoryLevel] = {}
        for chunk in _chunks(sorted(set(vendor_skus))):
            found.update((row.vendor_sku, row) for row in self.session.exec(select(InventoryLevel).where(
                InventoryLevel.warehouse == warehouse, InventoryLevel.vendor_sku.in_(chunk))).all())
        return found

    def upsert(self, **fields: Any) -> InventoryLevel:
        row = self.get(fields["vendor_sku"], fields["warehouse"])
        if row is None:
            return self.add(InventoryLevel(**fields))
        for k, v in fields.items():
            setattr(row, k, v)
        row.updated_at = utcnow()
        return row

    def upsert_all(self, rows: Sequence[dict[str, Any]]) -> None:
        """:meth:`upsert` for each of ``rows`` (a later row of a SKU and warehouse wins), in three
        statements per load: one read of the stock, one INSERT of the new rows, one UPDATE of the others."""
        _upsert_all(self, InventoryLevel, ("vendor_sku", "warehouse"), rows)


def _upsert_all(repository: _Repository, table: type, key: tuple[str, ...], rows: Sequence[dict[str, Any]]) -> None:
    """Rows of a small reference table (the ERP's SKU master, its stock) inserted or updated by ``key``."""
    latest = {tuple(row[k] for k in key): row for row in rows}
    stored = {tuple(getattr(r, k) for k in key): r.id
              for r in repository.session.exec(select(table)).all()}
    repository.insert_all([table(**row) for k, row in latest.items() if k not in stored])
    now = utcnow()
    changed = [{**row, "id": stored[k], "updated_at": now} for k, row in latest.items() if k in stored]
    if changed:
        repository.session.execute(sa.update(table), changed)


class PurchaseOrderRepository(_Repository):
    def get(self, account_code: str, po_number: str) -> PurchaseOrder | None:
        return self.session.exec(select(PurchaseOrder).where(
            PurchaseOrder.account_code == account_code, PurchaseOrder.po_number == po_number)).first()

    def items(self, po: PurchaseOrder) -> list[PurchaseOrderItem]:
        return list(self.session.exec(select(PurchaseOrderItem).where(
            PurchaseOrderItem.purchase_order_id == po.id).order_by(PurchaseOrderItem.item_sequence)).all())

    def by_numbers(self, account_code: str, po_numbers: Iterable[str]) -> dict[str, PurchaseOrder]:
        """The account's stored POs among ``po_numbers``, by number: one query per 500 numbers."""
        found: dict[str, PurchaseOrder] = {}
        for chunk in _chunks(sorted(set(po_numbers))):
            found.update((po.po_number, po) for po in self.session.exec(select(PurchaseOrder).where(
                PurchaseOrder.account_code == account_code, PurchaseOrder.po_number.in_(chunk))).all())
        return found

    def add_all(self, account_code: str, orders: Sequence[tuple[dict[str, Any], Sequence[dict[str, Any]]]]) -> None:
        """New POs (header fields, item fields) in three statements per 500 POs, not one per row:
        the POs, their new ids, the items."""
        self.insert_all([PurchaseOrder(account_code=account_code, **header) for header, _ in orders])
        ids: dict[str, int] = {}
        for chunk in _chunks([header["po_number"] for header, _ in orders]):
            ids.update(self.session.exec(select(PurchaseOrder.po_number, PurchaseOrder.id).where(
                PurchaseOrder.account_code == account_code, PurchaseOrder.po_number.in_(chunk))).all())
        self.insert_all([PurchaseOrderItem(purchase_order_id=ids[header["po_number"]], **item)
                         for header, items in orders for item in items])

    def update_items(self, values: Sequence[dict[str, Any]]) -> None:
        """Write these items' fields by id (each dict: ``id`` and the same fields) in one executemany UPDATE.

        The items loaded in the session are not refreshed: set the values here, not on them.
        """
        if values:
            self.session.execute(sa.update(PurchaseOrderItem), list(values))

    def items_of(self, pos: Iterable[PurchaseOrder]) -> dict[int, list[PurchaseOrderItem]]:
        """Each PO's items in item-sequence order, by PO id: one query per 500 POs, not one per PO."""
        ids = sorted({po.id for po in pos})
        found: dict[int, list[PurchaseOrderItem]] = {po_id: [] for po_id in ids}
        for chunk in _chunks(ids):
            for item in self.session.exec(select(PurchaseOrderItem).where(
                    PurchaseOrderItem.purchase_order_id.in_(chunk))
                    .order_by(PurchaseOrderItem.purchase_order_id, PurchaseOrderItem.item_sequence)).all():
                found[item.purchase_order_id].append(item)
        return found

    def item(self, po: PurchaseOrder, item_sequence: str) -> PurchaseOrderItem | None:
        return self.session.exec(select(PurchaseOrderItem).where(
            PurchaseOrderItem.purchase_order_id == po.id,
            PurchaseOrderItem.item_sequence == item_sequence)).first()

    def list(self, account_code: str, *, states: Iterable[str] | None = None,
             unacknowledged: bool | None = None) -> list[PurchaseOrder]:
        q = select(PurchaseOrder).where(PurchaseOrder.account_code == account_code)
        if states is not None:
            q = q.where(PurchaseOrder.state.in_(list(states)))
        if unacknowledged is True:
            q = q.where(PurchaseOrder.acknowledged_at.is_(None))
        elif unacknowledged is False:
            q = q.where(PurchaseOrder.acknowledged_at.is_not(None))
        return list(self.session.exec(q.order_by(PurchaseOrder.order_date, PurchaseOrder.po_number)).all())

    def lines_to_ship(self, account_code: str) -> builtins.list[tuple[PurchaseOrder, builtins.list[PurchaseOrderItem]]]:
        """Acknowledged POs with promised units (accepted, backordered) still to ship, each with those lines,
        in two queries.

        Oldest order first, lines in sequence (the order planning numbers SSCCs and PROs in). The
        partial index ``ix_purchase_order_item_open`` holds only lines with units left, so the
        read stays the size of the open work however long the history.
        """
        to_ship = _promised_beyond_shipped()  # the partial index's predicate
        # first the POs with open lines, from the partial index alone; then those POs by id. One join would
        # let the planner start from the account's POs (SQLite probes each; PostgreSQL, unable to estimate
        # accepted > shipped, hashes them all): work that grows with the history.
        ids = sorted(set(self.session.exec(select(PurchaseOrderItem.purchase_order_id).where(to_ship)).all()))
        rows: list[tuple[PurchaseOrder, PurchaseOrderItem]] = []
        for chunk in _chunks(ids):
            rows += self.session.exec(
                select(PurchaseOrder, PurchaseOrderItem)
                .join(PurchaseOrderItem, PurchaseOrderItem.purchase_order_id == PurchaseOrder.id)
                .where(PurchaseOrder.id.in_(chunk), to_ship, PurchaseOrderItem.cancelled.is_(False),
                       PurchaseOrder.account_code == account_code, PurchaseOrder.acknowledged_at.is_not(None))).all()
        rows.sort(key=lambda row: (row[0].order_date, row[0].po_number, row[1].item_sequence))
        orders: dict[int, tuple[PurchaseOrder, list[PurchaseOrderItem]]] = {}
        for po, item in rows:
            orders.setdefault(po.id, (po, []))[1].append(item)
        return list(orders.values())

    def with_items(self, account_code: str, po_numbers: Iterable[str]
                   ) -> dict[str, tuple[PurchaseOrder, dict[str, PurchaseOrderItem]]]:
        """These POs with their items by sequence, in one query (a PO that is not stored is left out)."""
        found: dict[str, tuple[PurchaseOrder, dict[str, PurchaseOrderItem]]] = {}
        for chunk in _chunks(sorted(set(po_numbers))):
            q = (select(PurchaseOrder, PurchaseOrderItem)
                 .outerjoin(PurchaseOrderItem, PurchaseOrderItem.purchase_order_id == PurchaseOrder.id)
                 .where(PurchaseOrder.account_code == account_code, PurchaseOrder.po_number.in_(chunk)))
            for po, item in self.session.exec(q).all():
                _, items = found.setdefault(po.po_number, (po, {}))
                if item is not None:
                    items[item.item_sequence] = item
        return found

    def open_items(self) -> builtins.list[PurchaseOrderItem]:
        """Items with promised units (accepted, backordered) still to ship, across every account."""
        return list(self.session.exec(select(PurchaseOrderItem).where(
            _promised_beyond_shipped(), PurchaseOrderItem.cancelled.is_(False))).all())

    def ordered_lines(self, account_code: str, *, since: datetime, until: datetime
                      ) -> builtins.list[tuple[datetime, str | None, str | None, int, int]]:
        """``(order date, vendor SKU, ASIN, ordered, accepted)`` of every line Amazon ordered in
        ``[since, until)``, in one query (``ix_purchase_order_account_ordered``): replenishment's history."""
        i = PurchaseOrderItem
        q = (select(PurchaseOrder.order_date, i.vendor_sku, i.asin, i.ordered_qty, i.accepted_qty)
             .join(i, i.purchase_order_id == PurchaseOrder.id)
             .where(PurchaseOrder.account_code == account_code, PurchaseOrder.order_date >= since,
                    PurchaseOrder.order_date < until))
        return [(when, sku, asin, int(ordered), int(accepted)) for when, sku, asin, ordered, accepted
                in self.session.exec(q).all()]

    def count(self, account_code: str | None = None) -> int:
        q = select(sa.func.count()).select_from(PurchaseOrder)
        if account_code:
            q = q.where(PurchaseOrder.account_code == account_code)
        return self.session.exec(q).one()


class AcknowledgementRepository(_Repository):
    def get(self, account_code: str, po_number: str) -> Acknowledgement | None:
        return self.session.exec(select(Acknowledgement).where(
            Acknowledgement.account_code == account_code, Acknowledgement.po_number == po_number)).first()


class ShipmentRepository(_Repository):
    def get(self, shipment_identifier: str) -> Shipment | None:
        return self.session.exec(select(Shipment).where(Shipment.shipment_identifier == shipment_identifier)).first()

    def list(self, account_code: str, *, statuses: Iterable[str] | None = None) -> list[Shipment]:
        q = select(Shipment).where(Shipment.account_code == account_code)
        if statuses is not None:
            q = q.where(Shipment.status.in_(list(statuses)))
        return list(self.session.exec(q.order_by(Shipment.departure, Shipment.shipment_identifier)).all())

    def lines(self, shipment: Shipment) -> builtins.list[ShipmentLine]:
        return list(self.session.exec(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
                                      .order_by(ShipmentLine.po_number, ShipmentLine.item_sequence)).all())

    def lines_with_orders(self, shipment: Shipment
                          ) -> builtins.list[tuple[ShipmentLine, PurchaseOrderItem, PurchaseOrder]]:
        """Each shipped line with the PO item and PO it ships, in one query."""
        q = (select(ShipmentLine, PurchaseOrderItem, PurchaseOrder)
             .join(PurchaseOrder, (PurchaseOrder.po_number == ShipmentLine.po_number)
                   & (PurchaseOrder.account_code == shipment.account_code))
             .join(PurchaseOrderItem, (PurchaseOrderItem.purchase_order_id == PurchaseOrder.id)
                   & (PurchaseOrderItem.item_sequence == ShipmentLine.item_sequence))
             .where(ShipmentLine.shipment_id == shipment.id)
             .order_by(ShipmentLine.po_number, ShipmentLine.item_sequence))
        return [tuple(row) for row in self.session.exec(q).all()]

    def due_for_asn(self, account_code: str, *, by: datetime) -> builtins.list[Shipment]:
        """Shipments whose ASN deadline comes by ``by`` and whose ASN Amazon has not accepted."""
        q = (select(Shipment).where(Shipment.account_code == account_code, Shipment.asn_deadline <= by,
                                    Shipment.status != ShipmentStatus.ACCEPTED)
             .order_by(Shipment.asn_deadline, Shipment.id))
        return list(self.session.exec(q).all())

    def by_identifiers(self, shipment_identifiers: Iterable[str]) -> builtins.list[Shipment]:
        ids = sorted(set(shipment_identifiers))
        if not ids:
            return []
        return list(self.session.exec(select(Shipment).where(Shipment.shipment_identifier.in_(ids))).all())

    def po_numbers(self, shipment_identifiers: Iterable[str]) -> dict[str, builtins.list[str]]:
        """The POs each of these shipments carries, in one query."""
        ids = sorted(set(shipment_identifiers))
        if not ids:
            return {}
        q = (select(Shipment.shipment_identifier, ShipmentLine.po_number).distinct()
             .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
             .where(Shipment.shipment_identifier.in_(ids)).order_by(ShipmentLine.po_number))
        found: dict[str, list[str]] = {}
        for shipment_identifier, po_number in self.session.exec(q).all():
            found.setdefault(shipment_identifier, []).append(po_number)
        return found

    def set_status(self, shipments: Sequence[Shipment], status: str) -> None:
        """Move these shipments to ``status`` in one UPDATE per 500, not one per shipment (the loaded rows
        show the new status too)."""
        for chunk in _chunks(sorted({s.id for s in shipments})):
            self.session.execute(sa.update(Shipment).where(Shipment.id.in_(chunk)).values(status=status))

    def cartons(self, shipment: Shipment) -> builtins.list[Carton]:
        query = select(Carton).where(Carton.shipment_id == shipment.id).order_by(Carton.id)
        return list(self.session.exec(query).all())

    def pallets(self, shipment: Shipment) -> builtins.list[Pallet]:
        query = select(Pallet).where(Pallet.shipment_id == shipment.id).order_by(Pallet.id)
        return list(self.session.exec(query).all())

    def add_planned(self, shipments: Sequence[Shipment]) -> builtins.list[Shipment]:
        """Store new shipments in one statement and read them back with their ids (one more), in order."""
        self.insert_all(shipments)
        stored = {s.shipment_identifier: s for s in self.by_identifiers(s.shipment_identifier for s in shipments)}
        return [stored[s.shipment_identifier] for s in shipments]

    def add_pallets(self, pallets: Sequence[Pallet]) -> dict[str, int]:
        """Store new pallets in one statement; returns their ids by SSCC (one more query per 500)."""
        self.insert_all(pallets)
        ids: dict[str, int] = {}
        for chunk in _chunks([p.sscc for p in pallets]):
            ids.update(self.session.exec(select(Pallet.sscc, Pallet.id).where(Pallet.sscc.in_(chunk))).all())
        return ids

    def cartons_of(self, shipments: Iterable[Shipment]) -> dict[int, builtins.list[Carton]]:
        """The cartons of each of these shipments (by shipment id, in id order), one query per 500 shipments."""
        return self._by_shipment(Carton, shipments, Carton.id)

    def pallets_of(self, shipments: Iterable[Shipment]) -> dict[int, builtins.list[Pallet]]:
        """The pallets of each of these shipments (by shipment id, in id order), one query per 500 shipments."""
        return self._by_shipment(Pallet, shipments, Pallet.id)

    def lines_of(self, shipments: Iterable[Shipment]) -> dict[int, builtins.list[ShipmentLine]]:
        """The lines of each of these shipments (by shipment id, in PO line order), one query per 500 shipments."""
        return self._by_shipment(ShipmentLine, shipments, ShipmentLine.po_number, ShipmentLine.item_sequence)

    def _by_shipment(self, table: type, shipments: Iterable[Shipment], *order: Any) -> dict[int, builtins.list[Any]]:
        ids = sorted({s.id for s in shipments})
        found: dict[int, list[Any]] = {i: [] for i in ids}
        for chunk in _chunks(ids):
            for row in self.session.exec(select(table).where(table.shipment_id.in_(chunk)).order_by(*order)).all():
                found[row.shipment_id].append(row)
        return found

    def count_cartons(self, account_code: str) -> int:
        q = (select(sa.func.count()).select_from(Carton).join(Shipment, Carton.shipment_id == Shipment.id)
             .where(Shipment.account_code == account_code))
        return self.session.exec(q).one()


    # -- a stage's reads, for all its shipments at once (one query each, whatever their number) --------------
    def awaiting_invoice(self, account_code: str) -> builtins.list[Shipment]:
        """Accepted shipments with no invoice yet: an anti-join on ``ix_invoice_shipment``, not a probe per shipment."""
        billed = select(Invoice.id).where(Invoice.shipment_identifier == Shipment.shipment_identifier)
        q = select(Shipment).where(Shipment.account_code == account_code, Shipment.status == ShipmentStatus.ACCEPTED,
                                   ~billed.exists())
        return list(self.session.exec(q.order_by(Shipment.departure, Shipment.shipment_identifier)).all())

    def departed(self, account_code: str, *, by: datetime) -> builtins.list[Shipment]:
        """Planned shipments whose truck left by ``by``: the ASNs to send (``ix_shipment_account_status``)."""
        q = select(Shipment).where(Shipment.account_code == account_code, Shipment.status == ShipmentStatus.PLANNED,
                                   Shipment.departure <= by)
        return list(self.session.exec(q.order_by(Shipment.departure, Shipment.shipment_identifier)).all())

    def lines_with_orders_of(self, shipments: Sequence[Shipment]
                             ) -> dict[int, builtins.list[tuple[ShipmentLine, PurchaseOrderItem, PurchaseOrder]]]:
        """:meth:`lines_with_orders` of each shipment (by shipment id)."""
        found: dict[int, list[tuple[ShipmentLine, PurchaseOrderItem, PurchaseOrder]]] = {s.id: [] for s in shipments}
        for chunk in _chunks(sorted(found)):
            q = (select(ShipmentLine, PurchaseOrderItem, PurchaseOrder)
                 .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
                 .join(PurchaseOrder, (PurchaseOrder.po_number == ShipmentLine.po_number)
                       & (PurchaseOrder.account_code == Shipment.account_code))
                 .join(PurchaseOrderItem, (PurchaseOrderItem.purchase_order_id == PurchaseOrder.id)
                       & (PurchaseOrderItem.item_sequence == ShipmentLine.item_sequence))
                 .where(ShipmentLine.shipment_id.in_(chunk))
                 .order_by(ShipmentLine.shipment_id, ShipmentLine.po_number, ShipmentLine.item_sequence))
            for line, item, po in self.session.exec(q).all():
                found[line.shipment_id].append((line, item, po))
        return found

    def lagging_documents(self, account_code: str, *, statuses: Iterable[str], outcomes: Iterable[str]
                          ) -> builtins.list[tuple[OutboxEntry, Shipment]]:
        """Shipments in one of ``statuses`` whose current ASN's outbox row reached another of ``outcomes``."""
        q = (select(OutboxEntry, Shipment)
             .join(Shipment, Shipment.shipment_identifier == OutboxEntry.business_id)
             .where(Shipment.account_code == account_code, Shipment.status.in_(list(statuses)),
                    OutboxEntry.kind == DocumentKind.SHIPMENT_CONFIRMATION, OutboxEntry.state.in_(list(outcomes)),
                    OutboxEntry.state != Shipment.status))
        rows = self.session.exec(q.order_by(OutboxEntry.id)).all()
        # an older revision's row does not decide the status: the current one does
        return [(e, s) for e, s in rows if e.idempotency_key.endswith(f":r{s.asn_revision}")]


class SsccSerialRepository(_Repository):
    def allocate(self, company_prefix: str, count: int) -> range:
        """Reserve ``count`` consecutive serials; the row lock makes concurrent planners safe."""
        # create-or-lock in one statement: two planners starting a new company prefix must not both insert
        self._upsert_noop(SsccSerial, company_prefix=company_prefix, next_serial=1)
        row = self.session.exec(select(SsccSerial).where(SsccSerial.company_prefix == company_prefix)
                                .with_for_update().execution_options(populate_existing=True)).one()
        start = row.next_serial
        row.next_serial = start + count
        self.session.flush()
        return range(start, start + count)

    def allocate_pro(self, pro_format: ProNumberFormat) -> str:
        """The carrier's next PRO number, never handed out twice; a used-up block raises
        :class:`ProRangeExhausted` and consumes nothing. A new block configured above the
        old one starts at its own start."""
        return self.allocate_pros(pro_format, 1)[0]

    def allocate_pros(self, pro_format: ProNumberFormat, count: int) -> list[str]:
        """The carrier's next ``count`` PRO numbers in one lock, fewer when the block runs out on the way
        (then the next :meth:`allocate_pro` raises for whoever asked for more); a block already used up
        raises :class:`ProRangeExhausted` and consumes nothing."""
        scac = pro_format.scac
        # create-or-lock in one statement: two planners starting a new carrier must not both insert
        self._upsert_noop(ProNumberAllocation, carrier_scac=scac, next_number=pro_format.range_start)
        row = self.session.exec(select(ProNumberAllocation).where(ProNumberAllocation.carrier_scac == scac)
                                .with_for_update().execution_options(populate_existing=True)).one()
        base = max(row.next_number, pro_format.range_start)
        pros = [pro_format.pro_number(base)]  # raises before anything changes when the block is used up
        pros += [pro_format.pro_number(n) for n in range(base + 1, min(base + count, pro_format.range_end + 1))]
        row.next_number = base + len(pros)
        self.session.flush()
        return pros

    def allocate_bill_of_lading(self, company_prefix: str) -> str:
        """The next VICS bill-of-lading number (a GSIN) for the GS1 company prefix."""
        return self.allocate_bills_of_lading(company_prefix, 1)[0]

    def allocate_bills_of_lading(self, company_prefix: str, count: int) -> list[str]:
        """The next ``count`` VICS bill-of-lading numbers (GSINs) for the GS1 company prefix, in one lock."""
        self._upsert_noop(BillOfLadingSerial, company_prefix=company_prefix, next_serial=1)
        row = self.session.exec(select(BillOfLadingSerial).where(BillOfLadingSerial.company_prefix == company_prefix)
                                .with_for_update().execution_options(populate_existing=True)).one()
        numbers = [bill_of_lading_number(company_prefix, n) for n in range(row.next_serial, row.next_serial + count)]
        row.next_serial += count
        self.session.flush()
        return numbers

    def _upsert_noop(self, table: type, **values: Any) -> None:
        """Insert the counter row, or touch the existing one (which locks it until commit)."""
        key, counter = list(values)
        dialect = self.session.get_bind().dialect.name
        insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
        stmt = insert(table).values(**values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[key],
                                                        set_={counter: getattr(table, counter)}))


class OutboxRepository(_Repository):
    def get(self, idempotency_key: str) -> OutboxEntry | None:
        return self.session.exec(select(OutboxEntry).where(OutboxEntry.idempotency_key == idempotency_key)).first()

    def by_keys(self, idempotency_keys: Iterable[str]) -> dict[str, OutboxEntry]:
        """The rows queued under any of these keys, by key, fresh from the database: one query per 500 keys."""
        found: dict[str, OutboxEntry] = {}
        for chunk in _chunks(sorted(set(idempotency_keys))):
            found.update((e.idempotency_key, e) for e in self.session.exec(select(OutboxEntry).where(
                OutboxEntry.idempotency_key.in_(chunk)).execution_options(populate_existing=True)).all())
        return found

    def by_id(self, entry_id: int) -> OutboxEntry | None:
        return self.session.get(OutboxEntry, entry_id)

    def list(self, *, kind: str | None = None, states: Iterable[str] | None = None,
             account_code: str | None = None) -> list[OutboxEntry]:
        q = select(OutboxEntry)
        if kind:
            q = q.where(OutboxEntry.kind == kind)
        if states is not None:
            q = q.where(OutboxEntry.state.in_(list(states)))
        if account_code:
            q = q.where(OutboxEntry.account_code == account_code)
        return list(self.session.exec(q.order_by(OutboxEntry.id)).all())

    def open_keys(self, *, kind: str, states: Iterable[str], account_code: str) -> builtins.list[str]:
        """Keys of one account's rows of ``kind`` in ``states``, oldest first, read through ``ix_outbox_kind_state``.

        Sorted here rather than by an ORDER BY id, which would lead SQLite to walk every row of
        the kind ever queued instead of only the open ones.
        """
        rows = self.session.exec(select(OutboxEntry.id, OutboxEntry.idempotency_key).where(
            OutboxEntry.kind == kind, OutboxEntry.state.in_(list(states)),
            OutboxEntry.account_code == account_code)).all()
        return [key for _, key in sorted(rows)]

    def states(self, idempotency_keys: Iterable[str]) -> dict[str, str]:
        """The state of each of these entries that exists, by key, one query per 500 keys."""
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(set(idempotency_keys))):
            found.update(self.session.exec(select(OutboxEntry.idempotency_key, OutboxEntry.state)
                                           .where(OutboxEntry.idempotency_key.in_(chunk))).all())
        return found

    def compare_and_set(self, entry: OutboxEntry, *, state: str, owner: str | None, lease_until: datetime | None,
                        **values: Any) -> OutboxEntry | None:
        """Move ``entry`` as it was read: the UPDATE matches only its version (and, for a worker, its lease).

        Returns the row as stored now, or None when another worker changed it first: the
        caller re-reads instead of overwriting a state someone else already left.
        """
        q = sa.update(OutboxEntry).where(OutboxEntry.id == entry.id, OutboxEntry.version == entry.version)
        if owner is not None:
            q = q.where(OutboxEntry.lease_owner == owner)
            values["lease_expires_at"] = lease_until
        q = q.values(state=state, version=OutboxEntry.version + 1, updated_at=utcnow(), **values)
        moved = self._returning(q)
        return moved[0] if moved else None

    def compare_and_set_many(self, moves: Sequence[tuple[OutboxEntry, dict[str, Any]]], *, state: str, owner: str,
                             lease_until: datetime) -> builtins.list[OutboxEntry]:
        """Move many rows, each as it was read, to ``state`` in one UPDATE; returns the rows it moved.

        Each row matches only at its version and under ``owner``'s lease, as in
        :meth:`compare_and_set`; a row someone else changed first is left out of the answer.
        A value that differs between rows (a transaction id) is set row by row with a CASE.
        """
        if not moves:
            return []
        values = {name: self._per_row(moves, name) for name in {n for _, v in moves for n in v}}
        q = (sa.update(OutboxEntry)
             .where(sa.tuple_(OutboxEntry.id, OutboxEntry.version).in_([(e.id, e.version) for e, _ in moves]),
                    OutboxEntry.lease_owner == owner)
             .values(state=state, version=OutboxEntry.version + 1, updated_at=utcnow(), lease_expires_at=lease_until,
                     **values))
        return self._returning(q)

    @staticmethod
    def _per_row(moves: Sequence[tuple[OutboxEntry, dict[str, Any]]], name: str) -> Any:
        column = OutboxEntry.__table__.c[name]
        given = [(e.id, v[name]) for e, v in moves if name in v]
        if len(given) == len(moves) and all(value == given[0][1] for _, value in given):
            return given[0][1]
        return sa.case(*[(column.table.c.id == entry_id, sa.bindparam(None, value, type_=column.type))
                         for entry_id, value in given], else_=column)

    def _returning(self, update: Any) -> builtins.list[OutboxEntry]:
        """Run an UPDATE and return the rows it changed, as stored now (one statement: RETURNING)."""
        return list(self.session.execute(update.returning(OutboxEntry), execution_options={
            "synchronize_session": False, "populate_existing": True}).scalars().all())

    def claim(self, keys: Sequence[str], *, owner: str, until: datetime, states: Iterable[str],
              may_take: Callable[[OutboxEntry], bool]) -> builtins.list[OutboxEntry]:
        """Lease the rows among ``keys`` that no live worker holds; returns the rows now ours, in id order.

        Two statements for any number of rows: read the candidates, then one UPDATE takes the
        lease of those ``may_take`` allows, compare-and-set on each row's version. PostgreSQL
        skips rows another transaction is claiming (``FOR UPDATE SKIP LOCKED``).
        """
        q = select(OutboxEntry).where(OutboxEntry.idempotency_key.in_(list(keys)),
                                      OutboxEntry.state.in_(list(states))).order_by(OutboxEntry.id)
        if self.session.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        free = [(entry.id, entry.version) for entry in self.session.exec(q).all() if may_take(entry)]
        if not free:
            return []
        taken = self._returning(sa.update(OutboxEntry).where(sa.tuple_(OutboxEntry.id, OutboxEntry.version).in_(free))
                                .values(lease_owner=owner, lease_expires_at=until, version=OutboxEntry.version + 1))
        return sorted(taken, key=lambda entry: entry.id)

    def release_leases(self, keys: Sequence[str], *, owner: str) -> None:
        if keys:
            self.session.execute(sa.update(OutboxEntry).where(OutboxEntry.idempotency_key.in_(list(keys)),
                                                              OutboxEntry.lease_owner == owner)
                                 .values(lease_owner=None, lease_expires_at=None)
                                 .execution_options(synchronize_session=False))


class InvoiceRepository(_Repository):
    def get(self, account_code: str, invoice_number: str) -> Invoice | None:
        return self.session.exec(select(Invoice).where(
            Invoice.account_code == account_code, Invoice.invoice_number == invoice_number)).first()

    def by_numbers(self, account_code: str, invoice_numbers: Iterable[str]) -> dict[str, Invoice]:
        """Invoices of one account by number, in one query per 500 numbers (for a batch of outbox rows)."""
        found: dict[str, Invoice] = {}
        for chunk in _chunks(sorted(set(invoice_numbers))):
            found.update((i.invoice_number, i) for i in self.session.exec(select(Invoice).where(
                Invoice.account_code == account_code, Invoice.invoice_number.in_(chunk))).all())
        return found

    def for_shipment(self, shipment_identifier: str) -> Invoice | None:
        return self.session.exec(select(Invoice).where(Invoice.shipment_identifier == shipment_identifier)).first()

    def lines(self, invoice: Invoice) -> list[InvoiceLine]:
        return list(self.session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                                      .order_by(InvoiceLine.item_sequence)).all())

    def list(self, account_code: str, *, statuses: Iterable[str] | None = None) -> list[Invoice]:
        q = select(Invoice).where(Invoice.account_code == account_code)
        if statuses is not None:
            q = q.where(Invoice.status.in_(list(statuses)))
        return list(self.session.exec(q.order_by(Invoice.invoice_date, Invoice.invoice_number)).all())


    def add_lines(self, lines: Sequence[dict[str, Any]]) -> None:
        """Invoice lines (column values) in one executemany: nothing reads their ids back, so they are not
        inserted one by one (SQLite cannot return a batch's ids in order, so the ORM would)."""
        if lines:
            self.session.execute(sa.insert(InvoiceLine), list(lines))

    def lagging_documents(self, account_code: str, *, statuses: Iterable[str], outcomes: Iterable[str]
                          ) -> builtins.list[tuple[OutboxEntry, Invoice]]:
        """Invoices in one of ``statuses`` whose outbox row reached another of ``outcomes``, in one query."""
        q = (select(OutboxEntry, Invoice)
             .join(Invoice, (Invoice.account_code == OutboxEntry.account_code)
                   & (Invoice.invoice_number == OutboxEntry.business_id))
             .where(Invoice.account_code == account_code, Invoice.status.in_(list(statuses)),
                    OutboxEntry.kind == DocumentKind.INVOICE, OutboxEntry.state.in_(list(outcomes)),
                    OutboxEntry.state != Invoice.status))
        return [tuple(row) for row in self.session.exec(q.order_by(OutboxEntry.id)).all()]


class ReceiptRepository(_Repository):
    def get(self, account_code: str, po_number: str, item_sequence: str) -> GoodsReceipt | None:
        return self.session.exec(select(GoodsReceipt).where(
            GoodsReceipt.account_code == account_code, GoodsReceipt.po_number == po_number,
            GoodsReceipt.item_sequence == item_sequence)).first()

    def list(self, account_code: str) -> list[GoodsReceipt]:
        return list(self.session.exec(select(GoodsReceipt).where(GoodsReceipt.account_code == account_code)
                                      .order_by(GoodsReceipt.po_number, GoodsReceipt.item_sequence)).all())

    def for_orders(self, account_code: str, po_numbers: Iterable[str]) -> dict[tuple[str, str], GoodsReceipt]:
        """The receipts of these POs by ``(po_number, item_sequence)``, in one query."""
        found: dict[tuple[str, str], GoodsReceipt] = {}
        for chunk in _chunks(sorted(set(po_numbers))):
            for row in self.session.exec(select(GoodsReceipt).where(GoodsReceipt.account_code == account_code,
                                                                    GoodsReceipt.po_number.in_(chunk))).all():
                found[(row.po_number, row.item_sequence)] = row
        return found

    def awaiting_goods(self, account_code: str) -> set[str]:
        """POs on an accepted shipment with shipped units not yet reported received (or damaged), in one query."""
        i = PurchaseOrderItem
        q = (select(ShipmentLine.po_number).distinct()
             .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
             .join(PurchaseOrder, (PurchaseOrder.po_number == ShipmentLine.po_number)
                   & (PurchaseOrder.account_code == Shipment.account_code))
             .join(i, (i.purchase_order_id == PurchaseOrder.id) & (i.item_sequence == ShipmentLine.item_sequence))
             .where(Shipment.account_code == account_code, Shipment.status == ShipmentStatus.ACCEPTED,
                    i.received_qty + i.damaged_qty < i.shipped_qty))
        return set(self.session.exec(q).all())

    def receiving(self, account_code: str, *, also: Iterable[str] = ()
                  ) -> builtins.list[tuple[Shipment, int, int, bool]]:
        """``(shipment, units missing, units received, receiving closed)`` per accepted shipment still missing
        units, and per accepted shipment named in ``also``; in one query, ordered as :meth:`ShipmentRepository.list`.

        Missing is summed over the shipment's PO items (shipped - received - damaged, when positive);
        closed: every line has a receipt whose status is RECEIVED.
        """
        i, gr = PurchaseOrderItem, GoodsReceipt
        short = i.shipped_qty - i.received_qty - i.damaged_qty
        missing = sa.func.sum(sa.case((short > 0, short), else_=0))
        closed = sa.func.min(sa.case((sa.func.upper(sa.func.coalesce(gr.receive_status, "")) == "RECEIVED", 1),
                                     else_=0))
        q = (select(Shipment, missing, sa.func.sum(i.received_qty), closed)
             .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
             .join(PurchaseOrder, (PurchaseOrder.po_number == ShipmentLine.po_number)
                   & (PurchaseOrder.account_code == Shipment.account_code))
             .join(i, (i.purchase_order_id == PurchaseOrder.id) & (i.item_sequence == ShipmentLine.item_sequence))
             .outerjoin(gr, (gr.account_code == Shipment.account_code) & (gr.po_number == ShipmentLine.po_number)
                        & (gr.item_sequence == ShipmentLine.item_sequence))
             .where(Shipment.account_code == account_code, Shipment.status == ShipmentStatus.ACCEPTED)
             .group_by(Shipment.id))
        named = sorted(set(also))
        q = q.having(sa.or_(missing > 0, Shipment.shipment_identifier.in_(named)) if named else missing > 0)
        rows = self.session.exec(q.order_by(Shipment.departure, Shipment.shipment_identifier)).all()
        return [(shipment, int(lack or 0), int(got or 0), bool(done)) for shipment, lack, got, done in rows]

    def received_lines(self, account_code: str, *, since: datetime, until: datetime
                       ) -> builtins.list[tuple[datetime, str | None, str | None, int]]:
        """``(last receipt date, vendor SKU, ASIN, received)`` of the PO items Amazon last received in
        ``[since, until)``, in one query (``ix_goods_receipt_account_received``): replenishment's history."""
        gr, i = GoodsReceipt, PurchaseOrderItem
        q = (select(gr.last_receive_date, i.vendor_sku, i.asin, gr.received_qty)
             .join(PurchaseOrder, (PurchaseOrder.account_code == gr.account_code)
                   & (PurchaseOrder.po_number == gr.po_number))
             .join(i, (i.purchase_order_id == PurchaseOrder.id) & (i.item_sequence == gr.item_sequence))
             .where(gr.account_code == account_code, gr.last_receive_date >= since, gr.last_receive_date < until))
        return [(when, sku, asin, int(received)) for when, sku, asin, received in self.session.exec(q).all()]

    @staticmethod
    def snapshot(receipt: GoodsReceipt, *, at: datetime) -> dict[str, Any]:
        """What Amazon reported at business time ``at``, as a row for :meth:`keep_snapshots`."""
        return {"account_code": receipt.account_code, "po_number": receipt.po_number,
                "item_sequence": receipt.item_sequence, "observed_at": at, "receive_status": receipt.receive_status,
                "received_qty": receipt.received_qty, "last_receive_date": receipt.last_receive_date}

    def keep_snapshots(self, snapshots: Sequence[dict[str, Any]]) -> None:
        """Keep these snapshots (a dispute shows the receipt over time), in one executemany."""
        if snapshots:
            self.session.execute(sa.insert(ReceiptSnapshot), list(snapshots))

    def history(self, account_code: str, po_number: str, item_sequence: str) -> builtins.list[ReceiptSnapshot]:
        return list(self.session.exec(select(ReceiptSnapshot).where(
            ReceiptSnapshot.account_code == account_code, ReceiptSnapshot.po_number == po_number,
            ReceiptSnapshot.item_sequence == item_sequence).order_by(ReceiptSnapshot.observed_at,
                                                                     ReceiptSnapshot.id)).all())


class ReconciliationRepository(_Repository):
    """One run per account and month (``acorn.services.reconcile``); a rerun replaces its lines."""

    def get(self, account_code: str, month: str) -> ReconciliationRun | None:
        return self.session.exec(select(ReconciliationRun).where(
            ReconciliationRun.account_code == account_code, ReconciliationRun.month == month)).first()

    def lines(self, run: ReconciliationRun) -> list[ReconciliationLine]:
        return list(self.session.exec(select(ReconciliationLine).where(ReconciliationLine.run_id == run.id)
                                      .order_by(ReconciliationLine.po_number, ReconciliationLine.item_sequence,
                                                ReconciliationLine.category)).all())

    def restart(self, account_code: str, month: str, *, as_of: datetime) -> ReconciliationRun:
        """The month's run, emptied and marked running (created the first time); the caller holds the stage lock."""
        run = self.get(account_code, month)
        if run is None:
            run = self.add(ReconciliationRun(account_code=account_code, month=month))
        else:
            self.session.execute(sa.delete(ReconciliationLine).where(ReconciliationLine.run_id == run.id)
                                 .execution_options(synchronize_session=False))
        run.status = RunStatus.RUNNING.value
        run.started_at, run.finished_at, run.as_of, run.totals = utcnow(), None, as_of, {}
        self.session.flush()
        return run

    def finish(self, run: ReconciliationRun, *, totals: dict, at: datetime) -> None:
        run.status, run.totals, run.finished_at = RunStatus.DONE.value, totals, at


class RemittanceRepository(_Repository):
    """Remittance files and their lines (``acorn.services.remittances``)."""

    def import_for(self, sha256: str) -> RemittanceImport | None:
        return self.session.exec(select(RemittanceImport).where(RemittanceImport.sha256 == sha256)).first()

    def for_invoice(self, account_code: str, invoice_number: str) -> list[RemittanceLine]:
        return list(self.session.exec(select(RemittanceLine).where(
            RemittanceLine.account_code == account_code, RemittanceLine.invoice_number == invoice_number)
            .order_by(RemittanceLine.payment_date, RemittanceLine.id)).all())

    def for_account(self, account_code: str) -> list[RemittanceLine]:
        return list(self.session.exec(select(RemittanceLine).where(RemittanceLine.account_code == account_code)
                                      .order_by(RemittanceLine.payment_date, RemittanceLine.id)).all())

    def existing_keys(self, account_code: str, payment_numbers: Iterable[str]) -> set[tuple[str, str, str, str]]:
        """``(payment, invoice, po, item)`` already stored for these payments: a line is loaded once."""
        keys: set[tuple[str, str, str, str]] = set()
        for chunk in _chunks(sorted(set(payment_numbers))):
            rows = self.session.exec(select(RemittanceLine.payment_number, RemittanceLine.invoice_number,
                                            RemittanceLine.po_number, RemittanceLine.item_sequence).where(
                RemittanceLine.account_code == account_code, RemittanceLine.payment_number.in_(chunk))).all()
            keys.update(tuple(row) for row in rows)
        return keys

    def invoice_accounts(self, invoice_numbers: Iterable[str]) -> dict[str, list[str]]:
        """Which vendor accounts issued each of these invoice numbers (a remittance row names no account)."""
        found: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(invoice_numbers))):
            for number, account in self.session.exec(select(Invoice.invoice_number, Invoice.account_code)
                                                     .where(Invoice.invoice_number.in_(chunk))).all():
                found.setdefault(number, []).append(account)
        return found


class ClaimRepository(_Repository):
    """Deductions Amazon took, one per invoice, payment and kind (``acorn.services.disputes``)."""

    def get(self, claim_key: str) -> Claim | None:
        return self.session.exec(select(Claim).where(Claim.claim_key == claim_key)).first()

    def list(self, *, account_code: str | None = None, statuses: Iterable[str] | None = None,
             invoice_number: str | None = None) -> list[Claim]:
        q = select(Claim)
        if account_code:
            q = q.where(Claim.account_code == account_code)
        if statuses is not None:
            q = q.where(Claim.status.in_(list(statuses)))
        if invoice_number:
            q = q.where(Claim.invoice_number == invoice_number)
        return list(self.session.exec(q.order_by(Claim.deducted_on, Claim.claim_key)).all())

    def shipments_carrying(self, account_code: str, lines: Iterable[tuple[str, str]]) -> builtins.list[Shipment]:
        """Shipments whose ASN carried any of these PO lines ``(po_number, item_sequence)``: dispute evidence."""
        wanted = sorted(set(lines))
        if not wanted:
            return []
        match = sa.or_(*[(ShipmentLine.po_number == po) & (ShipmentLine.item_sequence == seq) for po, seq in wanted])
        q = (select(Shipment).join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
             .where(Shipment.account_code == account_code, match).distinct()
             .order_by(Shipment.departure, Shipment.shipment_identifier))
        return list(self.session.exec(q).all())


#: ``AlertRepository.raise_alert(found=...)`` when the caller did not read the alert
_UNREAD = object()


class AlertRepository(_Repository):
    def raise_alert(self, *, dedupe_key: str, account_code: str, kind: str, subject: str, message: str,
                    next_step: str = "", severity: str = "warning", code: str | None = None,
                    po_number: str | None = None, shipment_identifier: str | None = None,
                    invoice_number: str | None = None, reopen: bool = True,
                    found: Alert | None | object = _UNREAD) -> tuple[Alert, bool]:
        """Open an alert once per problem; returns (alert, created).

        ``reopen=False`` for a problem that cannot come back: one a person resolved stays resolved.

        A new or reopened alert waits to be announced (``announced_at`` None): the next run that
        reaches Prefect turns it into its events, once.

        ``found`` is the alert stored under ``dedupe_key`` (or None) when the caller already read
        it (:meth:`raise_alerts`); by default it is read here.
        """
        about = {"po_number": po_number, "shipment_identifier": shipment_identifier,
                 "invoice_number": invoice_number}
        row = (self.session.exec(select(Alert).where(Alert.dedupe_key == dedupe_key)).first()
               if found is _UNREAD else found)
        if row is not None and row.status == AlertStatus.OPEN:
            return row, False
        if row is not None and not reopen:
            return row, False
        if row is not None:  # the same problem is back: reopen it rather than keep it silent
            row.status, row.resolved_at, row.created_at, row.announced_at = AlertStatus.OPEN.value, None, utcnow(), None
            row.subject, row.message, row.next_step = subject, message, next_step
            row.severity, row.code = severity, code
            for name, value in about.items():
                setattr(row, name, value or getattr(row, name))
            return row, True
        return self.add(Alert(dedupe_key=dedupe_key, account_code=account_code, kind=kind, subject=subject,
                              message=message, next_step=next_step, severity=severity, code=code, **about)), True

    def raise_alerts(self, problems: Sequence[dict[str, Any]]) -> list[str]:
        """:meth:`raise_alert` for each of ``problems`` (its keyword arguments), in order, reading the
        alerts already raised in one query per 500 keys and writing the new ones in one INSERT,
        instead of a query and an INSERT per problem. Returns the keys of the alerts opened
        (new or reopened)."""
        stored: dict[str, Alert] = {}
        for chunk in _chunks(sorted({p["dedupe_key"] for p in problems})):
            stored.update((a.dedupe_key, a) for a in self.session.exec(select(Alert).where(
                Alert.dedupe_key.in_(chunk))).all())
        opened: list[str] = []
        new: dict[str, Alert] = {}
        for problem in problems:
            key = problem["dedupe_key"]
            if key in new:  # the same problem twice: the first raised it
                continue
            if key not in stored:  # never raised: written below, with the other new ones
                new[key] = Alert(**{k: v for k, v in problem.items() if k != "reopen"})
                opened.append(key)
            elif self.raise_alert(**problem, found=stored[key])[1]:
                opened.append(key)
        self.insert_all(list(new.values()))
        return opened

    def existing(self, dedupe_keys: Iterable[str]) -> set[str]:
        """Which of these alerts were ever raised, open or resolved."""
        keys = sorted(set(dedupe_keys))
        if not keys:
            return set()
        return set(self.session.exec(select(Alert.dedupe_key).where(Alert.dedupe_key.in_(keys))).all())

    def open_keys(self, account_code: str, *, prefix: str = "") -> set[str]:
        """The dedupe keys of the account's open alerts (starting with ``prefix``): ``ix_alert_account_status``."""
        q = select(Alert.dedupe_key).where(Alert.account_code == account_code, Alert.status == AlertStatus.OPEN)
        if prefix:
            q = q.where(Alert.dedupe_key.startswith(prefix, autoescape=True))
        return set(self.session.exec(q).all())

    def unannounced(self, *, limit: int = 500) -> list[Alert]:
        """Open alerts whose events have not gone out yet, oldest first."""
        q = (select(Alert).where(Alert.status == AlertStatus.OPEN, Alert.announced_at.is_(None))
             .order_by(Alert.id).limit(limit))
        return list(self.session.exec(q).all())

    def mark_announced(self, announced: Iterable[tuple[int, datetime]], *, at: datetime) -> int:
        """Record that these (id, raised at) alerts were announced; a reopened one (new raised at) is not."""
        done = 0
        for alert_id, raised_at in announced:
            done += self.session.execute(
                sa.update(Alert).where(Alert.id == alert_id, Alert.created_at == raised_at,
                                       Alert.announced_at.is_(None))
                .values(announced_at=at).execution_options(synchronize_session=False)).rowcount
        return done

    def resolve(self, dedupe_key: str, *, at: datetime) -> bool:
        row = self.session.exec(select(Alert).where(Alert.dedupe_key == dedupe_key,
                                                    Alert.status == AlertStatus.OPEN)).first()
        if row is None:
            return False
        row.status, row.resolved_at = AlertStatus.RESOLVED.value, at
        return True

    def resolve_all(self, dedupe_keys: Iterable[str], *, at: datetime) -> int:
        """Resolve whichever of these alerts are open, in one statement; returns how many were."""
        keys = list(dedupe_keys)
        if not keys:
            return 0
        done = self.session.execute(sa.update(Alert).where(Alert.dedupe_key.in_(keys), Alert.status == AlertStatus.OPEN)
                                    .values(status=AlertStatus.RESOLVED.value, resolved_at=at)
                                    .execution_options(synchronize_session=False))
        return done.rowcount

    def list(self, *, account_code: str | None = None, status: str | None = AlertStatus.OPEN,
             severity: str | None = None, kind: str | None = None, since: datetime | None = None) -> list[Alert]:
        q = select(Alert)
        if account_code:
            q = q.where(Alert.account_code == account_code)
        if status:
            q = q.where(Alert.status == status)
        if severity:
            q = q.where(Alert.severity == severity)
        if kind:
            q = q.where(Alert.kind == kind)
        if since is not None:
            q = q.where(Alert.created_at >= since)
        return list(self.session.exec(q.order_by(Alert.id)).all())

    def severities(self) -> set[str]:
        return set(self.session.exec(select(Alert.severity).distinct()).all())


class AuditRepository(_Repository):
    def append(self, *, action: str, entity: str, entity_id: str, detail: dict | None = None,
               actor: str = "acorn", at: datetime | None = None) -> AuditEvent:
        return self.add(self._event(action=action, entity=entity, entity_id=entity_id, detail=detail, actor=actor,
                                    at=at))

    def append_all(self, entries: Sequence[dict[str, Any]], *, actor: str = "acorn",
                   at: datetime | None = None) -> None:
        """:meth:`append` for each of ``entries`` (its keyword arguments; ``actor`` and ``at`` unless they say
        otherwise), in order, in one INSERT."""
        when = at or utcnow()
        self.insert_all([self._event(**{"actor": actor, "at": when, **entry}) for entry in entries])

    @staticmethod
    def _event(*, action: str, entity: str, entity_id: str, detail: dict | None = None, actor: str = "acorn",
               at: datetime | None = None) -> AuditEvent:
        return AuditEvent(action=action, entity=entity, entity_id=entity_id, detail=detail or {}, actor=actor,
                          at=at or utcnow())

    def list(self, *, entity: str | None = None, entity_id: str | None = None) -> list[AuditEvent]:
        q = select(AuditEvent)
        if entity:
            q = q.where(AuditEvent.entity == entity)
        if entity_id:
            q = q.where(AuditEvent.entity_id == entity_id)
        return list(self.session.exec(q.order_by(AuditEvent.id)).all())


class WatermarkRepository(_Repository):
    def get(self, name: str) -> datetime | None:
        row = self.session.get(Watermark, name)
        return row.value if row else None

    def set(self, name: str, value: datetime) -> None:
        row = self.session.get(Watermark, name)
        if row is None:
            self.add(Watermark(name=name, value=value))
        else:
            row.value, row.updated_at = value, utcnow()


class VendorReportRepository(_Repository):
    """Vendor reports: the requests waiting on Amazon, the documents kept, the ones set aside."""

    def request_for(self, account_code: str, report_type: str, start: date, end: date) -> ReportRequest | None:
        return self.session.exec(select(ReportRequest).where(
            ReportRequest.account_code == account_code, ReportRequest.report_type == report_type,
            ReportRequest.period_start == start, ReportRequest.period_end == end)).first()

    def by_report_id(self, report_id: str) -> ReportRequest | None:
        return self.session.exec(select(ReportRequest).where(ReportRequest.report_id == report_id)).first()

    def has_document(self, sha256: str) -> bool:
        return self.session.exec(select(VendorReportDocument.id).where(
            VendorReportDocument.sha256 == sha256)).first() is not None

    def has_quarantined(self, sha256: str) -> bool:
        return self.session.exec(select(QuarantinedReport.id).where(
            QuarantinedReport.sha256 == sha256)).first() is not None

    def documents(self, account_code: str, report_type: str | None = None) -> builtins.list[VendorReportDocument]:
        query = select(VendorReportDocument).where(VendorReportDocument.account_code == account_code)
        if report_type is not None:
            query = query.where(VendorReportDocument.report_type == report_type)
        return builtins.list(self.session.exec(query.order_by(VendorReportDocument.id)).all())

    def documents_since(self, account_code: str, report_type: str, since: date
                        ) -> builtins.list[VendorReportDocument]:
        """The account's documents of ``report_type`` whose period ends on or after ``since``, oldest first."""
        return builtins.list(self.session.exec(select(VendorReportDocument).where(
            VendorReportDocument.account_code == account_code, VendorReportDocument.report_type == report_type,
            VendorReportDocument.period_end >= since).order_by(VendorReportDocument.id)).all())

    def newest_document(self, account_code: str, report_type: str) -> VendorReportDocument | None:
        """The document of ``report_type`` stored last for the account (a forecast replaces the one before)."""
        return self.session.exec(select(VendorReportDocument).where(
            VendorReportDocument.account_code == account_code, VendorReportDocument.report_type == report_type)
            .order_by(VendorReportDocument.received_at.desc(), VendorReportDocument.id.desc())).first()

    def quarantined(self, account_code: str) -> builtins.list[QuarantinedReport]:
        return builtins.list(self.session.exec(select(QuarantinedReport).where(
            QuarantinedReport.account_code == account_code).order_by(QuarantinedReport.id)).all())
