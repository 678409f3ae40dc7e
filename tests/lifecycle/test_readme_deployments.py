"""The README's Deployments section, followed line by line as a newcomer would, on a fresh machine.

A copy of the repository's tracked files (no `.acorn/`, no Prefect home) stands in for a fresh
clone; every command of the section's code block runs through bash in that copy, with
`.venv/bin` on PATH and the copy on PYTHONPATH (what `pip install -e .` gives a clone). Only
what a test must change is changed: free ports for 8000 and 4200. The commands the section
runs in the background (`&`: the sandbox, the worker) are stopped at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from acorn.store.uow import units
from acorn.testing.prefect_server import QUIET, free_port

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def readme_commands() -> list[str]:
    """The command lines of the Deployments section's code block, comments dropped."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Deployments\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"\n```\n(.*?)\n```", section, re.S)
    assert block, "the Deployments section has no code block"
    return [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_the_section_has_every_step_a_fresh_machine_needs() -> None:
    commands = readme_commands()
    order = ["acorn db upgrade", "prefect work-pool create acorn", "prefect --no-prompt deploy --all",
             "prefect worker start --pool acorn", "prefect deployment run"]
    at = [next((i for i, c in enumerate(commands) if c.startswith(step)), -1) for step in order]
    assert -1 not in at and at == sorted(at), commands


class Shell:
    """The newcomer's shell: one environment, commands run in the copy, background ones kept to stop."""

    def __init__(self, checkout: Path, home: Path) -> None:
        self.cwd, self.log = checkout, home / "commands.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ACORN_", "PREFECT_"))}
        self.env.update(QUIET, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", PYTHONPATH=str(checkout),
                        PREFECT_HOME=str(home / "prefect"), PREFECT_WORKER_QUERY_SECONDS="2",
                        PREFECT_SERVER_API_PORT=str(free_port()))  # no ACORN_*: the default home, .acorn
        self.background: list[subprocess.Popen[bytes]] = []

    def run(self, command: str, timeout_s: float = 240) -> str:
        done = subprocess.run(["bash", "-c", command], cwd=self.cwd, env=self.env, capture_output=True,
                              timeout=timeout_s)
        out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        with self.log.open("a") as log:
            log.write(f"$ {command}\n{out}\n")
        assert done.returncode == 0, f"`{command}` exited {done.returncode}:\n{out[-3000:]}"
        return out

    def start(self, command: str) -> None:
        log = self.log.with_name(f"background-{len(self.background)}.log").open("wb")
        self.background.append(subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=self.cwd, env=self.env,
                                                stdout=log, stderr=subprocess.STDOUT))

    def stop(self) -> None:
        for process in reversed(self.background):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        subprocess.run(["bash", "-c", "prefect server stop"], cwd=self.cwd, env=self.env, capture_output=True,
                       timeout=60)


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    checkout = tmp_path / "acorn"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    s = Shell(checkout, tmp_path)
    try:
        yield s
    finally:
        s.stop()


@pytest.mark.flows
def test_following_the_deployments_section_literally_runs_a_deployment_to_completion(shell: Shell) -> None:
    sandbox_port, api_port = free_port(), shell.env["PREFECT_SERVER_API_PORT"]
    api = f"http://127.0.0.1:{api_port}/api"
    flow_run_id = None
    for command in readme_commands():
        command = command.replace(":8000", f":{sandbox_port}").replace(":4200/", f":{api_port}/")
        if command.startswith("export "):
            key, value = command.removeprefix("export ").split("=", 1)
            shell.env[key] = value
        elif command.endswith("&"):
            port = f" --port {sandbox_port}" if command.startswith("acorn sandbox serve") else ""
            shell.start(command.removesuffix("&").strip() + port)
        elif command.startswith("prefect deployment run"):
            out = shell.run(command)
            flow_run_id = re.search(r"UUID:\s*([0-9a-f-]{36})", out).group(1)  # type: ignore[union-attr]
        else:
            shell.run(command)
    assert flow_run_id, "the section starts no run"

    run = _wait_final(api, flow_run_id, timeout_s=240)
    assert run["state_type"] == "COMPLETED", (run["state_name"], _logs(shell))
    assert re.fullmatch(r"po intake \d{4}-\d\d-\d\d \d\d:\d\d E[SD]T · all accounts", run["name"]), run["name"]

    # every configured account's orders are in the store `acorn db upgrade` created in the checkout
    from acorn.services.summary import lifecycle_counts

    db = f"sqlite:///{shell.cwd / '.acorn' / 'acorn.db'}"
    assert {code: lifecycle_counts(units(db), code)["purchase_orders"] > 0 for code in ("ACRNUS", "ACRNCA")} == \
        {"ACRNUS": True, "ACRNCA": True}
    # and the worker's run paced getPurchaseOrders on the server's shared rate limit
    limits = httpx.post(f"{api}/v2/concurrency_limits/filter", json={}).json()
    assert any(re.fullmatch(r"acorn-spapi-[0-9a-f]{12}-getPurchaseOrders", lim["name"])
               and lim["limit"] == 10 for lim in limits), [lim["name"] for lim in limits]


def _wait_final(api: str, flow_run_id: str, *, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        run = httpx.get(f"{api}/flow_runs/{flow_run_id}", timeout=10).json()
        if run["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") or time.monotonic() > deadline:
            return run
        time.sleep(1)


def _logs(shell: Shell) -> str:
    return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(shell.log.parent.glob("*.log")))
