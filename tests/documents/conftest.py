from __future__ import annotations

from typing import Any

import pytest

from acorn.domain.sscc import make_sscc


@pytest.fixture
def sscc() -> str:
    return make_sscc(extension_digit=0, company_prefix="0614141", serial=123456789).value


@pytest.fixture
def vendor() -> dict[str, Any]:
    return {
        "partyId": "ACME1",
        "address": {"name": "Smith <Tools> & Co", "addressLine1": "1 Main St", "city": "Newark",
                    "stateOrRegion": "NJ", "postalCode": "07102", "countryCode": "US"},
    }


@pytest.fixture
def fulfilment_centre() -> dict[str, Any]:
    return {
        "partyId": "ABE8",
        "address": {"name": "Amazon.com Services LLC", "addressLine1": "401 Independence Rd", "city": "Florence",
                    "stateOrRegion": "NJ", "postalCode": "08518", "countryCode": "US"},
    }
