"""Value types, base classes and the blocks every Retail Procurement API shares."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

# --------------------------------------------------------------------------- value types


def _iso_utc(value: datetime) -> str:
    value = value.astimezone(UTC)
    spec = "milliseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=spec).replace("+00:00", "Z")


def _as_utc(value: datetime) -> datetime:
    """Amazon sometimes omits the zone; its services run on UTC, so read naive as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _decimal_in(value: Any) -> Any:
    # A float has already lost the decimal the sender wrote; repr() gives back its shortest
    # exact spelling (what a JSON number said), so no binary noise enters our money.
    return Decimal(repr(value)) if isinstance(value, float) else value


def _decimal_out(value: Decimal) -> str:
    return format(value, "f")


#: An instant read from Amazon: naive values are taken as UTC, everything is held in UTC.
UtcDateTime = Annotated[datetime, AfterValidator(_as_utc), PlainSerializer(_iso_utc, when_used="json")]
#: An instant we send: must carry a zone; written in UTC as ``YYYY-MM-DDTHH:MM:SS[.mmm]Z``.
SendDateTime = Annotated[AwareDatetime, AfterValidator(_as_utc), PlainSerializer(_iso_utc, when_used="json")]
#: Amazon's ``Decimal`` (a string on the wire), never a float in Python.
WireDecimal = Annotated[Decimal, BeforeValidator(_decimal_in), Field(allow_inf_nan=False),
                        PlainSerializer(_decimal_out, return_type=str, when_used="json")]


def _tolerant(*allowed: str) -> BeforeValidator:
    """Canonicalise an enum value case-insensitively; keep values Amazon added later."""
    canonical = {v.lower(): v for v in allowed}
    return BeforeValidator(lambda v: canonical.get(v.lower(), v) if isinstance(v, str) else v)


UNITS_OF_MEASURE = ("Cases", "Eaches")
WEIGHT_UNITS = ("POUNDS", "OUNCES", "GRAMS", "KILOGRAMS")
PURCHASE_ORDER_STATES = ("New", "Acknowledged", "Closed")
TRANSACTION_STATES = ("Processing", "Success", "Failure")

UnitOfMeasure = Annotated[str, _tolerant(*UNITS_OF_MEASURE)]
WeightUnit = Annotated[str, _tolerant(*WEIGHT_UNITS)]


def _sscc_check_digit_ok(number: str) -> bool:
    """GS1 mod-10 over the first 17 digits (weights 3,1,3,... from the left for 18 digits)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(number[:17]))
    return (10 - total % 10) % 10 == int(number[17])


# --------------------------------------------------------------------------- bases


class WireModel(BaseModel):
    """Read side: tolerant, camelCase on the wire, unknown fields kept."""

    model_config = ConfigDict(populate_by_name=True, alias_generator=to_camel, extra="allow")

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class SendModel(WireModel):
    """Send side: unknown fields refused."""

    model_config = ConfigDict(populate_by_name=True, alias_generator=to_camel, extra="forbid")


# --------------------------------------------------------------------------- shared blocks


class ErrorDetail(WireModel):
    """One entry of Amazon's ``errors`` list (the model's ``Error``)."""

    code: str = ""
    message: str = ""
    details: str | None = None


class Address(WireModel):
    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    county: str | None = None
    district: str | None = None
    state_or_region: str | None = None
    postal_code: str | None = None          # orders, shipments
    postal_or_zip_code: str | None = None   # invoices
    country_code: str | None = None
    phone: str | None = None


class TaxRegistrationDetails(WireModel):
    tax_registration_type: Annotated[str, _tolerant("VAT", "GST")]
    tax_registration_number: str


class PartyIdentification(WireModel):
    """A party (vendor code, warehouse, fulfilment centre) with optional address and tax ids."""

    party_id: str
    address: Address | None = None
    tax_info: TaxRegistrationDetails | None = None                          # orders API
    tax_registration_details: list[TaxRegistrationDetails] | None = None    # shipments, invoices

    def for_api(self, api: Literal["orders", "shipments", "invoices"]) -> PartyIdentification:
        """This party spelt as ``api``'s model spells it, e.g. a PO's billToParty for an invoice."""
        taxes = self.tax_registration_details or ([self.tax_info] if self.tax_info else None)
        address = self.address
        if address is not None:
            postal = address.postal_code or address.postal_or_zip_code
            address = address.model_copy(update={"postal_code": None if api == "invoices" else postal,
                                                 "postal_or_zip_code": postal if api == "invoices" else None})
        if api == "orders":
            return self.model_copy(update={"address": address, "tax_info": taxes[0] if taxes else None,
                                           "tax_registration_details": None})
        return self.model_copy(update={"address": address, "tax_info": None, "tax_registration_details": taxes})


class TotalWeight(WireModel):
    amount: WireDecimal
    unit_of_measure: WeightUnit


class ItemQuantity(WireModel):
    amount: int | None = None
    unit_of_measure: UnitOfMeasure | None = None
    unit_size: int | None = None
    total_weight: TotalWeight | None = None   # shipments, invoices


class Money(WireModel):
    currency_code: str | None = None
    amount: WireDecimal | None = None
    unit_of_measure: WeightUnit | None = None   # orders: price per weight unit


class DateTimeInterval(WireModel):
    """Amazon's ``start--end`` interval string (ship and delivery windows)."""

    start: UtcDateTime
    end: UtcDateTime

    @model_validator(mode="before")
    @classmethod
    def _from_wire(cls, value: Any) -> Any:
        if isinstance(value, str):
            start, sep, end = value.partition("--")
            if not sep:
                raise ValueError(f"interval {value!r} is not 'start--end'")
            return {"start": start.strip(), "end": end.strip()}
        return value

    @model_serializer(mode="plain", when_used="json")
    def _to_wire(self) -> str:
        return f"{_iso_utc(self.start)}--{_iso_utc(self.end)}"


class Pagination(WireModel):
    next_token: str | None = None
