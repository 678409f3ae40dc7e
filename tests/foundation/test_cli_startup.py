"""`acorn --help` and `acorn status` load only what they use; the help still lists every command.

The CLI runs in a fresh interpreter (`python -c`), which then reports the modules it loaded;
no timings are asserted (`acorn.bench_cli` measures them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from acorn.bench_cli import cli_start_seconds
from acorn.cli import app
from acorn.cli_lazy import LazyGroup

REPO = Path(__file__).resolve().parents[2]

#: run `acorn ARGS` in this interpreter, then write its exit code and loaded modules to ARGV[1]
PROBE = """
import json, sys
from acorn.cli import app
report, args = sys.argv[1], sys.argv[2:]
code = 0
try:
    app(args, prog_name="acorn")
except SystemExit as exit:
    code = exit.code
with open(report, "w") as out:
    json.dump({"exit": code, "modules": sorted(sys.modules)}, out)
"""

HEAVY_FOR_HELP = ("prefect", "great_expectations", "pandas", "httpx", "acorn.sandbox", "acorn.spapi")
HEAVY_FOR_STATUS = ("prefect", "great_expectations", "pandas", "httpx", "acorn.sandbox")


def _probe(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, dict]:
    report = tmp_path / "probe.json"
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path), "COLUMNS": "200",
            "ACORN_HOME": str(tmp_path / ".acorn")}
    out = subprocess.run([sys.executable, "-c", PROBE, str(report), *args], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={**base, **env})
    assert report.exists(), out.stderr
    return out, json.loads(report.read_text(encoding="utf-8"))


def _loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return sorted({p for p in packages for m in modules if m == p or m.startswith(p + ".")})


@pytest.mark.parametrize("args", [pytest.param([], id="acorn"), pytest.param(["--help"], id="acorn --help")])
def test_the_help_lists_every_command_without_loading_the_stack(tmp_path: Path, args: list[str]) -> None:
    out, probe = _probe(tmp_path, *args)
    assert _loaded(probe["modules"], HEAVY_FOR_HELP) == []
    assert "acorn.config" not in probe["modules"]  # nor the settings
    listed = {line.split()[1] for line in out.stdout.splitlines() if line.startswith("│ ")}
    group = typer.main.get_group(app)
    assert listed >= set(group.list_commands(typer.Context(group))), out.stdout


@pytest.mark.parametrize("args", [pytest.param(["status", "--help"], id="status"),
                                  pytest.param(["bench", "--help"], id="bench"),
                                  pytest.param(["config", "--help"], id="config")])
def test_a_commands_own_help_loads_only_that_command(tmp_path: Path, args: list[str]) -> None:
    out, probe = _probe(tmp_path, *args)
    assert probe["exit"] == 0, out.stderr
    assert _loaded(probe["modules"], HEAVY_FOR_HELP) == []
    assert "Usage: acorn " + args[0] in out.stdout


def test_status_on_an_empty_store_loads_neither_prefect_nor_the_sandbox(tmp_path: Path, sqlite_url: str) -> None:
    from acorn.store import upgrade

    upgrade(sqlite_url)
    out, probe = _probe(tmp_path, "status", ACORN_DATABASE_URL=sqlite_url)
    assert probe["exit"] == 0, out.stdout + out.stderr
    assert "POs to acknowledge" in out.stdout
    assert _loaded(probe["modules"], HEAVY_FOR_STATUS) == []


def _lazy_commands() -> list:
    root = typer.main.get_group(app)
    groups = [((), root), *(((name,), root.get_command(typer.Context(root), name)) for name in ("config", "bench"))]
    assert all(isinstance(group, LazyGroup) for _, group in groups)
    return [pytest.param(group, name, lazy, id=" ".join((*path, name)))
            for path, group in groups for name, lazy in group.lazy.items()]


@pytest.mark.parametrize(("group", "name", "lazy"), _lazy_commands())
def test_the_listed_help_of_a_lazy_command_is_its_own(group: LazyGroup, name: str, lazy) -> None:
    command = lazy.load(name)
    assert command.name == name and isinstance(command, typer.core.TyperGroup) == lazy.group
    if not lazy.group:  # a group's help is the table's, as add_typer(help=...) gave it
        assert (command.help or "").split("\n\n")[0].replace("\n", " ").strip() == lazy.help


def test_cli_start_seconds_times_fresh_processes(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "ACORN_HOME": str(tmp_path / ".acorn")}
    assert cli_start_seconds(["--help"], runs=1, env=env) > 0
    with pytest.raises(subprocess.CalledProcessError):
        cli_start_seconds(["no-such-command"], runs=1, env=env)
    with pytest.raises(ValueError, match="runs"):
        cli_start_seconds(["--help"], runs=0)
