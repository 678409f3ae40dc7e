"""Configuration, read in one place.

Sources, strongest first: keyword arguments, ``ACORN_*`` environment variables (nested
with ``__``, e.g. ``ACORN_ASN_POLICY__MINUTES_AFTER_DEPARTURE=20``), a TOML file named by
``ACORN_CONFIG_FILE``, then the embedded defaults, which describe the two vendor accounts
the built-in sandbox serves. Nothing here talks to the network; secrets stored in Prefect
Secret blocks are resolved only when a client is built (``acorn.routes``).
Without configuration every account talks to the built-in sandbox, never to Amazon.

A bad setting stops start-up with :class:`ConfigError`, whose message names the setting.
"""

from __future__ import annotations

import os
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from acorn.domain.calendar import MARKETPLACES
from acorn.reference import Address as PrintedAddress
from acorn.reference import AmazonEntity, FulfilmentCentre, amazon_entity, fulfilment_centre
from acorn.sandbox_defaults import DEFAULT_CREDENTIALS as SANDBOX_CREDENTIALS

if TYPE_CHECKING:
    from acorn.routes import AccountRoute




class ConfigError(ValueError):
    """A setting is missing or wrong; the message names it and the environment variable."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(_Strict):
    name: str
    line1: str
    city: str
    state_or_region: str | None = None
    postal_code: str
    country_code: str = Field(min_length=2, max_length=2)

    def printed(self) -> PrintedAddress:
        """The same address as documents and payloads use it (``acorn.reference.Address``)."""
        return PrintedAddress(name=self.name, address_line1=self.line1, city=self.city,
                              state_or_region=self.state_or_region or "", postal_code=self.postal_code,
                              country_code=self.country_code)


class PaymentTermsSettings(_Strict):
    net_days: int = Field(default=60, ge=0, le=365)
    discount_percent: Decimal = Field(default=Decimal("0"), ge=0, lt=100)
    discount_days: int = Field(default=0, ge=0, le=365)
    basis: Literal["invoice", "receipt"] = "invoice"


class AsnPolicySettings(_Strict):
    """Amazon's ASN timeliness rule, and how our dock works."""

    minutes_after_departure: int = Field(default=30, ge=0)
    hours_before_appointment: int = Field(default=6, ge=0)
    cutoff_local_time: time = time(15, 0)
    transit_business_days: int = Field(default=2, ge=0, le=30)


class DockSettings(_Strict):
    """One ship-from dock, keyed by the ``ship_from_party`` of the accounts that ship from it: its
    clock, its daily truck cut-off and the days it is closed. Unset values take the global ones:
    ``time_zone`` the accounts' ``ship_from_tz``, ``cutoff_local_time`` ``asn_policy.cutoff_local_time``.
    Departures skip closure days (acorn/domain/deadlines.py); weekends and public holidays of the
    dock's country are closed anyway."""

    time_zone: str | None = None
    cutoff_local_time: time | None = None
    #: dates (``2026-07-03``) or inclusive shutdowns (``"2026-12-24..2027-01-01"``)
    closed_days: tuple[date, ...] = ()

    @field_validator("time_zone")
    @classmethod
    def _dock_time_zone(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @field_validator("closed_days", mode="before")
    @classmethod
    def _shutdowns(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        return tuple(day for item in v for day in _closure_days(item)) if isinstance(v, list | tuple) else v


def _closure_days(item: Any) -> list[Any]:
    """``"FIRST..LAST"`` → every day from FIRST to LAST; anything else is one date (pydantic checks it)."""
    if not (isinstance(item, str) and ".." in item):
        return [item]
    first, last = (date.fromisoformat(part.strip()) for part in item.split("..", 1))
    if not first <= last <= first + timedelta(days=366):
        raise ValueError(f"shutdown {item!r}: the last day must follow the first, within a year")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class DisputeSettings(_Strict):
    """How long Amazon lets a vendor dispute a deduction (Vendor Central guidance; see
    acorn/sandbox/README.md): shortages best within 30 days of the invoice's due date, price
    claims within 60 days of the deduction, nothing older than two years."""

    shortage_days_after_due: int = Field(default=30, ge=0, le=730)
    price_days_after_deduction: int = Field(default=60, ge=0, le=730)
    max_age_days: int = Field(default=730, ge=1, le=3650)
    #: raise an alert when a disputable claim's window closes within this many days
    alert_days_before: int = Field(default=7, ge=0, le=365)


class CarrierSettings(_Strict):
    """One carrier: how its references are made (acorn/domain/carrier_numbers.py says which
    carrier uses which check rule) and what its bill of lading prints."""

    name: str
    mode: Literal["parcel", "freight"]
    #: freight: the PRO block the carrier issued (bases, before the check digit)
    pro_range_start: int | None = Field(default=None, ge=0)
    pro_range_end: int | None = Field(default=None, ge=0)
    pro_digits: int = Field(default=9, ge=4, le=15)
    pro_check_rule: Literal["mod7", "mod11", "none"] = "mod7"
    pro_check_span: int | None = Field(default=None, ge=1)
    #: parcel: the UPS-style shipper number and service code tracking numbers carry
    shipper_number: str | None = Field(default=None, pattern=r"^[A-Z0-9]{6}$")
    service_code: str = Field(default="03", pattern=r"^[0-9]{2}$")
    #: printed on the bill of lading when set
    freight_class: str | None = None
    nmfc: str | None = None

    @model_validator(mode="after")
    def _references_configured(self) -> CarrierSettings:
        if self.mode == "freight" and (self.pro_range_start is None or self.pro_range_end is None):
            raise ValueError("a freight carrier needs pro_range_start and pro_range_end (the PRO block it issued)")
        if self.mode == "parcel" and self.shipper_number is None:
            raise ValueError("a parcel carrier needs shipper_number")
        return self


class LwaSettings(_Strict):
    """An account's own LWA credentials; what is unset falls back to the global ``lwa_*`` settings.

    Each secret is given once: as a value, as the name of an environment variable (``*_env``)
    or as the name of a Prefect Secret block (``*_block``), so a config file need not hold it.
    """

    client_id: str | None = None
    client_secret: SecretStr | None = None
    client_secret_env: str | None = None
    client_secret_block: str | None = None
    refresh_token: SecretStr | None = None
    refresh_token_env: str | None = None
    refresh_token_block: str | None = None

    @model_validator(mode="after")
    def _one_source_per_secret(self) -> LwaSettings:
        for name in ("client_secret", "refresh_token"):
            given = [f for f in (name, f"{name}_env", f"{name}_block") if getattr(self, f) is not None]
            if len(given) > 1:
                raise ValueError(f"{name}: give one of {', '.join(given)}, not several")
        return self


DEFAULT_CARRIERS = {
    "UPSN": CarrierSettings(name="United Parcel Service", mode="parcel", shipper_number="A0C4R1"),
    # demo block; ODFL's check rule is assumed mod 7 (see acorn/domain/carrier_numbers.py)
    "ODFL": CarrierSettings(name="Old Dominion Freight Line", mode="freight", pro_range_start=770000000,
                            pro_range_end=779999999, pro_digits=9, pro_check_rule="mod7", freight_class="100"),
}


class VendorAccountSettings(_Strict):
    code: str = Field(min_length=1, max_length=40)
    selling_party: str = Field(min_length=1, max_length=20)
    marketplace: str
    region: str | None = None
    #: ``sandbox``, ``amazon`` (the region's host) or a URL; unset: the global ``spapi_base_url``
    endpoint: str | None = None
    #: this account's LWA credentials; unset fields: the global ``lwa_*`` settings
    lwa: LwaSettings | None = None
    ship_from_party: str
    ship_from_address: Address
    ship_from_tz: str = "America/New_York"
    gs1_company_prefix: str
    sscc_extension_digit: int = Field(default=0, ge=0, le=9)
    payment_terms: PaymentTermsSettings = PaymentTermsSettings()
    tax_rate: Decimal = Field(default=Decimal("0"), ge=0, lt=1)
    tax_registration: str | None = None
    #: where Amazon sends payment (printed on invoices); default: the ship-from address
    remit_to_address: Address | None = None
    invoice_prefix: str = Field(default="INV", pattern=r"^[A-Z0-9]{1,8}$")
    parcel_carrier_scac: str = Field(default="UPSN", min_length=2, max_length=4)
    freight_carrier_scac: str = Field(default="ODFL", min_length=2, max_length=4)
    erp_warehouse: str = "NJ1"
    #: accept a shortfall against the ERP's next arrival (``restock_date`` with ``restock_units``) when
    #: it lands a day before the PO's ship window ends; off: only stock on the shelf is accepted
    accept_arriving_stock: bool = False
    max_carton_weight_kg: Decimal = Field(default=Decimal("22.5"), gt=0)
    max_cartons_per_pallet: int = Field(default=40, gt=0)
    max_pallet_weight_kg: Decimal = Field(default=Decimal("680"), gt=0)
    #: who books the truck: ``vendor`` (prepaid: our carriers, our PRO numbers) or ``amazon`` (collect:
    #: a SubmitShipments routing request at planning time, Amazon's carrier, PRO and labels read back)
    freight: Literal["vendor", "amazon"] = "vendor"
    #: collect freight: business days Amazon needs between the routing request and the pickup
    collect_pickup_lead_business_days: int = Field(default=2, ge=0, le=10)
    #: replenishment (``acorn replenish``, the weekly ``plan_replenishment``): days from deciding to make or
    #: send stock until it is at the ship-from dock (production + transit); cover below it raises an alert
    replenishment_lead_time_days: int = Field(default=21, ge=0, le=364)
    #: days until the next plan looks again (the weekly run): stock must last lead time + this
    replenishment_review_days: int = Field(default=7, ge=0, le=91)
    #: the share of weeks demand should not exceed the plan: Amazon publishes P70, P80 and P90 (0.7-0.9)
    replenishment_service_level: Decimal = Field(default=Decimal("0.8"), ge=Decimal("0.7"), le=Decimal("0.9"))
    #: coming weeks planned; lead time + review must fit in them
    replenishment_horizon_weeks: int = Field(default=13, ge=1, le=52)

    @field_validator("marketplace")
    @classmethod
    def _known_marketplace(cls, v: str) -> str:
        if v not in MARKETPLACES:
            raise ValueError(f"unknown marketplace {v!r}; expected one of {', '.join(MARKETPLACES)}")
        return v

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        from acorn.routes import check_endpoint

        return check_endpoint(v)

    @field_validator("ship_from_tz")
    @classmethod
    def _dock_time_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @field_validator("gs1_company_prefix")
    @classmethod
    def _gs1_prefix(cls, v: str) -> str:
        if not (v.isdigit() and 7 <= len(v) <= 11):
            raise ValueError("a GS1 company prefix is 7 to 11 digits")
        return v

    @model_validator(mode="after")
    def _replenishment_window_fits(self) -> VendorAccountSettings:
        window = self.replenishment_lead_time_days + self.replenishment_review_days
        if window > 7 * self.replenishment_horizon_weeks:
            raise ValueError(f"replenishment_lead_time_days + replenishment_review_days ({window} d) is longer than "
                             f"replenishment_horizon_weeks ({self.replenishment_horizon_weeks} weeks)")
        return self

    @model_validator(mode="after")
    def _region_matches(self) -> VendorAccountSettings:
        region = MARKETPLACES[self.marketplace].region
        if self.region is None:
            object.__setattr__(self, "region", region)
        elif self.region != region:
            raise ValueError(f"region {self.region!r} does not serve marketplace {self.marketplace} ({region})")
        return self

    @property
    def currency(self) -> str:
        return MARKETPLACES[self.marketplace].currency

    @property
    def country(self) -> str:
        return MARKETPLACES[self.marketplace].country


_SANDBOX_WAREHOUSE = Address(name="Acorn Demo Goods Co.", line1="100 Harbor Way", city="Edison",
                             state_or_region="NJ", postal_code="08817", country_code="US")

DEFAULT_ACCOUNTS = [
    VendorAccountSettings(code="ACRNUS", selling_party="ACRNUS", marketplace="US", ship_from_party="ACRNWH1",
                          ship_from_address=_SANDBOX_WAREHOUSE, gs1_company_prefix="0614141",
                          invoice_prefix="US"),
    VendorAccountSettings(code="ACRNCA", selling_party="ACRNCA", marketplace="CA", ship_from_party="ACRNWH1",
                          ship_from_address=_SANDBOX_WAREHOUSE, gs1_company_prefix="0614141",
                          sscc_extension_digit=1, invoice_prefix="CA", tax_rate=Decimal("0"),
                          tax_registration="123456789RT0001"),
]

#: Amazon fulfilment centres the sandbox ships to, with the time zone their appointments use
DEFAULT_WAREHOUSES = {"ABE8": "America/New_York", "MDW2": "America/Chicago",
                      "ONT8": "America/Los_Angeles", "YYZ4": "America/Toronto"}


class AcornSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACORN_", env_nested_delimiter="__", extra="forbid",
                                      validate_default=True)

    home: Path = Path(".acorn")
    database_url: str | None = None
    #: ``sandbox`` (`acorn sandbox serve` on its default port), ``amazon`` (each account's region
    #: host) or a URL; an account's own ``endpoint`` wins. Amazon is never the default.
    spapi_base_url: str = "sandbox"
    token_url: str | None = None
    lwa_client_id: str = SANDBOX_CREDENTIALS["client_id"]
    lwa_client_secret: SecretStr = SecretStr(SANDBOX_CREDENTIALS["client_secret"])
    lwa_refresh_token: SecretStr = SecretStr(SANDBOX_CREDENTIALS["refresh_token"])
    lwa_client_secret_block: str | None = None
    lwa_refresh_token_block: str | None = None
    accounts: list[VendorAccountSettings] = Field(default_factory=lambda: list(DEFAULT_ACCOUNTS), min_length=1)
    warehouses: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_WAREHOUSES))
    asn_policy: AsnPolicySettings = AsnPolicySettings()
    receipt_alert_days: int = Field(default=5, ge=1)
    transaction_stuck_minutes: int = Field(default=60, ge=1)
    #: how long a worker's claim on a document it is sending holds (a crashed worker's claim on
    #: another host is taken over after this; on this host as soon as its process is gone)
    outbox_lease_seconds: int = Field(default=300, ge=5)
    #: one delivery round's time budget: what it does not reach waits for the next round, so a
    #: round ends well inside the delivery task's 900 s timeout whatever the day's volume
    delivery_round_seconds: int = Field(default=600, ge=10, le=840)
    #: how long a submitting run waits for another live run to give up the account's submission
    #: slot before it fails naming that run (a holder that stopped answering is freed after 3 min)
    submission_slot_wait_minutes: float = Field(default=60, gt=0, le=24 * 60)
    documents_dir: Path | None = None  # default: <home>/documents
    #: extra/overriding rows for the reference tables in acorn/reference/ (same CSV columns)
    fc_addresses_file: Path | None = None
    amazon_entities_file: Path | None = None
    disputes: DisputeSettings = DisputeSettings()
    #: where remittance files are dropped to be imported (default: <home>/remittances)
    remittance_inbox: Path | None = None
    #: the daily dashboard (default: <home>/reports) and the gates' Data Docs (default: <home>/data-docs)
    reports_dir: Path | None = None
    data_docs_dir: Path | None = None
    #: per SCAC: PRO blocks, tracking-number shipper, freight class (acorn/domain/carrier_numbers.py)
    carriers: dict[str, CarrierSettings] = Field(default_factory=lambda: dict(DEFAULT_CARRIERS))
    #: per ship-from dock (the accounts' ship_from_party): time zone, truck cut-off, closure days
    docks: dict[str, DockSettings] = Field(default_factory=dict)

    @property
    def resolved_documents_dir(self) -> Path:
        return self.documents_dir or self.home / "documents"

    @property
    def resolved_remittance_inbox(self) -> Path:
        return self.remittance_inbox or self.home / "remittances"

    @property
    def resolved_reports_dir(self) -> Path:
        return self.reports_dir or self.home / "reports"

    @property
    def resolved_replenishment_dir(self) -> Path:
        """Where `acorn replenish` and the weekly plan write their CSV and HTML: ``<reports>/replenishment``."""
        return self.resolved_reports_dir / "replenishment"

    @property
    def resolved_data_docs_dir(self) -> Path:
        return self.data_docs_dir or self.home / "data-docs"

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("ACORN_CONFIG_FILE")
        if config_file:
            sources.append(_toml_source(settings_cls, Path(config_file)))
        return tuple(sources)

    @field_validator("warehouses")
    @classmethod
    def _time_zones_exist(cls, v: dict[str, str]) -> dict[str, str]:
        for fc, tz in v.items():
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"warehouse {fc}: unknown time zone {tz!r}") from None
        return v

    @field_validator("spapi_base_url")
    @classmethod
    def _endpoint(cls, v: str | None) -> str:
        """``sandbox``, ``amazon`` or http(s) with a host; plain http only to loopback."""
        if v is None or not v.strip():
            return "sandbox"
        from acorn.routes import check_endpoint  # the client package, only when configured

        return check_endpoint(v)

    @field_validator("token_url")
    @classmethod
    def _no_secrets_in_clear(cls, v: str | None) -> str | None:
        """http(s) with a host; plain http only to loopback (the rule lives in acorn.spapi._credentials)."""
        if v is None or not v.strip():
            return None
        from acorn.spapi._credentials import validate_endpoint_url

        return validate_endpoint_url(v, setting="token_url")

    @field_validator("database_url")
    @classmethod
    def _installed_driver(cls, v: str | None) -> str | None:
        """``postgres://`` and ``postgresql://`` (what hosting providers hand out) mean psycopg 3."""
        if v is None or not v.strip():
            return None
        for scheme in ("postgres://", "postgresql://"):
            if v.startswith(scheme):
                return "postgresql+psycopg://" + v[len(scheme):]
        scheme = v.split("://", 1)[0] if "://" in v else "no scheme"  # never echo the rest: it may hold a password
        if not (scheme == "sqlite" or scheme.startswith("sqlite+") or scheme == "postgresql+psycopg"):
            raise ValueError(f"Acorn's store is SQLite (sqlite:///PATH) or PostgreSQL (postgres://USER@HOST/DB), "
                             f"got {scheme!r}")
        return v

    @model_validator(mode="after")
    def _unique_accounts(self) -> AcornSettings:
        codes = [a.code for a in self.accounts]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"accounts: duplicate code(s) {', '.join(dupes)}")
        for a in self.accounts:  # a shipment must never be planned with a carrier we cannot number for
            if a.freight == "amazon":
                continue  # Amazon's carrier numbers its own shipments
            for field, kind in (("parcel_carrier_scac", "parcel"), ("freight_carrier_scac", "freight")):
                scac = getattr(a, field)
                if scac not in self.carriers or self.carriers[scac].mode != kind:
                    raise ValueError(f"accounts[{a.code}].{field}: {scac!r} is not a configured {kind} carrier "
                                     f"(carriers: {', '.join(self.carriers) or 'none'})")
        return self

    @field_validator("docks")
    @classmethod
    def _docks_ship_for_accounts(cls, v: dict[str, DockSettings], info: ValidationInfo) -> dict[str, DockSettings]:
        parties = {a.ship_from_party for a in info.data.get("accounts") or []}  # absent: accounts failed first
        if not parties:
            return v
        spelled = {p.upper(): p for p in parties}  # environment variable names arrive lower-cased
        unknown = sorted(k for k in v if k.upper() not in spelled)
        if unknown:
            raise ValueError(f"no account ships from {', '.join(unknown)} "
                             f"(ship_from_party: {', '.join(sorted(parties))})")
        return {spelled[k.upper()]: dock for k, dock in v.items()}

    @model_validator(mode="after")
    def _one_clock_per_dock(self) -> AcornSettings:
        """A dock's time zone becomes its accounts' ``ship_from_tz``, unless one of them says otherwise."""
        for party, dock in self.docks.items():
            for i, a in enumerate(self.accounts):
                if a.ship_from_party != party or not dock.time_zone:
                    continue
                if "ship_from_tz" in a.model_fields_set and a.ship_from_tz != dock.time_zone:
                    raise ValueError(f"accounts[{a.code}].ship_from_tz {a.ship_from_tz!r} disagrees with "
                                     f"docks.{party}.time_zone {dock.time_zone!r}; set one of them")
                self.accounts[i] = a.model_copy(update={"ship_from_tz": dock.time_zone})  # defaults are shared
        return self

    def dock(self, account: VendorAccountSettings) -> DockSettings:
        """The account's ship-from dock with every value filled in (global defaults where unset)."""
        dock = self.docks.get(account.ship_from_party, DockSettings())
        return DockSettings(time_zone=account.ship_from_tz,
                            cutoff_local_time=dock.cutoff_local_time or self.asn_policy.cutoff_local_time,
                            closed_days=dock.closed_days)

    @model_validator(mode="after")
    def _real_hosts_need_real_credentials(self) -> AcornSettings:
        problems = [p for route in self.routes() for p in route.problems()]
        if problems:
            raise ValueError("\n  ".join(problems))
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'acorn.db').resolve()}"

    def routes(self) -> list[AccountRoute]:
        """Each account's :class:`acorn.routes.AccountRoute`: host, token URL, credential sources."""
        from acorn.routes import route_for

        return [route_for(self, a, i) for i, a in enumerate(self.accounts)]

    def route(self, account: VendorAccountSettings) -> AccountRoute:
        return next(r for r in self.routes() if r.account == account.code)

    def spapi_base_urls(self) -> list[str]:
        """The SP-API hosts the accounts use, in account order."""
        return list(dict.fromkeys(r.base_url for r in self.routes()))

    def credential_routes(self) -> list[tuple[str, str]]:
        """``(SP-API base URL, token URL that receives the LWA secrets)`` for each host in use."""
        return list(dict.fromkeys((r.base_url, r.token_url) for r in self.routes()))

    def credential_route_warnings(self) -> list[str]:
        """What ``acorn config check`` warns about: API and token hosts that disagree in kind."""
        from acorn.spapi._credentials import credential_route_warnings

        return [w for base in self.spapi_base_urls() for w in credential_route_warnings(base, self.token_url)]

    def account(self, code: str) -> VendorAccountSettings:
        for a in self.accounts:
            if a.code == code:
                return a
        configured = ", ".join(a.code for a in self.accounts)
        raise ConfigError(f"accounts: no vendor account {code!r} (configured: {configured})")

    def carrier(self, scac: str) -> CarrierSettings:
        if scac not in self.carriers:
            raise ConfigError(f"carriers: no carrier {scac!r} (configured: {', '.join(self.carriers)}); "
                              f"set ACORN_CARRIERS__{scac}__NAME and its PRO block or shipper number")
        return self.carriers[scac]

    def fulfilment_centre(self, code: str) -> FulfilmentCentre:
        """The FC's full address (ship-to on labels, invoices and bills of lading)."""
        return fulfilment_centre(code, self.fc_addresses_file)

    def amazon_entity(self, account: VendorAccountSettings) -> AmazonEntity:
        """Who the account's invoices are billed to (``billToParty``)."""
        return amazon_entity(account.country, self.amazon_entities_file)

    def warehouse_tz(self, fc: str) -> ZoneInfo:
        if fc not in self.warehouses:
            raise ConfigError(f"warehouses: no time zone for fulfilment centre {fc!r}; set ACORN_WAREHOUSES")
        return ZoneInfo(self.warehouses[fc])

    def redacted(self) -> dict[str, Any]:
        """What `acorn config show` prints: SecretStr fields and the database password stay masked."""
        shown = self.model_dump(mode="json")
        if self.database_url:
            shown["database_url"] = masked_url(self.database_url)
        return shown


def masked_url(url: str) -> str:
    """``url`` with its password (if any) shown as ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable URL, not shown>"


def _toml_source(settings_cls: type[BaseSettings], path: Path) -> PydanticBaseSettingsSource:
    """The file ACORN_CONFIG_FILE names; a missing or broken file stops start-up (never silently ignored)."""
    import tomllib

    if not path.is_file():
        raise ConfigError(f"ACORN_CONFIG_FILE names {path}, which does not exist (write one with `acorn init "
                          f"--path {path}`, or unset ACORN_CONFIG_FILE)")
    try:
        return TomlConfigSettingsSource(settings_cls, toml_file=path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"ACORN_CONFIG_FILE {path} is not valid TOML: {exc}") from None


def _setting_name(loc: tuple[Any, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def load_settings(**overrides: Any) -> AcornSettings:
    """Read the configuration once; turn validation errors into messages naming the setting."""
    try:
        return AcornSettings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            if not err["loc"]:  # a rule across settings: its message names them
                lines.append(err["msg"].removeprefix("Value error, "))
                continue
            name = _setting_name(tuple(err["loc"]))
            env = "ACORN_" + "__".join(str(p).upper() for p in err["loc"])
            lines.append(f"setting {name} (env {env}): {err['msg']}")
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
