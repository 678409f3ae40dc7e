"""The fast tier's service tests: an in-memory store and the fake Amazon, nothing slower.

A test here fails, rather than quietly slowing ``make test-fast``, when it imports Prefect or
the sandbox's HTTP server (FastAPI, uvicorn), opens a socket (a server, a database, the
network), or runs longer than ``SLOWEST_S``. What it may use: ``in_memory_units()``,
``FakeAmazon``, files under ``tmp_path``.
"""

from __future__ import annotations

import importlib.abc
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

import pytest

#: a fast test takes milliseconds; this bound is loose so a busy machine does not make it flaky
SLOWEST_S = 2.0
FORBIDDEN_MODULES = ("prefect", "uvicorn", "fastapi")


class _RefuseSlowImports(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        if fullname.split(".")[0] in FORBIDDEN_MODULES:
            raise ImportError(f"{fullname} is not for the fast tier (tests/services): put this test in "
                              "tests/lifecycle, or use in_memory_units() and FakeAmazon")
        return None


def _no_socket(*_args: Any, **_kwargs: Any) -> None:
    raise OSError("the fast tier (tests/services) opens no socket: use in_memory_units() and FakeAmazon")


@pytest.fixture(autouse=True)
def _fast_tier_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse Prefect and the HTTP sandbox (when not already loaded by a slower test of the same run) and sockets."""
    finder = _RefuseSlowImports()
    sys.meta_path.insert(0, finder)
    for name in ("connect", "connect_ex", "bind"):
        monkeypatch.setattr(socket.socket, name, _no_socket)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    started = time.perf_counter()
    result = yield
    took = time.perf_counter() - started
    if took > SLOWEST_S:
        pytest.fail(f"{item.nodeid} took {took:.2f} s; the fast tier allows {SLOWEST_S:g} s a test "
                    "(move it to a slower directory, or make it fast)", pytrace=False)
    return result
