"""Engines and schema migrations.

``ACORN_DATABASE_URL`` picks the database; the default is a SQLite file under ``.acorn/``.
The schema is owned by Alembic (``acorn/store/migrations``): ``upgrade()`` is the only way
tables are created, in tests as in production, so a missing migration fails loudly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine tuned per dialect (SQLite: WAL, foreign keys, a generous busy timeout)."""
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
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


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (idempotent), creating a SQLite store's folder."""
    ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    with engine_for(url).connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
