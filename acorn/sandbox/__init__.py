"""A simulated Amazon Vendor Central speaking SP-API Retail Procurement over loopback HTTP.

Stateful and deterministic from a seed: it places purchase orders over simulated days,
takes acknowledgements, shipment confirmations and invoices, validates them like Amazon
(schema, references, quantities, duplicates; an invoice's quantity and price variances
are accepted and settled at payment, as Amazon does) and answers asynchronously through
getTransaction, receives goods after delivery with shortages and damage, pays invoices on
their terms less shortage, damage and price claims, later reverses some shortages (a
remittance CSV per month), and enforces LWA tokens and rate limits. Operator endpoints under
``/_sandbox/`` move its clock, inject faults and expose a ledger of everything it accepted.

    from acorn.sandbox import SandboxConfig, SandboxServer
    with SandboxServer(SandboxConfig(seed=0), port=0) as sb:
        sb.base_url   # SP-API paths and /auth/o2/token live under it
        sb.state      # the live simulator (clock, orders, ledger)

``SandboxServer`` and ``build_app`` load FastAPI and uvicorn on first use, so importing
``catalogue`` (the demo ERP does) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from acorn.sandbox.accounts import (
    MARKETPLACES,
    SHIP_FROM_PARTY,
    VENDOR_ACCOUNTS,
    WAREHOUSES,
    Marketplace,
    VendorAccount,
    Warehouse,
)
from acorn.sandbox.catalogue import VENDOR_GS1_PREFIX, CatalogueItem, catalogue
from acorn.sandbox.clock import start_of
from acorn.sandbox.config import DEFAULT_CREDENTIALS, DEMO_SEED, SandboxConfig
from acorn.sandbox.errors import TRANSACTION_ERROR_CODES

if TYPE_CHECKING:
    from acorn.sandbox.app import build_app
    from acorn.sandbox.server import SandboxServer, SandboxStartError
    from acorn.sandbox.state import SandboxState

__all__ = [
    "DEFAULT_CREDENTIALS",
    "DEMO_SEED",
    "MARKETPLACES",
    "SHIP_FROM_PARTY",
    "TRANSACTION_ERROR_CODES",
    "VENDOR_ACCOUNTS",
    "VENDOR_GS1_PREFIX",
    "WAREHOUSES",
    "CatalogueItem",
    "Marketplace",
    "SandboxConfig",
    "SandboxServer",
    "SandboxStartError",
    "SandboxState",
    "VendorAccount",
    "Warehouse",
    "build_app",
    "catalogue",
    "start_of",
]

_LAZY = {"SandboxServer": "acorn.sandbox.server", "SandboxStartError": "acorn.sandbox.server",
         "SandboxState": "acorn.sandbox.state", "build_app": "acorn.sandbox.app"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'acorn.sandbox' has no attribute {name!r}")
