"""Who the simulated Vendor Central trades with: vendor accounts, marketplaces, warehouses.

Exported as plain data so the demo configuration and tests reuse the exact same ids
(``acorn.config.DEFAULT_ACCOUNTS`` mirrors them).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Marketplace:
    marketplace_id: str
    country: str
    currency: str


@dataclass(frozen=True)
class Warehouse:
    """An Amazon fulfilment centre: it buys (buyingParty), receives (shipToParty) and has a time zone."""

    code: str
    country: str
    time_zone: str


@dataclass(frozen=True)
class VendorAccount:
    """One vendor code (``sellingParty.partyId``) selling into one marketplace."""

    selling_party: str
    marketplace: Marketplace
    warehouses: tuple[str, ...]
    bill_to_party: str


MARKETPLACES: dict[str, Marketplace] = {
    "US": Marketplace("ATVPDKIKX0DER", "US", "USD"),
    "CA": Marketplace("A2EUQ1WTGCTBG2", "CA", "CAD"),
}

WAREHOUSES: dict[str, Warehouse] = {
    "ABE8": Warehouse("ABE8", "US", "America/New_York"),
    "MDW2": Warehouse("MDW2", "US", "America/Chicago"),
    "ONT8": Warehouse("ONT8", "US", "America/Los_Angeles"),
    "YYZ4": Warehouse("YYZ4", "CA", "America/Toronto"),
}

VENDOR_ACCOUNTS: dict[str, VendorAccount] = {
    "ACRNUS": VendorAccount("ACRNUS", MARKETPLACES["US"], ("ABE8", "MDW2", "ONT8"), "AMZNUS"),
    "ACRNCA": VendorAccount("ACRNCA", MARKETPLACES["CA"], ("YYZ4",), "AMZNCA"),
}

#: The vendor's own warehouse, the ``shipFromParty`` of every ASN the demo sends.
SHIP_FROM_PARTY = "ACRNWH1"

#: Fixed exchange rate used to price the catalogue outside the US (cost in USD x rate, to the cent).
FX_FROM_USD: dict[str, Decimal] = {"USD": Decimal("1"), "CAD": Decimal("1.36")}

#: Countries where Amazon requires the carrier SCAC and PRO number on every shipment confirmation.
CARRIER_DETAILS_REQUIRED_IN: frozenset[str] = frozenset({"US", "CA", "MX"})

BILL_TO_ADDRESSES: dict[str, dict[str, str]] = {
    "AMZNUS": {"name": "Amazon.com Services LLC", "addressLine1": "PO Box 80683", "city": "Seattle",
               "stateOrRegion": "WA", "postalCode": "98108-0683", "countryCode": "US"},
    "AMZNCA": {"name": "Amazon.com.ca ULC", "addressLine1": "40 King Street West, 47th Floor",
               "city": "Toronto", "stateOrRegion": "ON", "postalCode": "M5H 3Y2", "countryCode": "CA"},
}


def country_of_party(party_id: str | None) -> str | None:
    """The country of a vendor code or fulfilment centre the sandbox knows, else ``None``."""
    if party_id in VENDOR_ACCOUNTS:
        return VENDOR_ACCOUNTS[party_id].marketplace.country
    if party_id in WAREHOUSES:
        return WAREHOUSES[party_id].country
    return None
