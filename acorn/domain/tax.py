"""Which tax a vendor's invoice to Amazon carries, and at what rate.

A 1P vendor sells to Amazon for resale, so the tax is decided by where the goods are
delivered (the fulfilment centre) and whether the vendor is registered to charge it:

* **Canada**: GST/HST by the ship-to FC's province (the place of supply): HST 13 % in
  Ontario, 15 % in New Brunswick, Newfoundland and Labrador and Prince Edward Island, 14 %
  in Nova Scotia (since 1 April 2025); GST 5 % alone in the other provinces and the
  territories (provincial sales taxes exempt purchases for resale). Quebec is refused: its
  QST needs a separate QST registration that Acorn does not hold yet. The model has no
  ``HST`` tax type, so HST is sent as ``GST`` (the harmonised GST) with its rate.
* **EU and UK**: the standard VAT rate of the ship-to FC's country for a domestic supply.
  Goods shipped from another EU member state are an intra-community supply: zero-rated,
  the VAT reverse-charged by Amazon, so the invoice has no VAT line.
* **US**: none (sales for resale are exempt from sales tax).
* Anywhere, a vendor with no tax registration charges nothing (it cannot collect tax).

``override`` (the account's ``tax_rate`` setting) is for a vendor whose rate the table gets
wrong: a non-zero override replaces the table's rate, keeping its tax type; zero (the
default) means "use the table". Rates are fractions (``0.13`` = 13 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from acorn.domain.errors import InvalidRecord

__all__ = ["TaxRate", "tax_rate_for"]

#: Canadian provinces and territories charging HST instead of GST.
CANADA_HST = {"ON": Decimal("0.13"), "NB": Decimal("0.15"), "NL": Decimal("0.15"), "PE": Decimal("0.15"),
              "NS": Decimal("0.14")}
CANADA_GST = Decimal("0.05")
CANADA_GST_ONLY = {"AB", "BC", "MB", "SK", "NT", "NU", "YT"}

#: Standard VAT rates by country (ISO 3166-1 alpha-2; the UK is GB).
VAT = {
    "AT": Decimal("0.20"), "BE": Decimal("0.21"), "CZ": Decimal("0.21"), "DE": Decimal("0.19"),
    "DK": Decimal("0.25"), "ES": Decimal("0.21"), "FR": Decimal("0.20"), "IE": Decimal("0.23"),
    "IT": Decimal("0.22"), "LU": Decimal("0.17"), "NL": Decimal("0.21"), "PL": Decimal("0.23"),
    "PT": Decimal("0.23"), "SE": Decimal("0.25"), "GB": Decimal("0.20"),
}
EU = set(VAT) - {"GB"}
NO_TAX = {"US"}


@dataclass(frozen=True)
class TaxRate:
    """One tax on the invoice: the model's ``taxType``, the rate as a fraction, a printable name."""

    tax_type: str
    rate: Decimal
    label: str

    @property
    def percent(self) -> Decimal:
        return self.rate * 100


def tax_rate_for(*, ship_to_country: str, ship_to_region: str | None, ship_from_country: str,
                 registered: bool, override: Decimal = Decimal(0), record: str = "invoice") -> TaxRate | None:
    """The tax the invoice carries, or ``None`` when it carries none; unknown places are an error."""
    country = (ship_to_country or "").upper()
    if not registered or country in NO_TAX:
        return None
    found = _table(country, (ship_to_region or "").upper(), (ship_from_country or "").upper(), record)
    if found is None or not override:
        return found
    if not 0 < override < 1:
        raise InvalidRecord(f"tax rate {override} is a fraction: 0.13 means 13 %", record=record, field="tax_rate")
    return TaxRate(found.tax_type, Decimal(override), found.label)


def _table(country: str, region: str, ship_from: str, record: str) -> TaxRate | None:
    if country == "CA":
        if region in CANADA_HST:
            return TaxRate("GST", CANADA_HST[region], f"HST ({region})")
        if region in CANADA_GST_ONLY:
            return TaxRate("GST", CANADA_GST, f"GST ({region})")
        if region == "QC":
            raise InvalidRecord("Quebec needs QST besides GST, which Acorn does not compute yet",
                                record=record, field="shipToParty.stateOrRegion")
        raise InvalidRecord(f"{region or 'no province'} is not a Canadian province or territory",
                            record=record, field="shipToParty.stateOrRegion")
    if country in VAT:
        if country in EU and ship_from in EU and ship_from != country:
            return None  # intra-community supply: zero-rated, reverse-charged by the buyer
        return TaxRate("VAT", VAT[country], f"VAT ({country})")
    raise InvalidRecord(f"no tax rule for deliveries to {country or 'an unknown country'}",
                        record=record, field="shipToParty.countryCode")
