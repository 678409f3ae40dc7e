"""The shape of the project: layout, dependency direction, one place for sessions."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_DOMAIN = ("prefect", "httpx", "sqlmodel", "sqlalchemy", "fastapi", "great_expectations", "acorn.store",
                       "acorn.spapi", "acorn.sandbox", "schemas.tables")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_required_top_level_layout_exists() -> None:
    for name in ("pyproject.toml", "README.md", "prefect.yaml", "Makefile", ".ci/run", "flows", "tasks", "schemas",
                 "tests", "deployments", "acorn"):
        assert (REPO / name).exists(), name


def test_the_domain_imports_neither_prefect_nor_http_nor_the_database() -> None:
    domain = REPO / "acorn" / "domain"
    if not domain.exists():
        pytest.skip("acorn/domain not created yet")
    offenders = {str(p.relative_to(REPO)): sorted(m for m in _imports(p) if m.startswith(FORBIDDEN_IN_DOMAIN))
                 for p in domain.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_store_opens_database_sessions() -> None:
    offenders = []
    for p in list((REPO / "acorn").rglob("*.py")) + list((REPO / "flows").rglob("*.py")) + list(
            (REPO / "tasks").rglob("*.py")):
        if "store" in p.parts or "sandbox" in p.parts:
            continue
        src = p.read_text(encoding="utf-8")
        if "Session(" in src or "sessionmaker" in src:
            offenders.append(str(p.relative_to(REPO)))
    assert offenders == []


#: what builds a store: services receive a ``Units`` factory (``acorn.services.ports``) instead
_STORE_BUILDERS = {"acorn.store.db": None, "acorn.store": {"db", "engine_for", "upgrade"},
                   "acorn.store.uow": {"units", "in_memory_units"}}


def _builds_its_store(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if called == "UnitOfWork":
                found.append(f"line {node.lineno}: UnitOfWork(...)")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name == "acorn.store.db"]
        elif isinstance(node, ast.ImportFrom) and node.module in _STORE_BUILDERS:
            banned = _STORE_BUILDERS[node.module]
            names = [a.name for a in node.names if banned is None or a.name in banned]
            found += [f"line {node.lineno}: from {node.module} import {n}" for n in names]
    return found


def test_services_receive_their_store_instead_of_building_it() -> None:
    offenders = {str(p.relative_to(REPO)): bad for p in sorted((REPO / "acorn" / "services").rglob("*.py"))
                 if (bad := _builds_its_store(p))}
    assert offenders == {}


def test_the_acorn_console_script_lists_its_commands() -> None:
    exe = Path(sys.executable).with_name("acorn")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for command in ("config", "db", "demo"):
        assert command in out.stdout


def test_db_upgrade_from_the_cli_creates_the_store(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("acorn")
    env = {"PATH": "/usr/bin:/bin", "ACORN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    out = subprocess.run([str(exe), "db", "upgrade"], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "revision" in out.stdout and (tmp_path / "cli.db").exists()


@pytest.mark.parametrize(("layer", "must_not_import"), [
    pytest.param("acorn", ("flows", "tasks"), id="core-does-not-import-flows-or-tasks"),
    pytest.param("tasks", ("flows",), id="tasks-do-not-import-flows"),
    pytest.param("schemas", ("acorn.services", "acorn.store", "flows", "tasks", "prefect"),
                 id="schemas-are-the-bottom"),
])
def test_dependencies_point_one_way(layer: str, must_not_import: tuple[str, ...]) -> None:
    # they start flows: the top of the stack
    entrypoints = {REPO / "acorn" / "cli.py", REPO / "acorn" / "cli_money.py", REPO / "acorn" / "demo.py",
                   REPO / "acorn" / "bench_day.py"}
    offenders = {}
    for path in set((REPO / layer).rglob("*.py")) - entrypoints:
        bad = sorted(m for m in _imports(path) if m.split(".")[0] in must_not_import or m.startswith(must_not_import))
        if bad:
            offenders[str(path.relative_to(REPO))] = bad
    assert offenders == {}


#: modules outside the sandbox that may load it: they stand it up for a demo, a benchmark or a test.
#: Production modules (settings, routes, runtime, flows, tasks, services, store, the SP-API client,
#: gates, documents) are never here: they talk to any Amazon through the client and its URL.
SANDBOX_WIRING = {
    "acorn/demo.py": "`acorn demo` serves a sandbox for the walkthrough",
    "acorn/erp/demo.py": "the demo ERP exports the sandbox's catalogue",
    "acorn/spapi/bench.py": "`acorn bench intake` fetches from an in-process sandbox",
    "acorn/replenish_bench.py": "`acorn bench replenish` replays the sandbox's orders, sales and forecast",
}
#: folders of test wiring (fakes and harnesses built on the sandbox's state)
SANDBOX_WIRING_FOLDERS = ("acorn/testing/",)
#: the one reference the CLI keeps: `acorn sandbox` loads its commands on first use
SANDBOX_COMMAND = ("acorn/cli.py", "acorn.sandbox.cli:app")
_SANDBOX_REFERENCE = re.compile(r"acorn\.sandbox(\.\w+)*(:\w+)?")


def _absolute(node: ast.ImportFrom, package: tuple[str, ...]) -> str:
    """The module a ``from ... import`` reads, relative ones resolved against the file's package."""
    if not node.level:
        return node.module or ""
    return ".".join([*package[:len(package) - node.level + 1], *([node.module] if node.module else [])])


def _sandbox_references(path: Path, repo: Path = REPO) -> set[str]:
    """How ``path`` loads ``acorn.sandbox``: imports (top-level, lazy, relative, ``from acorn import
    sandbox``) and strings naming it whole (``importlib.import_module("acorn.sandbox.x")``, ``"pkg.mod:attr"``)."""
    package = path.relative_to(repo).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            found.update([base, *(f"{base}.{a.name}" for a in node.names)])   # `from acorn import sandbox`
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _SANDBOX_REFERENCE.fullmatch(node.value):
                found.add(node.value)
    return {name for name in found if name == "acorn.sandbox" or name.startswith(("acorn.sandbox.", "acorn.sandbox:"))}


def _loads_the_sandbox(repo: Path = REPO) -> dict[str, list[str]]:
    found = {}
    for top in ("acorn", "flows", "tasks"):
        for path in sorted((repo / top).rglob("*.py")):
            name = path.relative_to(repo).as_posix()
            refs = _sandbox_references(path, repo)
            if name == SANDBOX_COMMAND[0]:
                refs.discard(SANDBOX_COMMAND[1])
            if refs and not name.startswith(("acorn/sandbox/", *SANDBOX_WIRING_FOLDERS)):
                found[name] = sorted(refs)
    return found


def test_the_sandbox_is_a_peer_only_demo_bench_and_test_wiring_loads_it() -> None:
    loads = _loads_the_sandbox()
    assert {name: refs for name, refs in loads.items() if name not in SANDBOX_WIRING} == {}
    assert sorted(loads) == sorted(SANDBOX_WIRING)  # an exemption no longer used is dropped from the list


def test_the_peer_rule_sees_every_way_of_loading_the_sandbox(tmp_path: Path) -> None:
    ways = {"top.py": "import acorn.sandbox.server\n", "names.py": "from acorn import sandbox\n",
            "lazy.py": "def f():\n    from acorn.sandbox import SandboxServer\n",
            "relative.py": "from ..sandbox.state import SandboxState\n",
            "string.py": "import importlib\nimportlib.import_module('acorn.sandbox.app')\n",
            "fine.py": '"""Talks to `acorn.sandbox` over HTTP only."""\nfrom acorn import spapi\n'}
    (tmp_path / "acorn" / "runtime").mkdir(parents=True)
    for name, source in ways.items():
        (tmp_path / "acorn" / "runtime" / name).write_text(source, encoding="utf-8")
    assert sorted(_loads_the_sandbox(tmp_path)) == [f"acorn/runtime/{n}" for n in sorted(ways) if n != "fine.py"]
