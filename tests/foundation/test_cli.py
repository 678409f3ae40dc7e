"""The command line refuses bad arguments clearly and names what is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ACORN = str(Path(sys.executable).with_name("acorn"))


def _acorn(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "ACORN_DATABASE_URL": f"sqlite:///{tmp_path / 'acorn.db'}",
           "ACORN_HOME": str(tmp_path / ".acorn"), "COLUMNS": "200"}
    return subprocess.run([ACORN, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["run", "--as-of", "yesterday"], "--as-of", id="as-of-not-a-time"),
    pytest.param(["run", "--as-of", "2026-03-02T20:10:00"], "no time zone", id="as-of-without-zone"),
    pytest.param(["run", "--account", "NOPE"], "NOPE", id="unknown-account"),
    pytest.param(["change-transport", "S1", "--account", "ACRNUS", "--carrier", "FXFE", "--mode", "Boat",
                  "--pro", "1"], "Boat", id="unknown-transport-mode"),
    pytest.param(["demo", "--days", "0"], "--days", id="demo-zero-days"),
])
def test_a_wrong_argument_is_refused_naming_it(tmp_path: Path, args: list[str], expected: str) -> None:
    out = _acorn(tmp_path, *args)
    assert out.returncode == 2
    assert expected in out.stdout + out.stderr


def test_ops_commands_answer_on_an_empty_store(tmp_path: Path) -> None:
    assert _acorn(tmp_path, "db", "upgrade").returncode == 0
    alerts = _acorn(tmp_path, "alerts")
    assert alerts.returncode == 0 and "next step" in alerts.stdout
    release = _acorn(tmp_path, "release", "asn:NOPE:r0", "--by", "ops")
    assert release.returncode == 2 and "asn:NOPE:r0" in release.stdout
    resolve = _acorn(tmp_path, "resolve-alert", "42", "--by", "ops")
    assert resolve.returncode == 2 and "42" in resolve.stdout
