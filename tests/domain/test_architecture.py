"""The domain stays pure: standard library plus ``holidays`` and ``stdnum``, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import acorn.domain as domain
from acorn.domain import DomainError, errors

DOMAIN_DIR = Path(domain.__file__).parent
ALLOWED_THIRD_PARTY = {"holidays", "stdnum"}


def imported_top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_imports_only_the_standard_library_holidays_and_stdnum():
    offenders = {}
    for path in sorted(DOMAIN_DIR.glob("*.py")):
        foreign = {
            name
            for name in imported_top_level_names(path)
            if name not in sys.stdlib_module_names and name not in ALLOWED_THIRD_PARTY and name != "acorn"
        }
        if foreign:
            offenders[path.name] = foreign
    assert offenders == {}


def test_the_domain_uses_no_other_part_of_acorn():
    for path in DOMAIN_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("acorn"):
                assert node.module.startswith("acorn.domain"), f"{path.name} imports {node.module}"


def test_the_public_surface_is_exactly_what_all_lists():
    exported = {name for name in vars(domain) if not name.startswith("_")} - {"annotations"}
    modules = {name for name, value in vars(domain).items() if type(value).__name__ == "module"}
    assert set(domain.__all__) == exported - modules
    assert all(getattr(domain, name) is not None for name in domain.__all__)


def test_every_domain_error_is_a_domain_error_carrying_record_and_field():
    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, DomainError)
        err = cls("bad thing", record="PO000001/1", field="qty")
        assert (err.record, err.field) == ("PO000001/1", "qty")
        assert str(err) == "PO000001/1.qty: bad thing"
