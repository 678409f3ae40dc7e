"""A throwaway PostgreSQL cluster (``initdb`` + ``pg_ctl``), for tests and benchmarks.

One place for what ``tests/conftest.py``'s ``postgres_server`` fixture and
``acorn bench chaos`` both need::

    from acorn.testing.postgres import create_database, throwaway_cluster, unavailable_reason

    if (why := unavailable_reason()) is None:
        with throwaway_cluster() as server:          # postgresql+psycopg://acorn@127.0.0.1:PORT
            url = create_database(server, "acorn_x")  # .../acorn_x

The cluster lives in a new temporary directory, listens on 127.0.0.1 at a free port with
trust authentication for the ``acorn`` role, runs with ``fsync=off`` (nothing in it is worth
keeping) and is stopped (``-m immediate``) and deleted when the block ends. ``initdb``
refuses to run as root, so as root every server command goes through the ``postgres``
OS user (``.ci/run`` creates it). Binaries must be on ``PATH`` (15.x at ``/usr/local/bin``
on these machines).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BINARIES = ("initdb", "pg_ctl", "postgres")


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries (or, as root, the ``postgres`` user) are missing."""


def unavailable_reason() -> str | None:
    """Why no throwaway cluster can start here, or None when it can."""
    for binary in BINARIES:
        if shutil.which(binary) is None:
            return f"PostgreSQL binary {binary!r} is not on PATH"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb (.ci/run creates it)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_cluster(*, port: int | None = None) -> Iterator[str]:
    """Start a cluster; yield its server URL without a database name; stop and delete it after.

    Raises :class:`PostgresUnavailable` when :func:`unavailable_reason` names a reason, and
    ``subprocess.CalledProcessError`` (with the server's output) when ``initdb`` or
    ``pg_ctl start`` fails.
    """
    why = unavailable_reason()
    if why:
        raise PostgresUnavailable(why)
    root = Path(tempfile.mkdtemp(prefix="acorn-pg-"))
    port = port or free_port()
    as_root = os.geteuid() == 0
    as_pg = ["runuser", "-u", "postgres", "--"] if as_root else []
    data = root / "data"
    try:
        if as_root:
            shutil.chown(root, "postgres", "postgres")
        subprocess.run([*as_pg, "initdb", "-D", str(data), "-U", "acorn", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True)
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run([*as_pg, "pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-o", opts,
                        "-w", "start"], check=True, capture_output=True)
        yield f"postgresql+psycopg://acorn@127.0.0.1:{port}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_pg, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def create_database(server_url: str, name: str | None = None) -> str:
    """Create an empty database on ``server_url``; return its SQLAlchemy URL."""
    import psycopg

    name = name or f"acorn_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url.replace("postgresql+psycopg", "postgresql") + "/postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"
