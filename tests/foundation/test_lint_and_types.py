"""Lint and types run with the suite: ruff over the repository, mypy --strict over the domain.

Both tools come with the ``test`` extra and run from the interpreter's own bin folder, so the
versions pinned in pyproject.toml are the ones that judge; a missing tool fails, never skips.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # not resolved: a venv's python is a link out of its bin folder


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = BIN / tool
    assert executable.exists(), (f"{tool} is not installed next to {sys.executable}; "
                                 "install the test extra: pip install -e '.[test]'")
    return subprocess.run([str(executable), *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing_in_the_repository() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, f"ruff check . found problems:\n{result.stdout}{result.stderr}"


def test_the_domain_type_checks_under_mypy_strict() -> None:
    result = _run("mypy", "--strict", "acorn/domain")
    assert result.returncode == 0, f"mypy --strict acorn/domain found problems:\n{result.stdout}{result.stderr}"
