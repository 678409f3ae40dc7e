"""Shared fixtures: real SQLite files, a throwaway PostgreSQL cluster, isolated homes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_acorn_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own configuration or writes into the checkout."""
    for key in list(os.environ):
        if key.startswith("ACORN_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ACORN_HOME", str(tmp_path / ".acorn"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_unavailable() -> str | None:
    for binary in ("initdb", "pg_ctl", "postgres"):
        if shutil.which(binary) is None:
            return f"PostgreSQL binary {binary!r} is not on PATH"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb (.ci/run creates it)"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL cluster; yields a server URL without a database name."""
    why = _postgres_unavailable()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests, but {why}")
        pytest.skip(why)
    root = Path(tempfile.mkdtemp(prefix="acorn-pg-"))
    port = _free_port()
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run([*as_pg, "initdb", "-D", str(root / "data"), "-U", "acorn", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run([*as_pg, "pg_ctl", "-D", str(root / "data"), "-l", str(root / "server.log"), "-o", opts,
                    "-w", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://acorn@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_pg, "pg_ctl", "-D", str(root / "data"), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the throwaway cluster, one per test."""
    import psycopg

    name = f"acorn_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.replace("postgresql+psycopg", "postgresql") + "/postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{postgres_server}/{name}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'acorn.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run a store test once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def migrated_url(database_url: str) -> str:
    from acorn.store import upgrade

    upgrade(database_url)
    return database_url
