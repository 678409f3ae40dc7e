"""submitInvoices' request: invoices and credit notes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ._base import ItemQuantity, Money, PartyIdentification, SendDateTime, SendModel, WireDecimal

# --------------------------------------------------------------------------- invoices (send)

TaxType = Literal["CGST", "SGST", "CESS", "UTGST", "IGST", "MwSt.", "PST", "TVA", "VAT", "GST", "ST",
                  "Consumption", "MutuallyDefined", "DomesticVAT"]


class TaxDetails(SendModel):
    tax_type: TaxType
    tax_rate: WireDecimal | None = None
    tax_amount: Money
    taxable_amount: Money | None = None


class ChargeDetails(SendModel):
    type: Literal["Freight", "Packing", "Duty", "Service", "SmallOrder", "InsurancePlacementCost",
                  "InsuranceFee", "SpecialHandlingService", "CollectionAndRecyclingService",
                  "EnvironmentalProtectionService", "TaxCollectedAtSource"]
    description: str | None = None
    charge_amount: Money
    tax_details: list[TaxDetails] | None = None


class AllowanceDetails(SendModel):
    type: Literal["Discount", "DiscountIncentive", "Defective", "Promotional", "UnsaleableMerchandise", "Special"]
    description: str | None = None
    allowance_amount: Money
    tax_details: list[TaxDetails] | None = None


class AdditionalDetails(SendModel):
    type: Literal["SUR", "OCR", "CartonCount"]
    detail: str
    language_code: str | None = None


class PaymentTerms(SendModel):
    type: Literal["Basic", "EndOfMonth", "FixedDate", "Proximo", "PaymentDueUponReceiptOfInvoice",
                  "LetterofCredit"] | None = None
    discount_percent: WireDecimal | None = None
    discount_due_days: int | None = Field(default=None, ge=0)   # a JSON number in the model
    net_due_days: int | None = Field(default=None, ge=0)


class CreditNoteDetails(SendModel):
    reference_invoice_number: str | None = None
    debit_note_number: str | None = None
    returns_reference_number: str | None = None
    goods_return_date: SendDateTime | None = None
    rma_id: str | None = None
    coop_reference_number: str | None = None
    consignors_reference_number: str | None = None


class InvoiceItem(SendModel):
    item_sequence_number: int
    amazon_product_identifier: str | None = None
    vendor_product_identifier: str | None = None
    invoiced_quantity: ItemQuantity
    net_cost: Money
    net_cost_unit_of_measure: Literal["POUNDS", "OUNCES", "GRAMS", "KILOGRAMS"] | None = None
    purchase_order_number: str | None = None
    hsn_code: str | None = None
    credit_note_details: CreditNoteDetails | None = None
    tax_details: list[TaxDetails] | None = None
    charge_details: list[ChargeDetails] | None = None
    allowance_details: list[AllowanceDetails] | None = None


class Invoice(SendModel):
    invoice_type: Literal["Invoice", "CreditNote"]
    id: str
    reference_number: str | None = None
    date: SendDateTime
    remit_to_party: PartyIdentification
    ship_to_party: PartyIdentification | None = None
    ship_from_party: PartyIdentification | None = None
    bill_to_party: PartyIdentification | None = None
    payment_terms: PaymentTerms | None = None
    invoice_total: Money
    tax_details: list[TaxDetails] | None = None
    additional_details: list[AdditionalDetails] | None = None
    charge_details: list[ChargeDetails] | None = None
    allowance_details: list[AllowanceDetails] | None = None
    items: list[InvoiceItem] | None = None

    @field_validator("invoice_total")
    @classmethod
    def _total_is_complete(cls, v: Money) -> Money:
        if v.amount is None or not v.currency_code:
            raise ValueError("invoiceTotal needs both amount and currencyCode")
        return v


class SubmitInvoicesRequest(SendModel):
    invoices: list[Invoice]
