"""Which Prefect server the demo, `acorn run` and `acorn reconcile` talk to."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from acorn import prefect_env


@pytest.fixture
def no_prefect_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No Prefect settings in the environment, and the environment as it was afterwards: ``configure``
    writes ``os.environ`` itself, and a leaked ``PREFECT_API_URL`` would point every later worker
    subprocess at a server that is not there."""
    saved = dict(os.environ)
    for key in ("PREFECT_HOME", "PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(key, raising=False)
    yield monkeypatch
    os.environ.clear()
    os.environ.update(saved)


def _profiles(path: Path, active: str, url: str | None) -> Path:
    body = f'active = "{active}"\n\n[profiles.{active}]\n'
    if url:
        body += f'PREFECT_API_URL = "{url}"\n'
    path.write_text(body + '\n[profiles.other]\nPREFECT_API_URL = "http://elsewhere:1/api"\n', encoding="utf-8")
    return path


def test_a_server_configured_in_the_profile_is_kept_when_acorn_moves_the_prefect_home(
        tmp_path: Path, no_prefect_env: pytest.MonkeyPatch) -> None:
    profiles = _profiles(tmp_path / "profiles.toml", "work", "http://127.0.0.1:4200/api")
    no_prefect_env.setenv("PREFECT_PROFILES_PATH", str(profiles))
    prefect_env.configure(tmp_path / "acorn-prefect")
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"
    assert os.environ["PREFECT_HOME"] == str((tmp_path / "acorn-prefect").resolve())


def test_without_a_configured_server_none_is_invented(tmp_path: Path, no_prefect_env: pytest.MonkeyPatch) -> None:
    no_prefect_env.setenv("PREFECT_PROFILES_PATH", str(_profiles(tmp_path / "profiles.toml", "work", None)))
    prefect_env.configure(tmp_path / "acorn-prefect")
    assert "PREFECT_API_URL" not in os.environ


def test_the_environment_wins_over_the_profile(tmp_path: Path, no_prefect_env: pytest.MonkeyPatch) -> None:
    no_prefect_env.setenv("PREFECT_PROFILES_PATH", str(_profiles(tmp_path / "profiles.toml", "work", "http://a/api")))
    no_prefect_env.setenv("PREFECT_PROFILE", "other")
    assert prefect_env.profile_api_url() == "http://elsewhere:1/api"
    no_prefect_env.setenv("PREFECT_API_URL", "http://mine:2/api")
    prefect_env.configure(tmp_path / "acorn-prefect")
    assert os.environ["PREFECT_API_URL"] == "http://mine:2/api"


def test_a_configured_server_that_does_not_answer_is_named(tmp_path: Path) -> None:
    """In a fresh process: Prefect reads its settings once, at import."""
    from acorn.testing.prefect_server import free_port

    url = f"http://127.0.0.1:{free_port()}/api"
    env = {**os.environ, "PREFECT_API_URL": url, "PREFECT_HOME": str(tmp_path / "home"),
           "PREFECT_CLIENT_MAX_RETRIES": "0"}
    code = ("from acorn import prefect_env\n"
            "try:\n    prefect_env.connect_in_background().result(timeout=120)\n"
            "except ConnectionError as exc:\n    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180)
    assert f"the Prefect server at {url} does not answer" in out.stdout, out.stderr[-2000:]
