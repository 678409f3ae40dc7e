"""Pydantic wire models for the part of Amazon's Retail Procurement APIs that Acorn uses.

Amazon's Swagger models (``schemas/spapi_models``) are the contract; these classes are the
typed view of it. Two postures, on purpose:

* **Reading** (``Order``, ``OrderStatus``, ``TransactionStatus`` and the blocks they share)
  is tolerant. Amazon's own examples break their model (``"CASES"`` for ``"Cases"``, orders
  without ``purchaseOrderState``), so enums are matched case-insensitively and unknown
  values are kept, most fields are optional, and unknown fields survive (``extra="allow"``).
* **Sending** (``Submit*Request`` and everything only they use) is strict: enums are
  ``Literal``, unknown fields are refused, dates must be timezone-aware, SSCCs must carry a
  valid GS1 check digit. The client additionally validates every payload against the
  contract before it leaves (``acorn.contract.validate``).

Field names are snake_case in Python and camelCase on the wire (aliases; both accepted).
Money and other Amazon ``Decimal`` values are :class:`~decimal.Decimal` in Python and
strings on the wire; instants are UTC ``datetime`` s, written as ``...Z``.
Serialise with :meth:`SendModel.to_wire` (``model_dump(by_alias=True, exclude_none=True,
mode="json")``).

Per-API differences that the shared blocks absorb: orders' ``PartyIdentification`` carries
``taxInfo`` while shipments and invoices carry ``taxRegistrationDetails``; the invoices
``Address`` says ``postalOrZipCode`` where the others say ``postalCode``. Both spellings
exist on the shared classes; the client refuses, before sending, any field the target
API's model does not declare.

Layout: ``_base`` (value types, bases, shared blocks), ``reads`` (orders, status,
transactions), ``acknowledgements``, ``shipments`` (the ASN sent), ``shipment_details``
(shipments read back with GetShipmentDetails), ``transport_labels`` (GetShipmentLabels), ``invoices``; import from here.
"""

from __future__ import annotations

from ._base import (UtcDateTime, SendDateTime, WireDecimal, UNITS_OF_MEASURE, WEIGHT_UNITS, PURCHASE_ORDER_STATES,
                    TRANSACTION_STATES, UnitOfMeasure, WeightUnit, WireModel, SendModel,
                    ErrorDetail, Address, TaxRegistrationDetails, PartyIdentification,
                    TotalWeight, ItemQuantity, Money, DateTimeInterval, Pagination)
from .reads import (OrderItem, ImportDetails, OrderDetails, Order, OrderList, GetPurchaseOrdersResponse,
                    GetPurchaseOrderResponse, OrderedQuantityDetails, OrderedQuantity,
                    AcknowledgementStatusDetails, AcknowledgementStatus, ReceivingStatus,
                    OrderItemStatus, OrderStatus, OrderListStatus,
                    GetPurchaseOrdersStatusResponse, TransactionStatus,
                    TransactionStatusPayload, GetTransactionResponse, TransactionReference,
                    SubmissionResponse)
from .acknowledgements import (OrderItemAcknowledgement, OrderAcknowledgementItem, OrderAcknowledgement,
                               SubmitAcknowledgementRequest)
from .shipments import (Weight, Volume, Dimensions, ShipmentMeasurements, TransportationDetails, ItemDetails,
                        ShippedItem, ContainerIdentification, ContainerItem, Carton,
                        CartonReferenceDetails, Pallet, ShipmentConfirmation,
                        SubmitShipmentConfirmationsRequest)
from .shipment_details import (SHIPMENT_STATUSES, ReadWeight, ReadVolume, ReadDimensions, ReadContainerIdentification,
                               ShipmentStatusDetails, TransportShipmentMeasurements, CollectFreightPickupDetails,
                               ShipmentPurchaseOrderItem, ShipmentPurchaseOrder, Location, Stop, Route,
                               ShipmentImportDetails, Duration, Expiry, PackageItemDetails, PackedItem,
                               ContainerSequenceNumber, InnerContainersDetails, ShipmentContainer, CarrierDetails,
                               ShipmentTransportationDetails, Shipment, ShipmentDetails, GetShipmentDetailsResponse)
from .transport_labels import (LabelData, LabelVendorDetails, ShipmentInformation, TransportLabel,
                               TransportationLabels, GetShipmentLabelsResponse)
from .invoices import (TaxType, TaxDetails, ChargeDetails, AllowanceDetails, AdditionalDetails, PaymentTerms,
                       CreditNoteDetails, InvoiceItem, Invoice, SubmitInvoicesRequest)

__all__ = [
    "AcknowledgementStatus",
    "AcknowledgementStatusDetails",
    "AdditionalDetails",
    "Address",
    "AllowanceDetails",
    "CarrierDetails",
    "Carton",
    "CartonReferenceDetails",
    "ChargeDetails",
    "CollectFreightPickupDetails",
    "ContainerIdentification",
    "ContainerItem",
    "ContainerSequenceNumber",
    "CreditNoteDetails",
    "DateTimeInterval",
    "Dimensions",
    "Duration",
    "ErrorDetail",
    "Expiry",
    "GetPurchaseOrderResponse",
    "GetPurchaseOrdersResponse",
    "GetPurchaseOrdersStatusResponse",
    "GetShipmentDetailsResponse",
    "GetShipmentLabelsResponse",
    "GetTransactionResponse",
    "ImportDetails",
    "InnerContainersDetails",
    "Invoice",
    "InvoiceItem",
    "ItemDetails",
    "ItemQuantity",
    "LabelData",
    "LabelVendorDetails",
    "Location",
    "Money",
    "Order",
    "OrderAcknowledgement",
    "OrderAcknowledgementItem",
    "OrderDetails",
    "OrderItem",
    "OrderItemAcknowledgement",
    "OrderItemStatus",
    "OrderList",
    "OrderListStatus",
    "OrderStatus",
    "OrderedQuantity",
    "OrderedQuantityDetails",
    "PURCHASE_ORDER_STATES",
    "PackageItemDetails",
    "PackedItem",
    "Pagination",
    "Pallet",
    "PartyIdentification",
    "PaymentTerms",
    "ReadContainerIdentification",
    "ReadDimensions",
    "ReadVolume",
    "ReadWeight",
    "ReceivingStatus",
    "Route",
    "SHIPMENT_STATUSES",
    "SendDateTime",
    "SendModel",
    "Shipment",
    "ShipmentConfirmation",
    "ShipmentContainer",
    "ShipmentDetails",
    "ShipmentImportDetails",
    "ShipmentInformation",
    "ShipmentMeasurements",
    "ShipmentPurchaseOrder",
    "ShipmentPurchaseOrderItem",
    "ShipmentStatusDetails",
    "ShipmentTransportationDetails",
    "ShippedItem",
    "Stop",
    "SubmissionResponse",
    "SubmitAcknowledgementRequest",
    "SubmitInvoicesRequest",
    "SubmitShipmentConfirmationsRequest",
    "TRANSACTION_STATES",
    "TaxDetails",
    "TaxRegistrationDetails",
    "TaxType",
    "TotalWeight",
    "TransactionReference",
    "TransactionStatus",
    "TransactionStatusPayload",
    "TransportLabel",
    "TransportShipmentMeasurements",
    "TransportationDetails",
    "TransportationLabels",
    "UNITS_OF_MEASURE",
    "UnitOfMeasure",
    "UtcDateTime",
    "Volume",
    "WEIGHT_UNITS",
    "Weight",
    "WeightUnit",
    "WireDecimal",
    "WireModel",
]
