"""What a shipment's ASN is known by, and whether it may be sent yet.

The outbox key of each ASN revision, the alert that holds one back at the quality gate, and the
collect-freight wait for Amazon's carrier. Planning, the ASN watch, the invariant sweep and the
status views ask these questions without loading the ASN builder (contract, gates, archive), so
this module imports nothing but the standard library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas.tables import Shipment


def awaiting_carrier(shipment: Shipment) -> bool:
    """Collect freight whose carrier Amazon has not yet assigned: no labels, no ASN yet."""
    return shipment.freight_term == "Collect" and shipment.carrier_assigned_at is None


def asn_key(shipment: Shipment) -> str:
    """The outbox key of the shipment's current ASN revision (a ``Replace`` is a new revision)."""
    return f"asn:{shipment.shipment_identifier}:r{shipment.asn_revision}"


def gate_alert_key(shipment: Shipment) -> str:
    """The alert that says this revision of the shipment's ASN is held back by the quality gate."""
    return f"asn-gate:{shipment.shipment_identifier}:r{shipment.asn_revision}"
