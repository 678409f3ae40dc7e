"""Expected failures of any `acorn` command end in one paragraph naming what, where and what to do.

The real console script in a subprocess, on real files and real (closed) ports; `--debug` /
ACORN_DEBUG=1 bring the traceback back.
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ACORN = str(Path(sys.executable).with_name("acorn"))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def _acorn(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(cwd), "COLUMNS": "2000"}
    return subprocess.run([ACORN, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env={**base, **env})


def _broken_toml(tmp_path: Path) -> str:
    path = tmp_path / "acorn.toml"
    path.write_text("receipt_alert_days = \n", encoding="utf-8")
    return str(path)


CASES = [
    pytest.param(["alerts"], {}, 2, ["has no Acorn tables", "acorn db upgrade", "ACORN_HOME=out"],
                 id="alerts-on-an-unmigrated-store"),
    pytest.param(["outbox"], {}, 2, ["has no Acorn tables", "acorn db upgrade"], id="outbox-on-an-unmigrated-store"),
    pytest.param(["alerts"], {"ACORN_DATABASE_URL": "postgresql+psycopg://ops:pg-s3cret@127.0.0.1:{port}/acorn"}, 3,
                 ["did not answer", "127.0.0.1:{port}", "Connection refused", "ACORN_DATABASE_URL"],
                 id="postgres-refused"),
    pytest.param(["db", "upgrade"], {"ACORN_DATABASE_URL": "sqlite:////proc/acorn-store/acorn.db"}, 2,
                 ["/proc/acorn-store", "SQLite store", "ACORN_HOME"], id="sqlite-folder-not-writable"),
    pytest.param(["alerts"], {"ACORN_CONFIG_FILE": "{toml}"}, 2, ["{toml}", "not valid TOML", "ACORN_CONFIG_FILE"],
                 id="broken-toml-file"),
    pytest.param(["outbox"], {"ACORN_RECEIPT_ALERT_DAYS": "0"}, 2,
                 ["receipt_alert_days", "ACORN_RECEIPT_ALERT_DAYS", "acorn config check"], id="invalid-setting"),
    pytest.param(["run"], {"ACORN_SPAPI_BASE_URL": "http://127.0.0.1:{port}"}, 3,
                 ["Cannot reach the SP-API host http://127.0.0.1:{port}", "acorn sandbox serve"],
                 id="spapi-host-unreachable"),
]


@pytest.mark.parametrize(("args", "env", "exit_code", "expected"), CASES)
def test_an_expected_failure_is_one_paragraph_without_a_traceback(
        tmp_path: Path, args: list[str], env: dict[str, str], exit_code: int, expected: list[str]) -> None:
    values = {"port": str(_closed_port()), "toml": _broken_toml(tmp_path)}
    env = {k: v.format(**values) for k, v in env.items()}
    out = _acorn(tmp_path, *args, **env)
    text = out.stdout + out.stderr
    assert out.returncode == exit_code, text
    for fragment in expected:
        assert fragment.format(**values) in text
    assert "Traceback" not in text and "pg-s3cret" not in text
    assert len(out.stderr.strip().splitlines()) <= 3, out.stderr  # a paragraph, not a report


@pytest.mark.parametrize("debug", [pytest.param({"args": ["--debug"]}, id="--debug"),
                                   pytest.param({"env": {"ACORN_DEBUG": "1"}}, id="ACORN_DEBUG=1")])
def test_debug_shows_the_traceback(tmp_path: Path, debug: dict) -> None:
    out = _acorn(tmp_path, *debug.get("args", []), "outbox", **debug.get("env", {}))
    assert out.returncode != 0
    assert "Traceback" in out.stderr and "no such table" in out.stderr


def test_db_upgrade_on_a_fresh_clone_creates_the_store_folder(tmp_path: Path) -> None:
    out = _acorn(tmp_path, "db", "upgrade")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "revision" in out.stdout and (tmp_path / ".acorn" / "acorn.db").is_file()


def test_the_line_the_demo_prints_points_the_cli_at_the_demo_store(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from acorn.config import load_settings
    from acorn.demo import DemoOptions, cli_home_line, demo_settings
    from acorn.store import upgrade

    monkeypatch.chdir(tmp_path)
    options = DemoOptions(out=Path("out"))
    demo = demo_settings(options, "http://127.0.0.1:1")
    line = cli_home_line(options.out)
    name, value = shlex.split(line.removeprefix("export "))[0].split("=", 1)
    monkeypatch.setenv(name, value)
    cli = load_settings()
    assert (cli.resolved_database_url, cli.resolved_documents_dir.resolve(), cli.resolved_remittance_inbox.resolve()) \
        == (demo.resolved_database_url, demo.resolved_documents_dir.resolve(), demo.resolved_remittance_inbox.resolve())

    upgrade(demo.resolved_database_url)  # what the demo leaves behind
    for command in ("alerts", "outbox"):
        out = _acorn(tmp_path, command, **{name: value})
        assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.postgres
def test_an_unmigrated_postgres_store_says_to_upgrade(tmp_path: Path, postgres_url: str) -> None:
    out = _acorn(tmp_path, "outbox", ACORN_DATABASE_URL=postgres_url)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "has no Acorn tables" in out.stderr and "acorn db upgrade" in out.stderr
    assert "Traceback" not in out.stdout + out.stderr
