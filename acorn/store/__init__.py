"""Acorn's store: SQLModel tables (``schemas.tables``), Alembic migrations, unit of work."""

from acorn.store.db import current_revision, engine_for, upgrade
from acorn.store.uow import UnitOfWork

__all__ = ["UnitOfWork", "current_revision", "engine_for", "upgrade"]
