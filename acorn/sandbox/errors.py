"""The errors the sandbox answers with, in Amazon's shapes.

Two families, one per boundary:

    SandboxError                       an SP-API answer that is not 2xx (HTTP status + errors list)
    RuleViolation                      one business-rule finding inside an asynchronous transaction
                                       (``code`` from ``TRANSACTION_ERROR_CODES``, ``field`` path)

Transactions report ``RuleViolation``s as ``errors: [{code, message, details}]`` where the
message names the field path (``shipmentConfirmations[0].shippedItems[2].shippedQuantity.amount``)
and ``details`` carries the bare path, so a machine can key on it. Ops' playbook
(``acorn.playbook``) is keyed on the codes below: change them only together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Every code a getTransaction ``Failure`` can carry. Exactly these; the playbook is keyed on them.
TRANSACTION_ERROR_CODES: tuple[str, ...] = (
    "InvalidInput",  # schema violation found while processing (formats, patterns, model rules in prose)
    "UnknownPurchaseOrder",
    "UnknownItem",
    "CancelledItem",
    "QuantityExceedsOrdered",
    "QuantityExceedsAccepted",
    "InvalidSSCC",
    "DuplicateSSCC",
    "DuplicateShipmentIdentifier",
    "UnknownShipmentIdentifier",
    "ShippedDateInFuture",
    "MissingCarrierDetails",
    "DuplicateAcknowledgement",
    "DuplicateInvoiceNumber",
    "CurrencyMismatch",
    "InvoiceTotalMismatch",
    "InvoiceDateBeforeOrder",
    # ---- acknowledgement rules (round two) ----
    "EmptyAcknowledgement",  # no acknowledgements, an acknowledgement without items, an item without decisions
    "SellingPartyMismatch",  # sellingParty is not the PO's vendor code
    "BackorderNotAllowed",  # Backordered on a line whose isBackOrderAllowed is false
    "MissingBackorderDate",  # Backordered without scheduledShipDate / scheduledDeliveryDate
    "MissingRejectionReason",  # Rejected without rejectionReason
    "AcknowledgementDateInFuture",  # acknowledgementDate after the clock (beyond the allowed skew)
    # ---- shipment confirmation rules (round two) ----
    "ContainerQuantityMismatch",  # cartons / pallets do not hold what shippedItems ships
    "UnknownItemReference",  # a carton or pallet item refers to no shippedItems line
    "UnknownCartonReference",  # a pallet refers to a carton the shipment does not list
    "MissingTrackingNumber",  # a small-parcel carton without trackingNumber
    "ShipToPartyMismatch",  # shipToParty is not the PO's fulfilment centre
    "MissingPallets",  # a palletised shipmentStructure without pallets
    # ---- SubmitShipments / Amazon-arranged freight (round two) ----
    "FreightTermNotCollect",  # a routing request (New) whose shipmentFreightTerm is not Collect
    "MissingCollectFreightDetails",  # ship-from address, weight, carton/pallet count, requested pickup or POs missing
    "PurchaseOrderNotConfirmed",  # routing a PO the vendor has not acknowledged
    "RequestedPickUpTooEarly",  # requestedPickUp in the past or under the lead time (business days)
    "RequestedPickUpOutsideShipWindow",  # requestedPickUp outside a routed PO's ship window
    "ImmutableFieldChanged",  # an update / cancel changing sellingParty.partyId or buyerReferenceNumber
    "ShipmentAlreadyPickedUp",  # Cancel after the pickup (or after an ASN said the goods left)
)

#: Codes of synchronous (non-2xx) SP-API answers.
HTTP_ERROR_CODES: dict[int, str] = {
    400: "InvalidInput",
    403: "Unauthorized",
    404: "NotFound",
    429: "QuotaExceeded",
    500: "InternalFailure",
    503: "ServiceUnavailable",
}


@dataclass(frozen=True)
class RuleViolation:
    """One reason a submitted document was refused, naming the field an operator must fix."""

    code: str
    field: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in TRANSACTION_ERROR_CODES:
            raise ValueError(f"unknown transaction error code {self.code!r}")

    def as_error(self) -> dict[str, str]:
        return {"code": self.code, "message": f"{self.field}: {self.message}", "details": self.field}


class SandboxError(Exception):
    """An SP-API call answered with a non-2xx status and Amazon's ``{"errors": [...]}`` body."""

    def __init__(self, status: int, message: str, *, code: str | None = None, details: str = "",
                 errors: list[dict[str, str]] | None = None) -> None:
        self.status = status
        self.code = code or HTTP_ERROR_CODES.get(status, "InvalidInput")
        self.errors = errors or [{"code": self.code, "message": message, "details": details}]
        super().__init__(f"{status} {self.code}: {message}")

    def body(self) -> dict[str, Any]:
        return {"errors": self.errors}


class InvalidRequest(SandboxError):
    """A query parameter or body Amazon's gateway refuses before any transaction exists (400)."""

    def __init__(self, message: str, *, details: str = "", code: str = "InvalidInput") -> None:
        super().__init__(400, message, code=code, details=details)


class NotFound(SandboxError):
    def __init__(self, message: str = "The resource specified does not exist.", *, details: str = "") -> None:
        super().__init__(404, message, details=details)


class ClockError(ValueError):
    """An operator asked the sandbox clock to do something it will not (e.g. go backwards)."""


def quota_exceeded() -> SandboxError:
    """429: the usage plan's bucket is empty (or a throttle was injected)."""
    return SandboxError(429, "You exceeded your quota for the requested resource.")


def injected_server_error(status: int) -> SandboxError:
    """500 or 503, with Amazon's words for each."""
    if status == 503:
        return SandboxError(503, "Service temporarily unavailable. Please try again.")
    return SandboxError(500, "We encountered an internal error. Please try again.")
