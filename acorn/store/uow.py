"""Unit of work: the only place a database session is opened.

Everything that reads or writes the store does it inside ``with UnitOfWork(url) as uow:``
and calls ``uow.commit()`` when the business step is complete; leaving the block without
committing rolls back, so a crash half-way never leaves half a shipment behind.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Engine
from sqlmodel import Session

from acorn.store import repositories as r
from acorn.store.db import engine_for


class UnitOfWork:
    def __init__(self, database: str | Engine) -> None:
        self._engine = engine_for(database) if isinstance(database, str) else database
        self._session: Session | None = None
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        s = self._session = Session(self._engine, expire_on_commit=False)
        self.accounts = r.AccountRepository(s)
        self.skus = r.SkuRepository(s)
        self.inventory = r.InventoryRepository(s)
        self.purchase_orders = r.PurchaseOrderRepository(s)
        self.acknowledgements = r.AcknowledgementRepository(s)
        self.shipments = r.ShipmentRepository(s)
        self.serials = r.SsccSerialRepository(s)
        self.outbox = r.OutboxRepository(s)
        self.invoices = r.InvoiceRepository(s)
        self.receipts = r.ReceiptRepository(s)
        self.reconciliations = r.ReconciliationRepository(s)
        self.alerts = r.AlertRepository(s)
        self.audit = r.AuditRepository(s)
        self.watermarks = r.WatermarkRepository(s)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._session is not None
        try:
            if exc_type is not None:
                self._session.rollback()
        finally:
            # close() ends the transaction without committing but keeps loaded rows readable
            # after the block (detached), which read-only units of work rely on
            self._session.close()
            self._session = None

    def commit(self) -> None:
        assert self._session is not None, "commit() outside a `with UnitOfWork(...)` block"
        self._session.commit()
        self.committed = True

    def rollback(self) -> None:
        assert self._session is not None
        self._session.rollback()

    def flush(self) -> None:
        assert self._session is not None
        self._session.flush()
