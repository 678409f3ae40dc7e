"""One exception tree for violations of the vendor's domain rules.

Every error names the record (a PO number, a PO line ``PO/seq``, a SKU, an SSCC, an
invoice number) and the field at fault, so an operator can find the bad row and the flow
can quarantine that record and go on with the rest of the batch::

    DomainError (ValueError)          record + field + reason
    ├── InvalidRecord                 a value breaks a rule of its own type
    │   ├── NaiveDatetime             a datetime without a time zone where UTC is meant
    │   ├── DuplicateRecord           the same PO / line / serial given twice
    │   └── CurrencyMismatch          money in a currency other than the document's
    ├── UnknownSku                    a line points at a SKU with no master data
    ├── UnknownMarketplace            a marketplace code or id not in the table
    ├── InvalidSscc                   not 18 digits, bad check digit, bad prefix
    ├── SsccCapacityExceeded          the serial no longer fits the company prefix
    ├── PackingError                  a unit or carton cannot be packed under the limits
    ├── ShippedDateInFuture           an ASN would claim goods left after it was sent
    └── InvoiceDatedBeforeOrder       an invoice dated before its purchase order
"""

from __future__ import annotations


class DomainError(ValueError):
    """A domain rule was broken by ``record`` in ``field``; ``reason`` says how."""

    def __init__(self, reason: str, *, record: str | None = None, field: str | None = None) -> None:
        self.reason = reason
        self.record = record
        self.field = field
        where = ".".join(part for part in (record, field) if part)
        super().__init__(f"{where}: {reason}" if where else reason)


class InvalidRecord(DomainError):
    """A value breaks a rule of its own type (negative quantity, float money, ...)."""


class NaiveDatetime(InvalidRecord):
    """A datetime without ``tzinfo``: inside Acorn every instant is aware UTC."""


class DuplicateRecord(InvalidRecord):
    """The same purchase order, line or serial appears twice where it must be unique."""


class CurrencyMismatch(InvalidRecord):
    """An amount is in another currency than the document it belongs to."""


class UnknownSku(DomainError):
    """A line refers to a vendor SKU that has no master data (case pack, weight)."""


class UnknownMarketplace(DomainError):
    """A marketplace code or id that is not in :data:`MARKETPLACES`."""


class InvalidSscc(DomainError):
    """Not a valid SSCC: wrong length, non-digits, wrong check digit or bad prefix."""


class SsccCapacityExceeded(DomainError):
    """The serial is too large for the digits the company prefix leaves free.

    The vendor has used every SSCC its GS1 prefix allows: it needs a new prefix (or
    another extension digit) before it can label another carton.
    """


class PackingError(DomainError):
    """A unit or a carton cannot be packed within the weight limits given."""


class ShippedDateInFuture(DomainError):
    """An ASN would report a shipped date later than its own submission."""


class InvoiceDatedBeforeOrder(DomainError):
    """Amazon rejects an invoice dated before the purchase order it bills."""
