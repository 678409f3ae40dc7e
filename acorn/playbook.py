"""What ops should do about each error Amazon (or the sandbox) returns: one table, one place.

Alerts carry Amazon's code and message verbatim plus the plain next step from here, so
the person on call does not need to know SP-API to act.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Play:
    next_step: str
    severity: str = "error"


PLAYBOOK: dict[str, Play] = {
    "InvalidInput": Play("A field does not match Amazon's format. Fix the field named in the message in the "
                         "ERP or configuration, then rerun the day; Acorn will send a corrected document."),
    "UnknownPurchaseOrder": Play("Amazon does not know this PO number. Check the PO was not cancelled or "
                                 "mistyped in the ERP; if it is valid, open a Vendor Central case."),
    "UnknownItem": Play("The item is not on the PO. Check the ASIN / vendor SKU mapping in the SKU master."),
    "CancelledItem": Play("Amazon cancelled this item. Pull it from the shipment and do not invoice it."),
    "QuantityExceedsOrdered": Play("More units than ordered. Re-plan the shipment with the ordered quantity."),
    "QuantityExceedsAccepted": Play("More units than acknowledged. Ship at most the accepted quantity or "
                                    "send an updated acknowledgement first."),
    "InvalidSSCC": Play("An SSCC failed its check digit or format. Check the GS1 company prefix setting; "
                        "re-label the cartons with new SSCCs and send a replacing ASN."),
    "DuplicateSSCC": Play("An SSCC was already used. Never reuse labels: re-label with fresh SSCCs and send a "
                          "replacing ASN."),
    "DuplicateShipmentIdentifier": Play("This shipment identifier was already confirmed. If it is a correction, "
                                        "send it as a Replace; otherwise nothing to do.", "warning"),
    "UnknownShipmentIdentifier": Play("A Replace named a shipment Amazon never accepted. Send it as an "
                                      "Original instead."),
    "ShippedDateInFuture": Play("The ASN was sent before the truck left. Wait for departure, then rerun."),
    "MissingCarrierDetails": Play("Carrier SCAC and PRO number (and bill of lading for LTL/truckload) are "
                                  "required. Add them to the shipment and send a replacing ASN."),
    "DuplicateAcknowledgement": Play("The PO was already acknowledged. Nothing to do unless the decision "
                                     "changed.", "warning"),
    "DuplicateInvoiceNumber": Play("The invoice number was already used. Never reuse it: if this invoice is "
                                   "genuinely new, issue it under a new number.", "warning"),
    "CurrencyMismatch": Play("Invoice currency differs from the PO currency. Reissue in the PO currency."),
    "InvoiceTotalMismatch": Play("Totals do not add up. Regenerate the invoice; check tax settings."),
    "InvoiceDateBeforeOrder": Play("An invoice is dated before its PO. Reissue with a date on or after the PO."),
    # ---- acknowledgements (round two) ----
    "EmptyAcknowledgement": Play("The acknowledgement carried no PO, no lines or a line without a decision. Check "
                                 "the PO's lines reached Acorn (re-import it), then rerun the day."),
    "SellingPartyMismatch": Play("The acknowledgement names another vendor code than the PO. Check the account's "
                                 "selling party in Acorn's settings matches the vendor code the PO was sent to."),
    "BackorderNotAllowed": Play("Amazon does not accept backorders on this line. Accept what can ship in the "
                                "window and reject the rest, then send the acknowledgement again."),
    "MissingBackorderDate": Play("A backorder needs the date it will ship (or arrive). Enter the expected "
                                 "availability date in the ERP, then rerun the day."),
    "MissingRejectionReason": Play("A rejected quantity needs a reason (TemporarilyUnavailable, "
                                   "InvalidProductIdentifier or ObsoleteProduct). Set it, then resend."),
    "AcknowledgementDateInFuture": Play("The acknowledgement is dated after Amazon's clock. Check the clock and time "
                                        "zone of the host that runs Acorn, then resend."),
    # ---- shipment confirmations (round two) ----
    "ContainerQuantityMismatch": Play("The cartons and pallets do not hold what the ASN says was shipped. Re-check "
                                      "the packing (scan the cartons again), fix it and send a replacing ASN."),
    "UnknownItemReference": Play("A carton or pallet lists an item the ASN does not ship. Fix the packing list, "
                                 "then send a replacing ASN."),
    "UnknownCartonReference": Play("A pallet names a carton the ASN does not list. Fix the pallet build, then "
                                   "send a replacing ASN."),
    "MissingTrackingNumber": Play("Small-parcel cartons each need the carrier's tracking number. Add them from the "
                                  "carrier's manifest and send a replacing ASN."),
    "ShipToPartyMismatch": Play("The ASN ships to another warehouse than the PO. Check the truck's destination: "
                                "if it is right, contact Amazon before delivering; else fix the ship-to and resend."),
    "MissingPallets": Play("The ASN says the goods travel on pallets but lists none. Record the pallet build (or "
                           "ship loose), then send a replacing ASN."),
    # ---- SubmitShipments / Amazon-arranged freight (round two; codes from acorn.sandbox.freight) ----
    "FreightTermNotCollect": Play("Only collect (Amazon-arranged) freight is routed through SubmitShipments. Check "
                                  "the account's freight terms; prepaid shipments need no routing request."),
    "MissingCollectFreightDetails": Play("The routing request lacks what the carrier needs (ship-from address, "
                                         "weight, carton/pallet count, pickup date or POs). Complete the shipment "
                                         "in Acorn, then send it again."),
    "PurchaseOrderNotConfirmed": Play("A PO on the routing request is not acknowledged yet. Acknowledge it first, "
                                      "then request routing."),
    "RequestedPickUpTooEarly": Play("The requested pickup is in the past or inside Amazon's lead time. Ask for a "
                                    "later pickup date, then resend."),
    "RequestedPickUpOutsideShipWindow": Play("The requested pickup is outside a PO's ship window. Pick a date in "
                                             "the window (or split the shipment), then resend."),
    "ImmutableFieldChanged": Play("An update tried to change the selling party or Amazon's reference number of a "
                                  "routed shipment. Keep them as first sent; cancel and re-route if they are "
                                  "wrong."),
    "ShipmentAlreadyPickedUp": Play("The carrier already collected this shipment, so it can no longer be "
                                    "cancelled. Nothing to resend; fix differences with a replacing ASN.",
                                    "warning"),
    "QuotaExceeded": Play("Amazon throttled Acorn. It retries by itself; alert only if this persists.", "warning"),
    "Unauthorized": Play("Amazon refused the credentials. Check the LWA client id, secret and refresh token "
                         "(Prefect Secret blocks or ACORN_LWA_* settings).", "critical"),
    "TransactionStuck": Play("Amazon kept the document in Processing past the limit. Acorn checked PO status "
                             "and did NOT re-post. Check the document in Vendor Central; if absent, release "
                             "it with `acorn release <key>`."),
    "OutcomeUnknown": Play("The answer to a submission was lost. Acorn will confirm it before ever sending "
                           "it again; no action unless this alert stays open.", "warning"),
}

DEFAULT_PLAY = Play("Unrecognised error. Read Amazon's message, fix the named field, then rerun the day; open a "
                    "Vendor Central case if the message is unclear.")


def play_for(code: str | None) -> Play:
    return PLAYBOOK.get(code or "", DEFAULT_PLAY)
