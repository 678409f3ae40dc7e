"""Acorn's pure domain: the vendor's rules, with no Prefect, HTTP or database in sight.

Standard library plus ``holidays`` and ``python-stdnum`` only; every function is
deterministic in its arguments (business time is passed as ``as_of``), so flows, the
sandbox and tests call the same code. Modules:

``model``           purchase orders, SKU master data, stock, shipment items
``acknowledgement`` accept / backorder / reject lines from stock, fill rate, 24 h deadline
``sscc``            SSCC construction and validation (GS1 mod-10), GS1-128 element string
``cartons``         full cases and mixed cartons under a weight limit
``pallets``         cartons onto pallets under count and weight limits
``freight``         small parcel / LTL / truckload, shipment structure, ``plan_load``
``labels``          SSCCs onto planned cartons and pallets from a persistent counter
``calendar``        marketplaces, business days, holidays, peak blackouts
``deadlines``       departure, delivery, ASN deadline and shipped-date rules
``invoice``         invoice lines, tax, totals, invoice numbers; ``payment_terms``
``replenishment``   weekly demand, weeks of cover, suggested quantity and start date per SKU × warehouse
``errors``          the domain's exception tree
"""

from __future__ import annotations

from acorn.domain.acknowledgement import (
    FILL_RATE_TARGET,
    AcknowledgedQuantity,
    AcknowledgementCode,
    AcknowledgementPlan,
    LineDecision,
    PoFillRate,
    RejectionReason,
    decide_acknowledgements,
)
from acorn.domain.calendar import MARKETPLACES, Marketplace, MarketplaceCalendar, marketplace, peak_blackouts
from acorn.domain.cartons import CartonKind, CartonPlan, plan_cartons
from acorn.domain.deadlines import (
    AsnDeadlinePolicy,
    ShipSchedule,
    asn_deadline,
    asn_is_on_time,
    ensure_shipped_date_not_in_future,
    plan_ship_dates,
    shipped_date_is_valid,
)
from acorn.domain.errors import (
    CurrencyMismatch,
    DomainError,
    DuplicateRecord,
    InvalidRecord,
    InvalidSscc,
    InvoiceDatedBeforeOrder,
    NaiveDatetime,
    PackingError,
    ShippedDateInFuture,
    SsccCapacityExceeded,
    UnknownMarketplace,
    UnknownSku,
)
from acorn.domain.freight import (
    FreightPolicy,
    LoadPlan,
    ShipmentStructure,
    ShipMode,
    is_small_parcel,
    plan_load,
    ship_mode_for,
    shipment_structure,
)
from acorn.domain.invoice import InvoiceDraft, InvoiceLine, ShippedLine, build_invoice, invoice_number_for
from acorn.domain.labels import assign_ssccs
from acorn.domain.model import OrderLine, PurchaseOrderView, ShipmentItem, SkuInfo, StockLevel
from acorn.domain.money import round_money
from acorn.domain.pallets import PalletPlan, plan_pallets
from acorn.domain.payment_terms import PaymentBasis, PaymentTerms
from acorn.domain.replenishment import Suggestion, suggest_replenishment
from acorn.domain.replenishment_inputs import (
    ForecastWeek,
    HistoryWeek,
    Inbound,
    ReplenishmentInputs,
    ReplenishmentPolicy,
)
from acorn.domain.sscc import Sscc, gs1_128_element_string, is_valid_sscc, make_sscc, serial_capacity

__all__ = [
    "FILL_RATE_TARGET",
    "MARKETPLACES",
    "AcknowledgedQuantity",
    "AcknowledgementCode",
    "AcknowledgementPlan",
    "AsnDeadlinePolicy",
    "CartonKind",
    "CartonPlan",
    "CurrencyMismatch",
    "DomainError",
    "DuplicateRecord",
    "ForecastWeek",
    "FreightPolicy",
    "HistoryWeek",
    "Inbound",
    "InvalidRecord",
    "InvalidSscc",
    "InvoiceDatedBeforeOrder",
    "InvoiceDraft",
    "InvoiceLine",
    "LineDecision",
    "LoadPlan",
    "Marketplace",
    "MarketplaceCalendar",
    "NaiveDatetime",
    "OrderLine",
    "PackingError",
    "PalletPlan",
    "PaymentBasis",
    "PaymentTerms",
    "PoFillRate",
    "PurchaseOrderView",
    "RejectionReason",
    "ReplenishmentInputs",
    "ReplenishmentPolicy",
    "ShipMode",
    "ShipSchedule",
    "ShipmentItem",
    "ShipmentStructure",
    "ShippedDateInFuture",
    "ShippedLine",
    "SkuInfo",
    "Sscc",
    "SsccCapacityExceeded",
    "StockLevel",
    "Suggestion",
    "UnknownMarketplace",
    "UnknownSku",
    "asn_deadline",
    "asn_is_on_time",
    "assign_ssccs",
    "build_invoice",
    "decide_acknowledgements",
    "ensure_shipped_date_not_in_future",
    "gs1_128_element_string",
    "invoice_number_for",
    "is_small_parcel",
    "is_valid_sscc",
    "make_sscc",
    "marketplace",
    "peak_blackouts",
    "plan_cartons",
    "plan_load",
    "plan_pallets",
    "plan_ship_dates",
    "round_money",
    "serial_capacity",
    "ship_mode_for",
    "shipment_structure",
    "shipped_date_is_valid",
    "suggest_replenishment",
]
