"""Configuration: defaults that run the demo, bad settings that stop start-up by name."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from acorn.config import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_the_embedded_defaults_describe_the_sandbox_accounts() -> None:
    s = load_settings()
    assert [a.code for a in s.accounts] == ["ACRNUS", "ACRNCA"]
    assert s.account("ACRNCA").currency == "CAD" and s.account("ACRNUS").region == "NA"
    assert s.resolved_database_url.startswith("sqlite:///") and s.resolved_database_url.endswith("acorn.db")


def test_the_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACORN_DATABASE_URL", "postgresql+psycopg://acorn@db/acorn")
    assert load_settings().resolved_database_url == "postgresql+psycopg://acorn@db/acorn"


def test_nested_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACORN_ASN_POLICY__MINUTES_AFTER_DEPARTURE", "20")
    assert load_settings().asn_policy.minutes_after_departure == 20


@pytest.mark.parametrize(("env", "value", "named"), [
    pytest.param("ACORN_RECEIPT_ALERT_DAYS", "0", "receipt_alert_days", id="out-of-range"),
    pytest.param("ACORN_WAREHOUSES", '{"ABE8": "Mars/Olympus"}', "warehouses", id="unknown-time-zone"),
    pytest.param("ACORN_ASN_POLICY__CUTOFF_LOCAL_TIME", "25:99", "asn_policy.cutoff_local_time", id="bad-time"),
    pytest.param("ACORN_ACCOUNTS", json.dumps([{"code": "A", "selling_party": "A", "marketplace": "ZZ",
                 "ship_from_party": "W", "ship_from_address": {"name": "n", "line1": "l", "city": "c",
                 "postal_code": "1", "country_code": "US"}, "gs1_company_prefix": "0614141"}]),
                 "accounts[0].marketplace", id="unknown-marketplace"),
    pytest.param("ACORN_ACCOUNTS", json.dumps([{"code": "A", "selling_party": "A", "marketplace": "US",
                 "region": "EU", "ship_from_party": "W", "ship_from_address": {"name": "n", "line1": "l",
                 "city": "c", "postal_code": "1", "country_code": "US"}, "gs1_company_prefix": "0614141"}]),
                 "accounts[0]", id="wrong-region"),
    pytest.param("ACORN_ACCOUNTS", json.dumps([{"code": "A", "selling_party": "A", "marketplace": "US",
                 "ship_from_party": "W", "ship_from_address": {"name": "n", "line1": "l", "city": "c",
                 "postal_code": "1", "country_code": "US"}, "gs1_company_prefix": "0614141", "freight": "collect"}]),
                 "accounts[0].freight", id="unknown-freight"),
])
def test_a_bad_setting_fails_at_start_naming_the_setting(monkeypatch: pytest.MonkeyPatch, env: str, value: str,
                                                         named: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert f"setting {named}" in str(err.value)


def test_secrets_are_masked_in_repr_and_in_the_printed_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACORN_LWA_CLIENT_SECRET", "amzn1.oa2-cs.v1.super-secret-value")
    monkeypatch.setenv("ACORN_LWA_REFRESH_TOKEN", "Atzr|refresh-secret-value")
    s = load_settings()
    shown = repr(s) + str(s) + json.dumps(s.redacted())
    assert "super-secret-value" not in shown and "refresh-secret-value" not in shown
    assert s.lwa_client_secret.get_secret_value().endswith("super-secret-value")


def test_a_toml_file_named_by_acorn_config_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "acorn.toml"
    cfg.write_text('receipt_alert_days = 9\n[asn_policy]\ntransit_business_days = 4\n')
    monkeypatch.setenv("ACORN_CONFIG_FILE", str(cfg))
    s = load_settings()
    assert (s.receipt_alert_days, s.asn_policy.transit_business_days) == (9, 4)


def test_the_cli_refuses_to_start_on_a_bad_setting(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "ACORN_HOME": str(tmp_path), "ACORN_RECEIPT_ALERT_DAYS": "-3"}
    out = subprocess.run([sys.executable, "-m", "acorn.cli", "config", "check"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "receipt_alert_days" in out.stdout + out.stderr


# ----------------------------------------------------------------------------- where the LWA secrets go

AMAZON_TOKEN = "https://api.amazon.com/auth/o2/token"
#: an SP-API app's credentials (a real host refuses the sandbox's)
REAL = {"lwa_client_id": "amzn1.application-oa2-client.test", "lwa_client_secret": "amzn1.oa2-cs.v1.test",
        "lwa_refresh_token": "Atzr|test"}


@pytest.mark.parametrize(("env", "named"), [
    pytest.param({"ACORN_TOKEN_URL": "http://lwa.example.com/auth/o2/token"}, ("token_url", "ACORN_TOKEN_URL"),
                 id="http-token-url-remote"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "https://sellingpartnerapi-na.amazon.com",
                  "ACORN_TOKEN_URL": "http://api.amazon.com/auth/o2/token"}, ("token_url", "ACORN_TOKEN_URL"),
                 id="http-amazon-token-url"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "http://spapi-proxy.example.com"},
                 ("spapi_base_url", "ACORN_SPAPI_BASE_URL"), id="http-base-url-remote"),
    pytest.param({"ACORN_SPAPI_BASE_URL": "sandbox:8000"}, ("spapi_base_url", "ACORN_SPAPI_BASE_URL"),
                 id="base-url-not-http"),
])
def test_a_route_that_sends_secrets_in_clear_is_refused_naming_the_setting(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: tuple[str, str]) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    setting, variable = named
    assert f"setting {setting} (env {variable})" in str(err.value)


@pytest.mark.parametrize(("overrides", "routes", "warned"), [
    pytest.param({}, [("http://127.0.0.1:8000", "http://127.0.0.1:8000/auth/o2/token")], False,
                 id="no-endpoint-means-the-sandbox"),
    pytest.param({"spapi_base_url": "amazon"}, [("https://sellingpartnerapi-na.amazon.com", AMAZON_TOKEN)], False,
                 id="amazon-region-host"),
    pytest.param({"spapi_base_url": "http://127.0.0.1:8000"},
                 [("http://127.0.0.1:8000", "http://127.0.0.1:8000/auth/o2/token")], False, id="sandbox"),
    pytest.param({"spapi_base_url": "http://localhost:8000/"},
                 [("http://localhost:8000/", "http://localhost:8000/auth/o2/token")], False, id="sandbox-localhost"),
    pytest.param({"spapi_base_url": "https://spapi-proxy.example.com"},
                 [("https://spapi-proxy.example.com", AMAZON_TOKEN)], True, id="proxy-secrets-go-to-amazon"),
    pytest.param({"spapi_base_url": "https://spapi-proxy.example.com",
                  "token_url": "https://spapi-proxy.example.com/auth/o2/token"},
                 [("https://spapi-proxy.example.com", "https://spapi-proxy.example.com/auth/o2/token")], False,
                 id="proxy-explicit-token"),
    pytest.param({"spapi_base_url": "http://127.0.0.1:8000", "token_url": AMAZON_TOKEN},
                 [("http://127.0.0.1:8000", AMAZON_TOKEN)], True, id="sandbox-with-amazon-token"),
    pytest.param({"spapi_base_url": "amazon", "token_url": "https://lwa.example.com/token"},
                 [("https://sellingpartnerapi-na.amazon.com", "https://lwa.example.com/token")], True,
                 id="amazon-with-foreign-token"),
])
def test_the_settings_say_where_the_credentials_go(overrides: dict[str, str], routes: list[tuple[str, str]],
                                                    warned: bool) -> None:
    s = load_settings(**REAL, **overrides)
    assert s.credential_routes() == routes
    assert bool(s.credential_route_warnings()) is warned


def test_an_empty_token_url_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACORN_SPAPI_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("ACORN_TOKEN_URL", "")
    s = load_settings()
    assert s.token_url is None
    assert s.credential_routes() == [("http://127.0.0.1:8000", "http://127.0.0.1:8000/auth/o2/token")]


def test_accounts_in_two_regions_route_both_region_hosts_to_amazon() -> None:
    address = {"name": "n", "line1": "l", "city": "c", "postal_code": "1", "country_code": "US"}
    accounts = [{"code": code, "selling_party": code, "marketplace": marketplace, "ship_from_party": "W",
                 "ship_from_address": address, "gs1_company_prefix": "0614141"}
                for code, marketplace in (("A", "US"), ("B", "DE"))]
    s = load_settings(accounts=accounts, spapi_base_url="amazon", **REAL)
    assert s.credential_routes() == [("https://sellingpartnerapi-na.amazon.com", AMAZON_TOKEN),
                                     ("https://sellingpartnerapi-eu.amazon.com", AMAZON_TOKEN)]
    assert s.credential_route_warnings() == []


def test_freight_is_booked_by_the_vendor_unless_an_account_says_amazon_arranges_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert {a.freight for a in load_settings().accounts} == {"vendor"}
    account = {"code": "A", "selling_party": "A", "marketplace": "US", "ship_from_party": "W",
               "ship_from_address": {"name": "n", "line1": "l", "city": "c", "postal_code": "1", "country_code": "US"},
               "gs1_company_prefix": "0614141", "freight": "amazon", "parcel_carrier_scac": "NONE"}
    monkeypatch.setenv("ACORN_ACCOUNTS", json.dumps([account]))
    s = load_settings()  # Amazon's carrier numbers its shipments: no carrier of ours is needed
    assert (s.account("A").freight, s.account("A").collect_pickup_lead_business_days) == ("amazon", 2)
    monkeypatch.setenv("ACORN_ACCOUNTS", json.dumps([{**account, "freight": "vendor"}]))
    with pytest.raises(ConfigError, match="parcel_carrier_scac"):
        load_settings()


@pytest.mark.parametrize(("extra", "named"), [
    pytest.param({"replenishment_lead_time_days": 90}, "replenishment_horizon_weeks", id="window-past-horizon"),
    pytest.param({"replenishment_service_level": "0.95"}, "replenishment_service_level", id="level-above-p90"),
    pytest.param({"replenishment_review_days": -1}, "replenishment_review_days", id="negative-review"),
])
def test_replenishment_settings_default_to_three_weeks_and_a_bad_one_is_named(
        monkeypatch: pytest.MonkeyPatch, extra: dict[str, object], named: str) -> None:
    us = load_settings().account("ACRNUS")
    assert (us.replenishment_lead_time_days, us.replenishment_review_days, us.replenishment_service_level,
            us.replenishment_horizon_weeks) == (21, 7, Decimal("0.8"), 13)
    account = {"code": "A", "selling_party": "A", "marketplace": "US", "ship_from_party": "W",
               "ship_from_address": {"name": "n", "line1": "l", "city": "c", "postal_code": "1", "country_code": "US"},
               "gs1_company_prefix": "0614141", **extra}
    monkeypatch.setenv("ACORN_ACCOUNTS", json.dumps([account]))
    with pytest.raises(ConfigError, match=named):
        load_settings()
