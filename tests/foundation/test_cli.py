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
    pytest.param(["reconcile", "--month", "2026-13"], "--month", id="reconcile-bad-month"),
    pytest.param(["reconcile", "--month", "2026-11", "--account", "NOPE"], "NOPE", id="reconcile-unknown-account"),
    pytest.param(["disputes", "--due-within", "soon"], "--due-within", id="disputes-bad-duration"),
    pytest.param(["disputes", "mark", "shortage:X", "--status", "maybe", "--by", "ops"], "--status",
                 id="disputes-bad-status"),
    pytest.param(["metrics", "--from", "2026-11-30", "--to", "2026-11-01"], "--to", id="metrics-range-backwards"),
    pytest.param(["metrics", "--from", "November", "--to", "2026-11-30"], "--from", id="metrics-bad-date"),
    pytest.param(["remittance", "import", "/nonexistent/remittance.csv"], "remittance.csv",
                 id="remittance-missing-file"),
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
    disputes = _acorn(tmp_path, "disputes")
    assert disputes.returncode == 0 and "0 claims" in disputes.stdout
    mark = _acorn(tmp_path, "disputes", "mark", "shortage:NOPE", "--status", "disputed", "--by", "ops")
    assert mark.returncode == 2 and "shortage:NOPE" in mark.stdout
    metrics = _acorn(tmp_path, "metrics", "--from", "2026-11-01", "--to", "2026-11-30")
    assert metrics.returncode == 0 and "fill rate" in metrics.stdout.lower()


#: an SP-API app's credentials: a real host refuses the sandbox's
REAL = {"ACORN_LWA_CLIENT_ID": "amzn1.application-oa2-client.test", "ACORN_LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1.t",
        "ACORN_LWA_REFRESH_TOKEN": "Atzr|t"}


def _config_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    from acorn.store import upgrade

    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    upgrade(url)  # a migrated store, so the routes are all that can be wrong
    base = {"PATH": "/usr/bin:/bin", "ACORN_HOME": str(tmp_path / ".acorn"), "COLUMNS": "400",
            "ACORN_DATABASE_URL": url, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **REAL}
    return subprocess.run([ACORN, "config", "check"], capture_output=True, text=True, timeout=120,
                          env={**base, **env})


@pytest.mark.parametrize(("env", "hosts", "receiver"), [
    pytest.param({"ACORN_SPAPI_BASE_URL": "http://127.0.0.1:8000",
                  "ACORN_TOKEN_URL": "https://api.amazon.com/auth/o2/token"},
                 ("127.0.0.1", "api.amazon.com"), "api.amazon.com", id="sandbox-api-amazon-token"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "amazon", "ACORN_TOKEN_URL": "https://lwa.example.com/token"},
                 ("sellingpartnerapi-na.amazon.com", "lwa.example.com"), "lwa.example.com",
                 id="amazon-api-foreign-token"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "https://spapi-proxy.example.com",
                  "ACORN_TOKEN_URL": "https://lwa.example.com/token"},
                 ("spapi-proxy.example.com", "lwa.example.com"), "lwa.example.com", id="token-on-a-third-host"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "https://spapi-proxy.example.com"},
                 ("spapi-proxy.example.com", "api.amazon.com"), "api.amazon.com", id="proxy-api-default-token"),
])
def test_config_check_warns_when_api_and_token_hosts_disagree(tmp_path: Path, env: dict[str, str],
                                                               hosts: tuple[str, str], receiver: str) -> None:
    out = _config_check(tmp_path, **env)
    assert out.returncode == 0, out.stdout + out.stderr
    warnings = [line for line in out.stdout.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1, out.stdout
    assert all(f"'{host}'" in warnings[0] for host in hosts)
    assert f"will be sent to '{receiver}'" in warnings[0]
    assert f"LWA credentials go to {receiver}" in out.stdout


@pytest.mark.parametrize(("env", "receiver"), [
    pytest.param({}, "127.0.0.1", id="embedded-defaults-the-sandbox"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "amazon"}, "api.amazon.com", id="amazon-region-host"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "http://127.0.0.1:8000"}, "127.0.0.1", id="sandbox"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "https://sellingpartnerapi-eu.amazon.com"}, "api.amazon.com",
                 id="amazon-eu"),
])
def test_config_check_is_quiet_about_a_consistent_route(tmp_path: Path, env: dict[str, str], receiver: str) -> None:
    out = _config_check(tmp_path, **env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "configuration OK" in out.stdout and "WARNING" not in out.stdout
    assert f"LWA credentials go to {receiver}" in out.stdout


@pytest.mark.parametrize(("env", "setting"), [
    pytest.param({"ACORN_TOKEN_URL": "http://lwa.example.com/auth/o2/token"}, "ACORN_TOKEN_URL", id="http-token"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "http://spapi-proxy.example.com"}, "ACORN_SPAPI_BASE_URL",
                 id="http-base"),
])
def test_config_check_refuses_plain_http_to_a_remote_host(tmp_path: Path, env: dict[str, str], setting: str) -> None:
    out = _config_check(tmp_path, **env)
    assert out.returncode == 2
    assert setting in out.stdout + out.stderr and "configuration OK" not in out.stdout
