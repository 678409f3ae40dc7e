"""The four POST operations end to end: gateway check, transaction, rules, apply, ledger.

A submission is all-or-nothing: if any document in the body breaks a rule, the transaction
fails with every finding and nothing is applied (so "Failure" always means "not applied").
The ledger still counts the submission for every business id the body carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from acorn import spapi
from acorn.sandbox.ack_rules import AckPlan, apply_acknowledgements, check_acknowledgements
from acorn.sandbox.asn_rules import ShipmentDoc, apply_shipments, check_shipments
from acorn.sandbox.errors import InvalidRequest, RuleViolation, SandboxError
from acorn.sandbox.freight import apply_routing_requests, check_routing_requests
from acorn.sandbox.freight import gateway_errors as routing_gateway_errors
from acorn.sandbox.invoice_rules import InvoicePlan, apply_invoices, check_invoices
from acorn.sandbox.schema_checks import gateway_errors, processing_violations
from acorn.sandbox.timefmt import iso
from acorn.sandbox.transactions import Transaction

if TYPE_CHECKING:
    from acorn.sandbox.state import SandboxState


@dataclass(frozen=True)
class SubmitOperation:
    """The sandbox's own knowledge of a POST: where its documents are and what names each in the ledger.

    The API and the body's definition are the registry's (``acorn.spapi.operation``), read from Amazon's model.
    """

    operation_id: str
    ledger_kind: str  # also the body's list property
    id_field: str

    @property
    def api(self) -> str:
        return spapi.operation(self.operation_id).api

    @property
    def request_definition(self) -> str:
        definition = spapi.operation(self.operation_id).request_definition
        assert definition is not None, f"{self.operation_id} has no body in Amazon's model"
        return definition


OPERATIONS: dict[str, SubmitOperation] = {op.operation_id: op for op in (
    SubmitOperation("submitAcknowledgement", "acknowledgements", "purchaseOrderNumber"),
    SubmitOperation("SubmitShipmentConfirmations", "shipmentConfirmations", "shipmentIdentifier"),
    SubmitOperation("submitInvoices", "invoices", "id"),
    SubmitOperation("SubmitShipments", "shipments", "vendorShipmentIdentifier"),
)}


def gateway_check(operation: str, body: Any) -> None:
    """Raise the synchronous 400 Amazon's gateway gives a structurally invalid body."""
    op = OPERATIONS[operation]
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object", details="(body)")
    errors = (routing_gateway_errors(body) if operation == "SubmitShipments"  # enums checked while processing
              else gateway_errors(op.api, op.request_definition, body))
    if errors:
        raise SandboxError(400, errors[0]["message"], errors=errors)


def process(state: SandboxState, operation: str, body: dict[str, Any]) -> Transaction:
    """Decide, apply and record one accepted-for-processing POST (caller holds ``state.lock``)."""
    op = OPERATIONS[operation]
    now = state.now()
    violations, plan = _check(state, operation, body, now)
    extras = _apply(state, operation, body, plan, now) if not violations else {}
    ids = [str(doc[op.id_field]) for doc in body.get(op.ledger_kind) or []
           if isinstance(doc, dict) and isinstance(doc.get(op.id_field), (str, int))]
    txn = state.transactions.open(operation, now=now, violations=violations, stuck=state.faults.stuck(),
                                  business_ids=ids)
    codes = sorted({v.code for v in violations})
    for business_id in dict.fromkeys(ids):
        state.ledger.record(op.ledger_kind, business_id, transaction_id=txn.transaction_id, at=now,
                            accepted=not violations, error_codes=codes, extra=extras.get(business_id))
    return txn


def _check(state: SandboxState, operation: str, body: dict[str, Any],
           now: datetime) -> tuple[list[RuleViolation], Any]:
    """The body's processing-time schema findings, else its business-rule findings and the plan to apply."""
    op = OPERATIONS[operation]
    violations = processing_violations(op.api, op.request_definition, body)
    if violations:
        return violations, None
    if operation == "submitAcknowledgement":
        return check_acknowledgements(body, book=state.book, now=now)
    if operation == "SubmitShipmentConfirmations":
        return check_shipments(body, book=state.book, registry=state.registry, now=now)
    if operation == "SubmitShipments":
        return check_routing_requests(body, book=state.book, registry=state.registry, now=now,
                                      lead_business_days=state.config.freight_pickup_lead_business_days)
    return check_invoices(body, book=state.book, registry=state.registry, now=now)


def _apply(state: SandboxState, operation: str, body: dict[str, Any], plan: Any,
           now: datetime) -> dict[str, dict[str, Any]]:
    """Apply an accepted plan; what the ledger records beside each business id."""
    if operation == "submitAcknowledgement":
        return _apply_acknowledgements(state, plan, now)
    if operation == "SubmitShipmentConfirmations":
        return _apply_shipments(state, plan, now)
    if operation == "SubmitShipments":
        cfg = state.config
        return apply_routing_requests(plan, registry=state.registry, now=now, seed=cfg.seed,
                                      assignment_delay=timedelta(hours=cfg.freight_carrier_assignment_hours),
                                      transit=timedelta(days=cfg.freight_transit_days))
    return _apply_invoices(state, body, plan)


def _apply_acknowledgements(state: SandboxState, plan: AckPlan, now: datetime) -> dict[str, dict[str, Any]]:
    window = timedelta(hours=state.config.ack_deadline_hours)
    return {timing.purchase_order_number: {"late": timing.late, "acknowledgementDeadline": iso(timing.deadline)}
            for timing in apply_acknowledgements(plan, book=state.book, now=now, ack_window=window)}


def _apply_shipments(state: SandboxState, plan: list[ShipmentDoc], now: datetime) -> dict[str, dict[str, Any]]:
    cfg = state.config
    apply_shipments(plan, book=state.book, registry=state.registry, now=now, seed=cfg.seed,
                    shortage_rate=cfg.shortage_rate, damage_rate=cfg.damage_rate)
    return {doc.shipment_id: {
        "shipmentConfirmationType": doc.confirmation_type, "late": doc.late,
        "shippedDate": iso(doc.shipped_date) if doc.shipped_date else None,
        "estimatedDeliveryDate": iso(doc.estimated_delivery) if doc.estimated_delivery else None,
        "receivedAt": iso(doc.delivers_at)} for doc in plan}


def _apply_invoices(state: SandboxState, body: dict[str, Any], plan: InvoicePlan) -> dict[str, dict[str, Any]]:
    apply_invoices(plan, book=state.book, registry=state.registry)
    references = {str(doc["id"]): doc.get("referenceNumber") for doc in body.get("invoices") or []
                  if isinstance(doc, dict) and "id" in doc}
    return {record.invoice_id: {"invoiceType": record.invoice_type, "date": iso(record.date),
                                "invoiceTotal": str(record.total), "currencyCode": record.currency,
                                "referenceNumber": references.get(str(record.invoice_id))}
            for record in plan.records}
