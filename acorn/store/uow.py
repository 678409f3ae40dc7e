"""Unit of work: the only place a database session is opened.

Everything that reads or writes the store does it inside ``with UnitOfWork(url) as uow:``
and calls ``uow.commit()`` when the business step is complete; leaving the block without
committing rolls back, so a crash half-way never leaves half a shipment behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from types import TracebackType

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from acorn.store import repositories as r
from acorn.store.db import engine_for, make_engine, migrated_template
from schemas.tables import StageLock, utcnow


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
        self.remittances = r.RemittanceRepository(s)
        self.claims = r.ClaimRepository(s)
        self.alerts = r.AlertRepository(s)
        self.audit = r.AuditRepository(s)
        self.watermarks = r.WatermarkRepository(s)
        self.vendor_reports = r.VendorReportRepository(s)
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

    def stage_lock(self, name: str, holder: str = "") -> None:
        """Serialise a stage across workers: call first; held until commit or the end of the block.

        Two runs of the same stage (a rerun beside the scheduled run, the daily run beside the
        ASN safety net) then queue behind each other, and the second finds the work done.
        """
        assert self._session is not None
        insert = sqlite_insert if self._engine.dialect.name == "sqlite" else postgresql_insert
        stmt = insert(StageLock).values(name=name, holder=holder[:120], locked_at=utcnow())
        self._session.execute(stmt.on_conflict_do_update(index_elements=["name"],
                                                         set_={"holder": stmt.excluded.holder,
                                                               "locked_at": stmt.excluded.locked_at}))

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

    @contextmanager
    def batched_writes(self) -> Iterator[None]:
        """Inside the block, reads do not first send the writes made so far: they go out together.

        A stage that adds a row per record and reads per record (an outbox key, an alert) would
        otherwise send its inserts one record at a time; batched, the database sees one insert
        per table at the next flush or ``commit()``. Only for reads that do not need those
        pending rows (each record's own key, not a row written earlier in the block).
        """
        assert self._session is not None, "batched_writes() outside a `with UnitOfWork(...)` block"
        with self._session.no_autoflush:
            yield

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Run the block inside a SAVEPOINT of this unit of work.

        An exception leaving the block undoes only what the block wrote and propagates; the
        unit of work stays usable, so one bad record can be set aside while the rest of the
        batch commits. Leaving normally keeps the block's writes for ``commit()``.
        """
        assert self._session is not None, "savepoint() outside a `with UnitOfWork(...)` block"
        self._open_for_writing()
        with self._session.begin_nested():
            yield

    def _open_for_writing(self) -> None:
        """Make sure the database transaction has really begun before a SAVEPOINT.

        pysqlite (Python's sqlite3) only sends BEGIN in front of its first INSERT/UPDATE/
        DELETE. A SAVEPOINT sent before that opens the transaction itself, and releasing it
        would then commit on the spot, outside ``commit()``/rollback. BEGIN IMMEDIATE also
        takes SQLite's write lock up front (waiting the busy timeout for another writer), so
        a concurrent writer cannot make this transaction's first write fail with "database
        is locked" after it has read. Other databases open their transaction themselves.
        """
        assert self._session is not None
        connection = self._session.connection()
        if connection.dialect.name != "sqlite":
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection is not None and not dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def units(database: str | Engine) -> Callable[[], UnitOfWork]:
    """The unit-of-work factory services receive (``acorn.services.ports.Units``) for a database."""
    engine = engine_for(database) if isinstance(database, str) else database
    return lambda: UnitOfWork(engine)


def in_memory_units() -> Callable[[], UnitOfWork]:
    """A fresh store in memory, for the fast tests: the real repositories on SQLite's memory database.

    Why not dictionaries: the repositories speak set-based SQL (one statement per batch); a
    second implementation in Python would be what such tests proved, not the store. The schema
    is the migrations' own: each store is a copy of one migrated template (a few milliseconds).
    """
    template = migrated_template()

    def connect() -> sqlite3.Connection:
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        with closing(sqlite3.connect(template)) as source:
            source.backup(memory)
        return memory

    return units(make_engine("sqlite://", creator=connect, poolclass=StaticPool))
