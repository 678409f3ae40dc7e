"""Configuration for real vendors: the sandbox unless Amazon is chosen, per-account endpoints and
credentials, PostgreSQL URLs as providers hand them out, the example file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from acorn.config import ConfigError, load_settings
from acorn.routes import SANDBOX_BASE_URL
from acorn.runtime import Runtime
from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxConfig, SandboxServer
from acorn.sandbox.auth import SandboxCredential

REPO = Path(__file__).resolve().parents[2]
NA, EU = "https://sellingpartnerapi-na.amazon.com", "https://sellingpartnerapi-eu.amazon.com"
REAL = {"lwa_client_id": "amzn1.application-oa2-client.test", "lwa_client_secret": "amzn1.oa2-cs.v1.test",
        "lwa_refresh_token": "Atzr|test"}
ADDRESS = {"name": "n", "line1": "l", "city": "c", "postal_code": "1", "country_code": "US"}


def _account(code: str, marketplace: str, **extra: object) -> dict[str, object]:
    return {"code": code, "selling_party": code, "marketplace": marketplace, "ship_from_party": "W",
            "ship_from_address": ADDRESS, "gs1_company_prefix": "0614141", "freight": "amazon", **extra}


def test_without_configuration_every_account_talks_to_the_sandbox_on_its_default_port() -> None:
    from acorn.sandbox.cli import serve

    s = load_settings()
    assert s.spapi_base_url == "sandbox"
    assert {r.base_url for r in s.routes()} == {SANDBOX_BASE_URL}
    defaults = {p.name: p.default.default for p in __import__("inspect").signature(serve).parameters.values()
                if p.name in ("host", "port")}
    assert SANDBOX_BASE_URL == f"http://{defaults['host']}:{defaults['port']}"


@pytest.mark.parametrize(("overrides", "named"), [
    pytest.param({"spapi_base_url": "amazon"}, "lwa_client_secret (env ACORN_LWA_CLIENT_SECRET)) is the sandbox",
                 id="amazon-with-sandbox-credentials"),
    pytest.param({"spapi_base_url": NA, **REAL, "lwa_refresh_token": " "},
                 "lwa_refresh_token (env ACORN_LWA_REFRESH_TOKEN)) is empty", id="amazon-url-empty-refresh-token"),
    pytest.param({"spapi_base_url": "https://spapi-proxy.example.com", **REAL,
                  "lwa_client_id": DEFAULT_CREDENTIALS["client_id"]},
                 "lwa_client_id (env ACORN_LWA_CLIENT_ID)) is the sandbox", id="proxy-sandbox-client-id"),
    pytest.param({"accounts": [_account("A", "US"), _account("B", "DE", endpoint="amazon", lwa={
                  "refresh_token": DEFAULT_CREDENTIALS["refresh_token"]})]},
                 "accounts[1].lwa.refresh_token) is the sandbox", id="one-account-on-amazon"),
])
def test_a_real_host_with_sandbox_or_empty_credentials_is_refused_naming_the_setting(
        overrides: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(**overrides)
    assert named in str(err.value) and "real host" in str(err.value)


def test_the_sandbox_accepts_its_own_credentials_and_amazon_needs_them_named() -> None:
    s = load_settings(accounts=[_account("A", "US"), _account("B", "DE", endpoint="amazon", lwa={
        "refresh_token": "Atzr|eu"})], **{k: v for k, v in REAL.items() if k != "lwa_refresh_token"})
    # A falls back to the global refresh token (the sandbox's), fine for the sandbox; B has its own
    assert [(r.account, r.base_url) for r in s.routes()] == [("A", SANDBOX_BASE_URL), ("B", EU)]


def test_a_secret_named_by_an_environment_variable_must_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    accounts = [_account("B", "DE", endpoint="amazon", lwa={"refresh_token_env": "ACME_EU_REFRESH"})]
    with pytest.raises(ConfigError, match=r"accounts\[0\]\.lwa\.refresh_token_env names environment variable "
                                          r"ACME_EU_REFRESH, which is not set"):
        load_settings(accounts=accounts, **REAL)
    monkeypatch.setenv("ACME_EU_REFRESH", DEFAULT_CREDENTIALS["refresh_token"])
    with pytest.raises(ConfigError, match="environment variable ACME_EU_REFRESH\\) is the sandbox"):
        load_settings(accounts=accounts, **REAL)
    monkeypatch.setenv("ACME_EU_REFRESH", "Atzr|eu-real")
    route = load_settings(accounts=accounts, **REAL).routes()[0]
    assert route.credentials().refresh_token.get_secret_value() == "Atzr|eu-real"


def test_each_secret_has_one_source() -> None:
    accounts = [_account("B", "DE", lwa={"client_secret": "x", "client_secret_block": "acorn-eu-secret"})]
    with pytest.raises(ConfigError, match=r"accounts\[0\]\.lwa.*client_secret, client_secret_block"):
        load_settings(accounts=accounts)


def test_an_endpoint_sending_tokens_in_clear_is_refused_for_an_account() -> None:
    with pytest.raises(ConfigError, match=r"setting accounts\[0\]\.endpoint .*plain http"):
        load_settings(accounts=[_account("A", "US", endpoint="http://spapi.example.com")], **REAL)


def test_accounts_share_a_client_only_when_host_and_credentials_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three accounts, two selling partners: US and CA share the app and token, MX has its own refresh
    token; each client gets a real access token from the sandbox with its own credentials."""
    mx = SandboxCredential(client_id=DEFAULT_CREDENTIALS["client_id"],
                           client_secret=SecretStr(DEFAULT_CREDENTIALS["client_secret"]),
                           refresh_token=SecretStr("Atzr|acorn-sandbox-mx"))
    monkeypatch.setenv("ACME_MX_REFRESH", "Atzr|acorn-sandbox-mx")
    with SandboxServer(SandboxConfig(seed=7, more_credentials=[mx]), port=0) as sandbox:
        s = load_settings(spapi_base_url=sandbox.base_url, accounts=[
            _account("US1", "US"), _account("CA1", "CA"),
            _account("MX1", "MX", lwa={"refresh_token_env": "ACME_MX_REFRESH"})])
        rt = Runtime(s)
        try:
            us, ca, mx_client = (rt.client(s.account(code)) for code in ("US1", "CA1", "MX1"))
            assert us is ca and mx_client is not us
            assert rt.client(s.account("MX1")) is mx_client  # built once per process
            tokens = {c._sender._tokens.token() for c in (us, mx_client)}  # a real LWA grant each
            assert len(tokens) == 2
        finally:
            rt.close()


def test_a_client_is_never_built_with_sandbox_credentials_read_from_a_block_for_amazon() -> None:
    from acorn.routes import AccountRoute, CredentialsError, SecretSource

    route = AccountRoute(account="A", endpoint_setting="accounts[0].endpoint", base_url=NA,
                         token_url="https://api.amazon.com/auth/o2/token", client_id="amzn1.x",
                         client_id_setting="lwa_client_id",
                         client_secret=SecretSource("s", "value", given=SecretStr("real")),
                         refresh_token=SecretSource("r", "value", given=SecretStr("")))
    with pytest.raises(CredentialsError, match="refresh token \\(r\\) is empty"):
        route.credentials()


@pytest.mark.parametrize(("given", "expected"), [
    pytest.param("postgres://acorn:pw@db:5432/acorn", "postgresql+psycopg://acorn:pw@db:5432/acorn", id="postgres"),
    pytest.param("postgresql://acorn@db/acorn", "postgresql+psycopg://acorn@db/acorn", id="postgresql"),
    pytest.param("postgresql+psycopg://acorn@db/acorn", "postgresql+psycopg://acorn@db/acorn", id="explicit"),
    pytest.param("sqlite:////tmp/a.db", "sqlite:////tmp/a.db", id="sqlite"),
])
def test_postgres_urls_use_the_installed_driver(given: str, expected: str) -> None:
    assert load_settings(database_url=given).resolved_database_url == expected


def test_a_database_acorn_has_no_driver_for_is_refused_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"setting database_url .*SQLite .* or PostgreSQL .*'mysql'"):
        load_settings(database_url="mysql://acorn:pw@db/acorn")
    with pytest.raises(ConfigError, match="no scheme") as err:
        load_settings(database_url="acorn:pw-9f2@db/acorn")
    assert "pw-9f2" not in str(err.value)


@pytest.mark.postgres
def test_a_postgres_url_from_a_hosting_provider_reaches_the_database(postgres_url: str) -> None:
    from acorn.store import current_revision, upgrade

    url = load_settings(database_url=postgres_url.replace("postgresql+psycopg://", "postgres://")).resolved_database_url
    upgrade(url)
    assert current_revision(url) is not None


def test_the_printed_configuration_masks_the_database_password() -> None:
    shown = json.dumps(load_settings(database_url="postgres://acorn:s3cret-pw@db/acorn").redacted())
    assert "s3cret-pw" not in shown and "acorn:***@db" in shown


def test_a_missing_or_broken_config_file_stops_start_up_naming_it(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    monkeypatch.setenv("ACORN_CONFIG_FILE", str(missing))
    with pytest.raises(ConfigError, match=f"{missing}, which does not exist"):
        load_settings()
    broken = tmp_path / "broken.toml"
    broken.write_text('home = "/srv/acorn"\n[accounts\n')
    monkeypatch.setenv("ACORN_CONFIG_FILE", str(broken))
    with pytest.raises(ConfigError, match=r"broken.toml is not valid TOML: .*line 2"):
        load_settings()


def test_the_example_configuration_gives_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    example = REPO / "deployments" / "acorn.example.toml"
    assert example.read_text() == (REPO / "acorn" / "acorn.example.toml").read_text(), "the two copies differ"
    monkeypatch.setenv("ACORN_CONFIG_FILE", str(example))
    monkeypatch.setenv("ACME_US_LWA_REFRESH_TOKEN", "Atzr|us-real")
    monkeypatch.delenv("ACORN_HOME")  # the environment would win over the file
    s = load_settings()
    assert [(r.account, r.base_url, r.refresh_token.kind) for r in s.routes()] == [
        ("ACMEUS", NA, "env"), ("ACMEDE", EU, "block")]
    assert {r.client_secret.ref for r in s.routes()} == {"acorn-lwa-client-secret"}
    assert s.account("ACMEDE").currency == "EUR" and s.account("ACMEDE").freight == "amazon"
    assert set(s.carriers) == {"UPSN", "ODFL"} and s.home == Path("/var/lib/acorn")
