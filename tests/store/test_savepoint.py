"""UnitOfWork.savepoint(): a failing block costs only itself; nothing commits before commit()."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from acorn.store import UnitOfWork, upgrade
from schemas.tables import Alert

NOW = datetime(2026, 3, 2, 20, 10, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    upgrade(url)
    return url


def _alert(key: str) -> Alert:
    return Alert(dedupe_key=key, account_code="ACRNUS", kind="test", subject=key, message=key)


def test_a_failing_savepoint_is_undone_alone_and_the_rest_commits(db: str) -> None:
    with UnitOfWork(db) as uow:
        with uow.savepoint():
            uow.alerts.add(_alert("kept-before"))
        with pytest.raises(IntegrityError), uow.savepoint():
            uow.alerts.add(_alert("undone"))
            uow.flush()
            uow.alerts.add(_alert("undone"))  # the unique dedupe key refuses the second
            uow.flush()
        with uow.savepoint():
            uow.alerts.add(_alert("kept-after"))
        uow.commit()
    with UnitOfWork(db) as uow:
        assert [a.dedupe_key for a in uow.alerts.list()] == ["kept-before", "kept-after"]


def test_a_released_savepoint_is_not_committed_until_the_unit_of_work_commits(db: str) -> None:
    """On SQLite a SAVEPOINT opened before any write would itself start (and, released, commit)
    the transaction; the unit of work begins it first so leaving without commit() still undoes all."""
    with UnitOfWork(db) as uow:
        with uow.savepoint():
            uow.watermarks.set("po-intake:ACRNUS", NOW)
    with UnitOfWork(db) as uow:
        assert uow.watermarks.get("po-intake:ACRNUS") is None
