"""Amazon's ``PartyIdentification`` (partyId + address + tax registrations) as lines to print.

Both the invoice model (``postalOrZipCode``) and the shipment model (``postalCode``)
spell the postcode differently; documents accept either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def party_view(party: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"party_id", "name", "lines", "tax"}``; empty parts when the payload has none."""
    party = party or {}
    address = party.get("address") or {}
    postcode = address.get("postalCode") or address.get("postalOrZipCode") or ""
    city = address.get("city") or ""
    region = " ".join(part for part in (address.get("stateOrRegion") or "", postcode) if part)
    city_line = ", ".join(part for part in (city, region) if part)
    lines = [
        address.get(key) or ""
        for key in ("addressLine1", "addressLine2", "addressLine3")
    ] + [city_line, address.get("countryCode") or ""]
    tax = [
        f"{reg.get('taxRegistrationType', '')} {reg.get('taxRegistrationNumber', '')}".strip()
        for reg in party.get("taxRegistrationDetails") or []
    ]
    return {
        "party_id": str(party.get("partyId") or ""),
        "name": address.get("name") or "",
        "lines": [line for line in lines if line],
        "tax": tax,
    }
