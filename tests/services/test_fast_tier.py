"""The fast tier keeps slow things out: what ``conftest.py`` refuses, shown once."""

from __future__ import annotations

import importlib
import socket
import sys

import pytest

from .conftest import FORBIDDEN_MODULES


@pytest.mark.parametrize("module", FORBIDDEN_MODULES)
def test_a_slow_dependency_cannot_be_imported_here(module: str) -> None:
    if module in sys.modules:   # the full suite: an earlier, slower test loaded it, and the tier lets that be
        pytest.skip(f"{module} was loaded by an earlier test of this run")
    with pytest.raises(ImportError, match="not for the fast tier"):
        importlib.import_module(module)


def test_no_socket_can_be_opened_here() -> None:
    with pytest.raises(OSError, match="opens no socket"):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
