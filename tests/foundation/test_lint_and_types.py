"""Lint and types run with the suite: ruff over the repository, mypy --strict over the domain, the
service layer and the Prefect tasks (the ``files`` of ``[tool.mypy]`` in pyproject.toml).

Both tools come with the ``test`` extra and run from the interpreter's own bin folder, so the
versions pinned in pyproject.toml are the ones that judge; a missing tool fails, never skips.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
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


def test_the_domain_services_and_tasks_type_check_under_mypy_strict() -> None:
    # no paths: pyproject.toml's [tool.mypy] names them, so this, pre-commit and a bare `mypy` agree.
    # The cache (.mypy_cache, git-ignored) makes a rerun take about a second instead of about a minute.
    assert {"acorn/domain", "acorn/services", "tasks"} <= set(_mypy_files()), "the strict targets shrank"
    result = _run("mypy", "--strict")
    assert result.returncode == 0, f"mypy --strict found problems:\n{result.stdout}{result.stderr}"


def _mypy_files() -> list[str]:
    with (REPO / "pyproject.toml").open("rb") as f:
        files: list[str] = tomllib.load(f)["tool"]["mypy"]["files"]
    return files
