"""The fast tier's service tests: an in-memory store and the fake Amazon, nothing slower.

A test here fails, rather than quietly slowing ``make test-fast``, when it imports Prefect, Great
Expectations or the sandbox's HTTP server (FastAPI, uvicorn), opens a socket (a server, a database, the
network), or costs more than ``SLOWEST_S`` of CPU. What it may use: ``in_memory_units()``,
``FakeAmazon``, files under ``tmp_path``.
"""

from __future__ import annotations

import gc
import importlib.abc
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .world import World, gates_pass

#: CPU seconds a test may take; they take tenths (``make test-fast`` prints the slowest)
SLOWEST_S = 2.0
FORBIDDEN_MODULES = ("prefect", "uvicorn", "fastapi", "great_expectations")


class _RefuseSlowImports(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> Any:
        top = fullname.split(".")[0]
        if top in FORBIDDEN_MODULES and top not in sys.modules:  # loaded by a slower test of this run: theirs
            raise ImportError(f"{fullname} is not for the fast tier (tests/services): put this test in "
                              "tests/lifecycle, or use in_memory_units() and FakeAmazon")
        return None


def _no_socket_in(test_thread: int, original: Callable[..., Any]) -> Callable[..., Any]:
    """``original`` for every thread but the test's (a slower test's server may still be winding down)."""
    def refuse(sock: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() == test_thread:
            raise OSError("the fast tier (tests/services) opens no socket: use in_memory_units() and FakeAmazon")
        return original(sock, *args, **kwargs)
    return refuse


@pytest.fixture(autouse=True)
def _fast_tier_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse loading Prefect, Great Expectations and the HTTP sandbox, and opening sockets."""
    finder = _RefuseSlowImports()
    sys.meta_path.insert(0, finder)
    for name in ("connect", "connect_ex", "bind"):
        monkeypatch.setattr(socket.socket, name, _no_socket_in(threading.get_ident(), getattr(socket.socket, name)))
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test whose run costs more than ``SLOWEST_S`` of CPU (CPU, not wall: other work on the machine
    must not make the tier flaky, and a test that sleeps or waits on a server is refused above anyway).

    The test's own thread's CPU: in the full suite, threads an earlier test left winding down in this
    process (a Prefect server, the sandbox) are not the test's cost (counted, they failed one at 2.4 s).
    """
    gc.collect()  # earlier tests' garbage (a lifecycle test's, in the full suite) is not this test's cost:
    started = time.thread_time()  # collected here, it once charged a 0.4 s test 2.35 s
    result = yield
    took = time.thread_time() - started
    if took > SLOWEST_S:
        pytest.fail(f"{item.nodeid} took {took:.2f} s of CPU; the fast tier allows {SLOWEST_S:g} s a test "
                    "(move it to a slower directory, or make it fast)", pytrace=False)
    return result


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """Parametrize indirectly with a dict to change Amazon (e.g. ``{"shortage_rate": 0.6}``)."""
    from acorn.config import load_settings
    from acorn.demo import DEMO_DATA
    from acorn.erp import CsvErp
    from acorn.sandbox.config import SandboxConfig
    from acorn.services.erp import load_erp
    from acorn.store.uow import in_memory_units
    from acorn.testing.fake_amazon import FakeAmazon

    monkeypatch.setattr("acorn.gates.run._gate_documents", gates_pass)
    # a small vendor: two POs a day and one day of history keep a test's run at tenths of a second
    amazon_options = {"seed": 0, "shortage_rate": 0.0, "damage_rate": 0.0, "processing_polls": 0, "pos_per_day": 2,
                      "history_days": 1, **getattr(request, "param", {})}
    settings = load_settings(home=tmp_path / ".acorn", transaction_stuck_minutes=60, receipt_alert_days=2)
    world = World(in_memory_units(), FakeAmazon(SandboxConfig(**amazon_options)), settings)
    load_erp(world.units, CsvErp(DEMO_DATA / "skus.csv", DEMO_DATA / "inventory.csv"), as_of=world.amazon.now())
    return world
