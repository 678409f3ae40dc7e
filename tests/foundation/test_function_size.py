"""No hand-written function over 40 lines in `acorn/`, `flows/`, `tasks/`: long ones are split into named steps.

Declaration tables are the exception: Alembic migrations (a schema written out column by
column) are not steps to name. The count is the function's lines, signature and docstring
included, as an editor shows them.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAX_LINES = 40
#: declaration tables, not logic: each migration spells out tables and columns
DECLARATIONS = ("acorn/store/migrations/versions/",)


def _long_functions(repo: Path = REPO) -> list[str]:
    found = []
    for top in ("acorn", "flows", "tasks"):
        for path in sorted((repo / top).rglob("*.py")):
            name = path.relative_to(repo).as_posix()
            if name.startswith(DECLARATIONS):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > MAX_LINES:
                        found.append(f"{name}::{node.name} ({lines} lines)")
    return found


def test_no_hand_written_function_is_over_40_lines() -> None:
    assert _long_functions() == []


def test_the_rule_sees_a_long_function_and_spares_migrations(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES))   # 41 lines with the signature
    for folder in ("tasks", "acorn/store/migrations/versions"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text(f"def step():\n{body}\n\ndef short():\n    return 1\n")
    assert _long_functions(tmp_path) == [f"tasks/m.py::step ({MAX_LINES + 1} lines)"]
