"""The demo ERP files agree with the sandbox catalogue and show quarantine exactly once each."""

from __future__ import annotations

from pathlib import Path

import pytest

from acorn.erp import CsvErp
from acorn.erp.demo import BAD_SKU, BAD_STOCK_WAREHOUSE, DEMO_DIR, INVENTORY_FILE, SKU_FILE, demo_erp, write_demo_files

sandbox_catalogue = pytest.importorskip("acorn.sandbox.catalogue", reason="the sandbox catalogue is not importable")


@pytest.fixture(scope="module")
def catalogue() -> list:
    return sandbox_catalogue.catalogue(0)


def test_the_committed_demo_files_load_with_exactly_the_one_intended_error_each() -> None:
    erp = demo_erp()
    skus, stock = erp.load_skus(), erp.load_inventory()
    assert [(e.field, e.value) for e in skus.errors] == [("ean", "0614141999997")]
    assert [e.field for e in stock.errors] == ["on_hand"]
    assert stock.errors[0].value == "-12"
    assert BAD_SKU not in {row.vendor_sku for row in skus.rows}
    assert BAD_STOCK_WAREHOUSE not in {row.warehouse for row in stock.rows}


def test_every_catalogue_sku_is_in_both_demo_files_with_the_catalogue_values(catalogue: list) -> None:
    erp = demo_erp()
    skus = {row.vendor_sku: row for row in erp.load_skus().rows}
    stocked = {row.vendor_sku for row in erp.load_inventory().rows}
    assert set(skus) == {item.vendor_sku for item in catalogue}
    assert stocked == set(skus)
    for item in catalogue:
        row = skus[item.vendor_sku]
        assert (row.asin, row.ean, row.title, row.case_pack) == (item.asin, item.ean, item.title, item.case_pack)
        assert (row.unit_weight_kg, row.unit_cost, row.currency) == (item.unit_weight_kg, item.net_cost, "USD")


def test_the_demo_stock_has_discontinued_low_and_out_of_stock_skus_and_plenty_of_the_rest(catalogue: list) -> None:
    erp = demo_erp()
    discontinued = [row.vendor_sku for row in erp.load_skus().rows if row.discontinued]
    stock = erp.load_inventory().rows
    packs = {item.vendor_sku: item.case_pack for item in catalogue}
    low = [row for row in stock if row.restock_date is not None]
    out = [row for row in stock if row.on_hand == 0 and row.restock_date is None]
    plentiful = [row for row in stock if row.on_hand >= 30 * packs[row.vendor_sku]]
    assert len(discontinued) == 1
    assert len(low) == 3 and all(0 < row.on_hand <= 3 * packs[row.vendor_sku] for row in low)
    assert 1 <= len(out) <= 2
    assert len(plentiful) == len(catalogue) - 1 - len(low) - len(out)


def test_regenerating_seed_0_reproduces_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    sku_path, stock_path = write_demo_files(tmp_path, seed=0)
    assert sku_path.read_bytes() == (DEMO_DIR / SKU_FILE).read_bytes()
    assert stock_path.read_bytes() == (DEMO_DIR / INVENTORY_FILE).read_bytes()


def test_another_seed_builds_files_for_its_own_catalogue(tmp_path: Path) -> None:
    sku_path, stock_path = write_demo_files(tmp_path, seed=3)
    loaded = CsvErp(sku_path, stock_path).load_skus()
    assert {row.vendor_sku for row in loaded.rows} == {item.vendor_sku for item in sandbox_catalogue.catalogue(3)}
    assert len(loaded.errors) == 1
