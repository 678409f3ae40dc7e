"""The package's public surface: exports, catalogue, accounts, and the test harness's own checker."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from stdnum import ean

import acorn.sandbox as sandbox
from acorn.sandbox import MARKETPLACES, SHIP_FROM_PARTY, VENDOR_ACCOUNTS, WAREHOUSES, CatalogueItem, catalogue
from acorn.sandbox.gs1 import check_digit, sscc_problem

REPO = Path(__file__).resolve().parents[2]


def test_the_package_exports_what_other_parts_code_against() -> None:
    assert set(sandbox.__all__) == {
        "DEFAULT_CREDENTIALS", "DEMO_SEED", "MARKETPLACES", "SHIP_FROM_PARTY", "TRANSACTION_ERROR_CODES",
        "VENDOR_ACCOUNTS",
        "VENDOR_GS1_PREFIX", "WAREHOUSES", "CatalogueItem", "Marketplace", "SandboxConfig", "SandboxServer",
        "SandboxStartError", "SandboxState", "VendorAccount", "Warehouse", "build_app", "catalogue", "start_of"}
    for name in sandbox.__all__:
        assert getattr(sandbox, name) is not None
    assert sandbox.DEFAULT_CREDENTIALS == {"client_id": "acorn-sandbox-client", "client_secret": "acorn-sandbox-secret",
                                           "refresh_token": "Atzr|acorn-sandbox-refresh"}


def test_importing_the_catalogue_does_not_load_the_web_stack() -> None:
    code = ("import sys; from acorn.sandbox import catalogue; catalogue(0); "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_the_default_config_matches_the_documented_defaults() -> None:
    cfg = sandbox.SandboxConfig()
    assert (cfg.seed, cfg.rate_scale, cfg.shortage_rate, cfg.damage_rate, cfg.pos_per_day, cfg.history_days,
            cfg.processing_polls) == (0, 1.0, 0.02, 0.01, 6, 3, 1)


def test_the_catalogue_is_deterministic_with_valid_identifiers() -> None:
    items = catalogue(7)
    assert items == catalogue(7) and items != catalogue(8)
    assert 35 <= len(items) <= 45
    assert len({i.asin for i in items}) == len({i.vendor_sku for i in items}) == len({i.ean for i in items}) \
        == len(items)
    for item in items:
        assert isinstance(item, CatalogueItem)
        assert ean.is_valid(item.ean) and len(item.ean) == 13 and item.ean.startswith(sandbox.VENDOR_GS1_PREFIX)
        assert item.asin.startswith("B0") and len(item.asin) == 10
        assert item.case_pack > 0 and item.unit_weight_kg > 0
        assert isinstance(item.net_cost, Decimal) and item.net_cost > 0


def test_costs_in_canada_are_the_usd_cost_at_the_fixed_rate_to_the_cent() -> None:
    item = catalogue(7)[0]
    assert item.cost_for("US") == (item.net_cost, "USD")
    cad, currency = item.cost_for("A2EUQ1WTGCTBG2")
    assert currency == "CAD" and cad == (item.net_cost * Decimal("1.36")).quantize(Decimal("0.01"))
    assert item.cost_for("CA") == (cad, "CAD")


def test_the_vendor_accounts_and_warehouses_are_the_documented_ones() -> None:
    assert {code: (a.marketplace.marketplace_id, a.marketplace.currency, a.warehouses)
            for code, a in VENDOR_ACCOUNTS.items()} == {
        "ACRNUS": ("ATVPDKIKX0DER", "USD", ("ABE8", "MDW2", "ONT8")),
        "ACRNCA": ("A2EUQ1WTGCTBG2", "CAD", ("YYZ4",))}
    assert {fc: w.time_zone for fc, w in WAREHOUSES.items()} == {
        "ABE8": "America/New_York", "MDW2": "America/Chicago", "ONT8": "America/Los_Angeles",
        "YYZ4": "America/Toronto"}
    assert SHIP_FROM_PARTY == "ACRNWH1" and set(MARKETPLACES) == {"US", "CA"}


def test_gs1_check_digits_agree_with_python_stdnum() -> None:
    for body in ("061414100001", "400638133393", "00614141123456789"):
        assert check_digit(body) == ean.calc_check_digit(body)
    valid = "00614141123456789" + check_digit("00614141123456789")
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert sscc_problem(valid) is None and "check digit" in (sscc_problem(wrong) or "")
    assert sscc_problem("00614141123456789" + check_digit("00614141123456789")) is None


def test_the_harness_rejects_an_answer_that_breaks_the_model(vendor: Any, model_problems: Any) -> None:
    request = httpx.Request("GET", vendor.sb.base_url + "/vendor/orders/v1/purchaseOrders")
    broken = httpx.Response(200, json={"payload": {"orders": [{"purchaseOrderState": "Open"}]}}, request=request)
    problems = model_problems(broken)
    assert any("purchaseOrderNumber" in p for p in problems) and any("Open" in p for p in problems)
    assert any("RequestId" in p for p in problems)
