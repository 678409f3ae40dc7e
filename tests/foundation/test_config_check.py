"""`acorn init`, `acorn config check` item by item, and `acorn run` when the SP-API host is not there:
the real console script in a subprocess, real SQLite files, PostgreSQL ports and a Prefect server."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from acorn.store import upgrade

ACORN = str(Path(sys.executable).with_name("acorn"))
REPO = Path(__file__).resolve().parents[2]
REAL = {"ACORN_LWA_CLIENT_ID": "amzn1.application-oa2-client.test",
        "ACORN_LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1.s3cret-client-value",
        "ACORN_LWA_REFRESH_TOKEN": "Atzr|s3cret-refresh-value"}


def _acorn(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "ACORN_HOME": str(tmp_path / ".acorn"), "COLUMNS": "400",
            "PYTHONPATH": str(REPO), "PREFECT_HOME": str(tmp_path / "prefect")}
    return subprocess.run([ACORN, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**base, **env})


def _migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    return url


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lines(out: subprocess.CompletedProcess, status: str) -> list[str]:
    return [line for line in out.stdout.splitlines() if line.startswith(status)]


# ----------------------------------------------------------------------------- acorn init

def test_init_writes_the_example_and_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "etc" / "acorn.toml"
    first = _acorn(tmp_path, "init", "--path", str(target))
    assert first.returncode == 0, first.stdout + first.stderr
    assert target.read_text() == (REPO / "deployments" / "acorn.example.toml").read_text()
    assert f"ACORN_CONFIG_FILE={target}" in first.stdout
    target.write_text("# edited by ops\n")
    again = _acorn(tmp_path, "init", "--path", str(target))
    assert again.returncode == 2 and str(target) in again.stdout and "--force" in again.stdout
    assert target.read_text() == "# edited by ops\n"
    forced = _acorn(tmp_path, "init", "--path", str(target), "--force")
    assert forced.returncode == 0 and target.read_text().startswith("# Acorn configuration")


def test_init_writes_acorn_toml_in_the_current_folder_by_default(tmp_path: Path) -> None:
    assert _acorn(tmp_path, "init").returncode == 0
    assert (tmp_path / "acorn.toml").read_text().startswith("# Acorn configuration")


# ----------------------------------------------------------------------------- acorn config check

def test_a_sound_configuration_checks_ok_item_by_item(tmp_path: Path) -> None:
    out = _acorn(tmp_path, "config", "check", ACORN_DATABASE_URL=_migrated(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert not _lines(out, "PROBLEM") and not _lines(out, "WARNING")
    items = [line.split(":", 1)[0].split(None, 1)[1] for line in _lines(out, "OK")]
    assert items == ["config file", "settings", "account ACRNUS", "account ACRNCA", "database"]
    assert "the built-in sandbox" in out.stdout and "(the sandbox's default)" in out.stdout


def test_a_missing_config_file_is_a_problem_not_an_ok(tmp_path: Path) -> None:
    missing = tmp_path / "acorn.toml"
    out = _acorn(tmp_path, "config", "check", ACORN_CONFIG_FILE=str(missing), ACORN_DATABASE_URL=_migrated(tmp_path))
    assert out.returncode == 2
    problem = _lines(out, "PROBLEM")[0]
    assert problem.startswith("PROBLEM  config file:") and f"{missing}, which does not exist" in problem
    assert f"acorn init --path {missing}" in out.stdout and "Traceback" not in out.stdout + out.stderr


def test_a_broken_config_file_is_named_with_its_line(tmp_path: Path) -> None:
    cfg = tmp_path / "acorn.toml"
    cfg.write_text('spapi_base_url = "sandbox"\nreceipt_alert_days = \n')
    out = _acorn(tmp_path, "config", "check", ACORN_CONFIG_FILE=str(cfg), ACORN_DATABASE_URL=_migrated(tmp_path))
    assert out.returncode == 2 and "Traceback" not in out.stdout + out.stderr
    assert "not valid TOML" in _lines(out, "PROBLEM")[0] and "line 2" in _lines(out, "PROBLEM")[0]


def test_a_database_that_does_not_answer_is_a_problem_and_its_password_is_masked(tmp_path: Path) -> None:
    url = f"postgres://acorn:pg-s3cret-pw@127.0.0.1:{_closed_port()}/acorn"
    out = _acorn(tmp_path, "config", "check", ACORN_DATABASE_URL=url)
    assert out.returncode == 1
    problem = _lines(out, "PROBLEM")[0]
    assert problem.startswith("PROBLEM  database:") and "does not answer" in problem
    assert "postgresql+psycopg://acorn:***@127.0.0.1" in problem
    assert "pg-s3cret-pw" not in out.stdout + out.stderr


@pytest.mark.parametrize(("make", "expected"), [
    pytest.param(lambda p: None, "no database file", id="no-file"),
    pytest.param(lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(),
                 "has no Acorn schema", id="not-migrated"),
])
def test_a_database_without_acorn_s_schema_is_a_problem(tmp_path: Path, make, expected: str) -> None:
    path = tmp_path / "store.db"
    make(path)
    out = _acorn(tmp_path, "config", "check", ACORN_DATABASE_URL=f"sqlite:///{path}")
    assert out.returncode == 1
    assert expected in _lines(out, "PROBLEM")[0] and "acorn db upgrade" in out.stdout


@pytest.mark.postgres
def test_a_migrated_postgres_database_answers(tmp_path: Path, postgres_url: str) -> None:
    upgrade(postgres_url)
    provider_style = postgres_url.replace("postgresql+psycopg://", "postgres://")
    out = _acorn(tmp_path, "config", "check", ACORN_DATABASE_URL=provider_style)
    assert out.returncode == 0, out.stdout
    assert "answers, schema at revision" in _lines(out, "OK")[-1]


@pytest.mark.parametrize(("env", "setting"), [
    pytest.param({"ACORN_SPAPI_BASE_URL": "amazon"}, "lwa_client_id (env ACORN_LWA_CLIENT_ID)", id="sandbox-defaults"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "amazon", **REAL, "ACORN_LWA_CLIENT_SECRET": ""},
                 "lwa_client_secret (env ACORN_LWA_CLIENT_SECRET)) is empty", id="empty-secret"),
])
def test_credentials_missing_for_a_real_host_are_a_problem_naming_the_setting(tmp_path: Path, env: dict[str, str],
                                                                              setting: str) -> None:
    out = _acorn(tmp_path, "config", "check", ACORN_DATABASE_URL=_migrated(tmp_path), **env)
    assert out.returncode == 2
    assert setting in out.stdout and "https://sellingpartnerapi-na.amazon.com" in out.stdout


def test_check_and_show_never_print_a_secret(tmp_path: Path) -> None:
    env = {**REAL, "ACORN_SPAPI_BASE_URL": "amazon",
           "ACORN_DATABASE_URL": f"postgres://acorn:pg-s3cret-pw@127.0.0.1:{_closed_port()}/acorn"}
    check, show = _acorn(tmp_path, "config", "check", **env), _acorn(tmp_path, "config", "show", **env)
    printed = check.stdout + check.stderr + show.stdout + show.stderr
    assert "account ACRNUS" in check.stdout and show.returncode == 0
    for secret in ("s3cret-client-value", "s3cret-refresh-value", "pg-s3cret-pw"):
        assert secret not in printed


def test_secret_blocks_are_not_checked_without_a_prefect_api(tmp_path: Path) -> None:
    out = _acorn(tmp_path, "config", "check", ACORN_DATABASE_URL=_migrated(tmp_path),
                 ACORN_LWA_REFRESH_TOKEN_BLOCK="acorn-refresh")
    assert out.returncode == 0, out.stdout
    assert "'acorn-refresh' not checked: no Prefect API configured" in _lines(out, "WARNING")[0]


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `prefect server start` on a free loopback port with its own home."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = _closed_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**{k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}, "PREFECT_HOME": str(home),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_LOGGING_LEVEL": "WARNING"}
    with (home / "server.log").open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port), "--no-ui", "--analytics-off"], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            else:
                pytest.fail(f"the Prefect server did not start:\n{(home / 'server.log').read_text()[-2000:]}")
            yield api
        finally:
            server.terminate()
            server.wait(timeout=30)


def _save_secret(api: str, name: str, value: str) -> None:
    code = f"from prefect.blocks.system import Secret; Secret(value={value!r}).save({name!r}, overwrite=True)"
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "PREFECT_API_URL": api}, check=True,
                   capture_output=True, timeout=120)


@pytest.mark.flows
def test_every_named_secret_block_must_exist_and_hold_real_credentials(tmp_path: Path, prefect_api: str) -> None:
    _save_secret(prefect_api, "acorn-client-secret", "amzn1.oa2-cs.v1.block-s3cret-value")
    _save_secret(prefect_api, "acorn-sandbox-refresh", "Atzr|acorn-sandbox-refresh")
    env = {**REAL, "ACORN_SPAPI_BASE_URL": "amazon", "PREFECT_API_URL": prefect_api,
           "ACORN_DATABASE_URL": _migrated(tmp_path), "ACORN_LWA_CLIENT_SECRET_BLOCK": "acorn-client-secret",
           "ACORN_LWA_REFRESH_TOKEN_BLOCK": "acorn-missing-refresh"}
    missing = _acorn(tmp_path, "config", "check", **env)
    assert missing.returncode == 1, missing.stdout + missing.stderr
    problems = [line.split(":")[0] for line in _lines(missing, "PROBLEM")]
    assert problems == ["PROBLEM  Secret block 'acorn-missing-refresh'"]
    assert "OK       Secret block 'acorn-client-secret'" in missing.stdout
    assert "block-s3cret-value" not in missing.stdout + missing.stderr

    sandbox_in_block = _acorn(tmp_path, "config", "check", **{**env, "ACORN_LWA_REFRESH_TOKEN_BLOCK":
                                                              "acorn-sandbox-refresh"})
    assert sandbox_in_block.returncode == 1
    assert any("Prefect Secret block 'acorn-sandbox-refresh') is the sandbox default" in line
               for line in _lines(sandbox_in_block, "PROBLEM"))


def test_a_prefect_api_that_does_not_answer_is_a_problem(tmp_path: Path) -> None:
    out = _acorn(tmp_path, "config", "check", ACORN_DATABASE_URL=_migrated(tmp_path),
                 ACORN_LWA_REFRESH_TOKEN_BLOCK="acorn-refresh", PREFECT_API_URL=f"http://127.0.0.1:{_closed_port()}/api")
    assert out.returncode == 1
    assert "the Prefect API at" in _lines(out, "PROBLEM")[0] and "does not answer" in _lines(out, "PROBLEM")[0]


# ----------------------------------------------------------------------------- acorn run, nothing listening

def test_run_stops_at_once_in_one_paragraph_when_the_sandbox_is_not_running(tmp_path: Path) -> None:
    port = _closed_port()
    out = _acorn(tmp_path, "run", ACORN_SPAPI_BASE_URL=f"http://127.0.0.1:{port}")
    said = out.stdout + out.stderr
    assert out.returncode == 3, said  # a host that does not answer, as acorn/cli_errors.py says it
    assert "Traceback" not in said and len([p for p in said.split("\n\n") if p.strip()]) == 1
    assert f"http://127.0.0.1:{port}" in said and f"acorn sandbox serve --host 127.0.0.1 --port {port}" in said
    assert not (tmp_path / ".acorn" / "prefect").exists(), "Prefect should not have been started"


def test_run_passes_the_check_when_the_sandbox_answers() -> None:
    from acorn.config import load_settings
    from acorn.reachability import unreachable
    from acorn.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(seed=0), port=0) as sandbox:
        settings = load_settings(spapi_base_url=sandbox.base_url)
        assert unreachable(settings, settings.accounts) == []
    assert "nothing listens there" in unreachable(settings, settings.accounts)[0]
