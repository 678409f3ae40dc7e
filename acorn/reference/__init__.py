"""Reference data the paperwork needs: fulfilment-centre addresses and Amazon's billing entities.

Shipped as CSV files beside this module (the sandbox's fulfilment centres and Amazon's
entities for the marketplaces Acorn knows). A vendor adds or overrides rows with their own
CSV of the same columns: ``ACORN_FC_ADDRESSES_FILE`` and ``ACORN_AMAZON_ENTITIES_FILE``
(rows there win, by ``code`` / ``marketplace_country``). A missing entry is an error that
names the code, never an empty address on a document.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


class UnknownReference(LookupError):
    """A code the reference tables do not know; the message says which file to extend."""


@dataclass(frozen=True)
class Address:
    name: str
    address_line1: str
    city: str
    country_code: str
    address_line2: str = ""
    state_or_region: str = ""
    postal_code: str = ""

    def lines(self) -> list[str]:
        """The address as printed: name, street lines, "city, region postcode", country."""
        region = " ".join(p for p in (self.state_or_region, self.postal_code) if p)
        return [line for line in (self.name, self.address_line1, self.address_line2,
                                  ", ".join(p for p in (self.city, region) if p), self.country_code) if line]

    def as_spapi(self) -> dict[str, str]:
        """The SP-API ``Address`` object (vendorInvoices / vendorShipments spell the postcode differently:
        callers rename ``postalCode`` to ``postalOrZipCode`` for invoices)."""
        out = {"name": self.name, "addressLine1": self.address_line1, "city": self.city,
               "countryCode": self.country_code}
        if self.address_line2:
            out["addressLine2"] = self.address_line2
        if self.state_or_region:
            out["stateOrRegion"] = self.state_or_region
        if self.postal_code:
            out["postalCode"] = self.postal_code
        return out


@dataclass(frozen=True)
class FulfilmentCentre:
    code: str
    address: Address
    time_zone: str


@dataclass(frozen=True)
class AmazonEntity:
    """Who Amazon invoices are billed to in a marketplace (``billToParty``)."""

    marketplace_country: str
    party_id: str
    address: Address
    tax_registrations: tuple[tuple[str, str], ...] = field(default=())


def _address(row: dict[str, str]) -> Address:
    return Address(name=row["name"], address_line1=row["address_line1"], address_line2=row.get("address_line2", ""),
                   city=row["city"], state_or_region=row.get("state_or_region", ""),
                   postal_code=row.get("postal_code", ""), country_code=row["country_code"])


def _rows(shipped: str, extra: Path | None, key: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for path in (HERE / shipped, extra):
        if path is None:
            continue
        with Path(path).open(newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                clean = {k: (v or "").strip() for k, v in row.items() if k}
                missing = [c for c in (key, "name", "address_line1", "city", "country_code") if not clean.get(c)]
                if missing:
                    raise ValueError(f"{path}:{n}: {', '.join(missing)}: required")
                rows[clean[key].upper()] = clean
    return rows


@lru_cache(maxsize=8)
def fulfilment_centres(extra: Path | None = None) -> dict[str, FulfilmentCentre]:
    return {code: FulfilmentCentre(code, _address(row), row.get("time_zone", ""))
            for code, row in _rows("fulfilment_centres.csv", extra, "code").items()}


@lru_cache(maxsize=8)
def amazon_entities(extra: Path | None = None) -> dict[str, AmazonEntity]:
    out = {}
    for country, row in _rows("amazon_entities.csv", extra, "marketplace_country").items():
        tax = ((row["tax_registration_type"], row["tax_registration_number"]),) \
            if row.get("tax_registration_number") else ()
        out[country] = AmazonEntity(country, row["party_id"], _address(row), tax)
    return out


def fulfilment_centre(code: str, extra: Path | None = None) -> FulfilmentCentre:
    try:
        return fulfilment_centres(extra)[code.upper()]
    except KeyError:
        raise UnknownReference(f"fulfilment centre {code!r} has no address; add it to a CSV named by "
                               f"ACORN_FC_ADDRESSES_FILE (columns of acorn/reference/fulfilment_centres.csv)") from None


def amazon_entity(marketplace_country: str, extra: Path | None = None) -> AmazonEntity:
    try:
        return amazon_entities(extra)[marketplace_country.upper()]
    except KeyError:
        raise UnknownReference(f"no Amazon billing entity for marketplace {marketplace_country!r}; add it to a CSV "
                               f"named by ACORN_AMAZON_ENTITIES_FILE (columns of "
                               f"acorn/reference/amazon_entities.csv)") from None

