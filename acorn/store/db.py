"""Engines and schema migrations.

``ACORN_DATABASE_URL`` picks the database; the default is a SQLite file under ``.acorn/``.
The schema is owned by Alembic (``acorn/store/migrations``): ``upgrade()`` is the only way
tables are created, in tests as in production, so a missing migration fails loudly.
"""

from __future__ import annotations

import atexit
import fcntl
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **options: Any) -> Engine:
    """An engine tuned per dialect (SQLite: WAL, foreign keys, a generous busy timeout)."""
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **options)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite store: on a fresh clone `.acorn/` does not exist yet, and SQLite
    only creates the file (``unable to open database file`` otherwise). No-op for other databases."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    folder = Path(parsed.database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # the CLI turns this into one paragraph naming the folder (acorn/cli_errors.py)
        raise type(exc)(exc.errno, f"{exc.strerror}: cannot create the folder of the SQLite store "
                                   "(set ACORN_HOME or ACORN_DATABASE_URL to a writable place)", str(folder)) from exc


@cache
def engine_for(url: str) -> Engine:
    """One engine per URL per process: engines own connection pools."""
    return make_engine(url)


@cache
def migrated_template() -> str:
    """A SQLite file migrated to head once per process, which in-memory stores copy (``uow.in_memory_units``)."""
    folder = tempfile.mkdtemp(prefix="acorn-store-template-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = str(Path(folder) / "template.db")
    upgrade(f"sqlite:///{path}")
    return path


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (idempotent), creating a SQLite store's folder.

    Under :func:`migration_lock`: workers started together after an upgrade of Acorn would
    otherwise each apply the new revision, and all but one fail on what the first created
    (seen with two ``acorn run`` on PostgreSQL: ``index ... already exists``).
    """
    ensure_sqlite_folder(url)
    with migration_lock(url):
        command.upgrade(alembic_config(url), revision)


#: the PostgreSQL advisory lock key every Acorn process takes to migrate a store ("Acor")
MIGRATION_LOCK_KEY = 0x41636F72


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """One migration of a store at a time, across processes; the next one then finds it done.

    PostgreSQL: a session advisory lock, freed if the process dies. SQLite: an exclusive
    ``flock`` on the database file itself, which SQLite's own (POSIX record) locks ignore.
    """
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        with open(parsed.database, "ab") as handle:  # creates an empty file: SQLite takes it as a new store
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield  # closing the file releases the lock
    elif backend == "postgresql":
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        finally:
            engine.dispose()
    else:
        yield


def current_revision(url: str) -> str | None:
    with engine_for(url).connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
