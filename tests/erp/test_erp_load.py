"""Loading the ERP into the store: poison rows are rejected by file, line and field; the rest loads.

``acorn erp-load`` runs as ops run it (a subprocess), on a real SQLite file.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from acorn.erp import CsvErp
from acorn.services.erp import load_erp
from acorn.store import UnitOfWork, upgrade
from acorn.store.uow import units

ACORN = str(Path(sys.executable).with_name("acorn"))
AS_OF = datetime(2026, 3, 2, 20, 10, tzinfo=UTC)
SKU_HEADER = "vendor_sku,asin,ean,title,case_pack,unit_weight_kg,carton_weight_kg,unit_cost,currency,discontinued"
STOCK_HEADER = "vendor_sku,warehouse,on_hand,restock_date"
SKUS = (SKU_HEADER,
        "ACR-1,B000000001,4006381333931,Oak Board,6,0.5,3.4,12.50,USD,false",
        "ACR-2,B000000002,4006381333931,Mug,12,0.3,,4.00,USD,false")
POISONED_STOCK = (STOCK_HEADER,
                  "ACR-1,NJ1,120,",
                  "ACR-2,NJ1,99999999999999999999999,",   # line 3: beyond any integer column
                  "ACR-2,PA\x002,7,",                       # line 4: NUL byte
                  "ACR-404,NJ1,5,",                         # line 5: unknown SKU
                  "ACR-2,PA2,30,2026-03-20")


def _write(path: Path, lines: tuple[str, ...]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'acorn.db'}"
    upgrade(url)
    return url


def test_poison_rows_are_rejected_by_file_line_and_field_and_the_good_rows_load(tmp_path: Path, db: str) -> None:
    skus, stock = _write(tmp_path / "skus.csv", SKUS), _write(tmp_path / "inventory.csv", POISONED_STOCK)
    result = load_erp(units(db), CsvErp(skus, stock, quarantine_dir=tmp_path / "quarantine"), as_of=AS_OF)

    assert (result.skus, result.stock_rows) == (2, 2)
    assert [(e.file, e.line, e.field) for e in result.errors] == [
        (str(stock), 3, "on_hand"), (str(stock), 4, "warehouse"), (str(stock), 5, "vendor_sku")]
    with UnitOfWork(db) as uow:
        assert sorted((i.vendor_sku, i.warehouse, i.on_hand) for i in uow.inventory.all()) == [
            ("ACR-1", "NJ1", 120), ("ACR-2", "PA2", 30)]
        [alert] = uow.alerts.list()
        assert "3 ERP rows rejected" in alert.subject
        rejected = [e for e in uow.audit.list(entity="erp_row")]
        assert [e.entity_id for e in rejected] == ["inventory.csv:3", "inventory.csv:4", "inventory.csv:5"]
        assert {e.detail["file"] for e in rejected} == {str(stock)}
        assert "\x00" not in rejected[1].detail["value"]
    lines = (tmp_path / "quarantine" / "inventory.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 3


def test_stock_of_a_sku_stored_by_an_earlier_load_is_taken(tmp_path: Path, db: str) -> None:
    load_erp(units(db), CsvErp(_write(tmp_path / "skus.csv", SKUS),
                               _write(tmp_path / "inventory.csv", (STOCK_HEADER,))), as_of=AS_OF)
    later = tmp_path / "later"
    later.mkdir()
    only_one = _write(later / "skus.csv", SKUS[:2])  # today's master export lists ACR-1 only
    stock = _write(later / "inventory.csv", (STOCK_HEADER, "ACR-2,NJ1,8,", "ACR-3,NJ1,1,"))
    result = load_erp(units(db), CsvErp(only_one, stock), as_of=AS_OF)
    assert result.stock_rows == 1
    assert [(e.line, e.field, e.value) for e in result.errors] == [(3, "vendor_sku", "ACR-3")]


def _ean(n: int) -> str:
    body = f"400638{n:06d}"
    return body + str(-sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10)


def _erp(folder: Path, count: int, *, on_hand: int) -> CsvErp:
    folder.mkdir(parents=True)
    skus = (SKU_HEADER, *[f"ACR-{n},B{n:09d},{_ean(n)},Item {n},6,0.5,,1.00,USD,false" for n in range(count)])
    stock = (STOCK_HEADER, *[f"ACR-{n},NJ1,{on_hand},2026-04-0{1 + n % 9}" for n in range(count)])
    return CsvErp(_write(folder / "skus.csv", skus), _write(folder / "inventory.csv", stock))


def test_a_load_writes_2_or_200_skus_in_the_same_statements_and_a_reload_updates_them(tmp_path: Path) -> None:
    from acorn.bench_day import StatementCounter
    from acorn.store import engine_for

    counts = []
    for count in (2, 200):
        url = f"sqlite:///{tmp_path / f'acorn-{count}.db'}"
        upgrade(url)
        with StatementCounter(engine_for(url)) as first:
            assert load_erp(units(url), _erp(tmp_path / f"first-{count}", count, on_hand=5), as_of=AS_OF).skus == count
        with StatementCounter(engine_for(url)) as again:
            result = load_erp(units(url), _erp(tmp_path / f"again-{count}", count, on_hand=7), as_of=AS_OF)
        assert (result.skus, result.stock_rows, result.errors) == (count, count, [])
        counts.append((first.count, again.count))
        with UnitOfWork(url) as uow:
            assert len(uow.skus.all()) == count
            assert {(i.on_hand, i.warehouse) for i in uow.inventory.all()} == {(7, "NJ1")}
            assert uow.inventory.get("ACR-1", "NJ1").restock_date.isoformat() == "2026-04-02"
    assert counts[0] == counts[1]


def _acorn(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "ACORN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "ACORN_HOME": str(tmp_path / ".acorn"), "COLUMNS": "200",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # this checkout's code, not the installed one
    return subprocess.run([ACORN, *args], capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)


def test_erp_load_prints_each_rejected_row_and_exits_0_when_rows_loaded(tmp_path: Path) -> None:
    skus, stock = _write(tmp_path / "skus.csv", SKUS), _write(tmp_path / "inventory.csv", POISONED_STOCK)
    out = _acorn(tmp_path, "erp-load", "--skus", str(skus), "--inventory", str(stock),
                 "--quarantine", str(tmp_path / "quarantine"))

    assert "Traceback" not in out.stdout + out.stderr
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{stock}:3: on_hand='99999999999999999999999'" in out.stdout
    assert f"{stock}:4: warehouse='PA\\x002'" in out.stdout
    assert f"{stock}:5: vendor_sku='ACR-404'" in out.stdout
    assert "loaded 2 SKUs and 2 stock rows; 3 rows rejected" in out.stdout
    assert (tmp_path / "quarantine" / "inventory.rejected.csv").is_file()


def test_erp_load_exits_2_naming_the_file_when_it_cannot_be_decoded(tmp_path: Path) -> None:
    skus = _write(tmp_path / "skus.csv", SKUS)
    stock = tmp_path / "inventory.csv"
    stock.write_bytes(STOCK_HEADER.encode() + b"\nACR-1,N\xe91,5,\n")  # Latin-1, not UTF-8
    out = _acorn(tmp_path, "erp-load", "--skus", str(skus), "--inventory", str(stock))
    assert "Traceback" not in out.stdout + out.stderr
    assert out.returncode == 2
    assert str(stock) in out.stdout and "not UTF-8" in out.stdout


def test_erp_load_shows_its_steps_on_stderr_and_keeps_the_result_on_stdout(tmp_path: Path) -> None:
    skus, stock = _write(tmp_path / "skus.csv", SKUS), _write(tmp_path / "inventory.csv", POISONED_STOCK)
    out = _acorn(tmp_path, "erp-load", "--skus", str(skus), "--inventory", str(stock),
                 "--quarantine", str(tmp_path / "quarantine"))
    assert out.returncode == 0, out.stdout + out.stderr
    for shown in ("create or upgrade the store", "read the SKU master", "read the stock file",
                  "write SKUs and stock"):
        assert shown in out.stderr and shown not in out.stdout
    assert "4/4" in out.stderr  # every good row written
    assert "loaded 2 SKUs and 2 stock rows; 3 rows rejected" in out.stdout
