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
