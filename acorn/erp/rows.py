"""One validated row of each ERP export: a SKU of the item master, a stock line.

Pydantic (non-table) models, so a row is checked when it is built: an ``SkuRow`` that
exists has a valid ASIN, a GTIN with a correct check digit, a positive case pack and a
cost in cents, and every number and text fits the store's column. The CSV adapter turns
each ``ValidationError`` into a quarantined row; other sources (an ERP API, a database
view) can reuse the same models.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from acorn.domain.money import round_cents_half_even
from acorn.erp._currencies import ISO_4217

_ASIN = re.compile(r"^[A-Z0-9]{10}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Bounds: what a real row can hold and the store's columns (schemas/tables.py) can keep. A
# number beyond them is a keying or export error; rejecting the row names it, where storing
# it would overflow the column (a traceback that loads nothing) or plan with nonsense.
#: Units of one SKU in one warehouse: a hundred million, well inside a 32-bit INTEGER.
MAX_ON_HAND = 100_000_000
#: Units per carton.
MAX_CASE_PACK = 10_000
#: ``Numeric(14, 2)``: the unit cost column.
MAX_UNIT_COST = Decimal("999999999999.99")
#: ``Numeric(10, 3)``: the weight columns, in kg.
MAX_WEIGHT_KG = Decimal("9999999.999")
#: ``String(40)`` / ``String(300)``: SKU, warehouse and title columns.
SKU_MAX, WAREHOUSE_MAX, TITLE_MAX = 40, 40, 300

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


class SkuRow(BaseModel):
    """A sellable item as the vendor's ERP knows it, with what Amazon needs to order it."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    vendor_sku: Annotated[str, Field(min_length=1, max_length=SKU_MAX)]
    asin: str
    ean: str
    title: Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
    case_pack: Annotated[int, Field(gt=0, le=MAX_CASE_PACK)]
    unit_weight_kg: Annotated[Decimal, Field(gt=0, le=MAX_WEIGHT_KG)]
    carton_weight_kg: Annotated[Decimal | None, Field(gt=0, le=MAX_WEIGHT_KG)] = None
    unit_cost: Annotated[Decimal, Field(gt=0, le=MAX_UNIT_COST, decimal_places=2)]
    currency: str
    discontinued: bool = False

    @field_validator("asin")
    @classmethod
    def _asin_pattern(cls, value: str) -> str:
        if not _ASIN.match(value):
            raise ValueError("ASIN must be 10 upper-case letters or digits")
        return value

    @field_validator("ean")
    @classmethod
    def _gtin_check_digit(cls, value: str) -> str:
        try:
            return ean.validate(value)
        except StdnumError as exc:
            raise ValueError(f"not a valid EAN/GTIN ({exc.message.rstrip('.').lower()})") from None

    @field_validator("currency")
    @classmethod
    def _iso_4217(cls, value: str) -> str:
        if value not in ISO_4217:
            raise ValueError("currency must be an ISO 4217 code of three upper-case letters, e.g. USD")
        return value

    @field_validator("discontinued", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        if value is None:
            return False
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError("discontinued must be true or false")
        return value

    @field_validator("carton_weight_kg")
    @classmethod
    def _carton_holds_its_units(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        # A full carton cannot weigh less than the units inside it: such a row would
        # understate the shipment's gross weight on the ASN and bill of lading.
        case_pack, unit_weight = info.data.get("case_pack"), info.data.get("unit_weight_kg")
        if value is not None and case_pack and unit_weight and value < case_pack * unit_weight:
            raise ValueError(
                f"carton weighs less than its {case_pack} units ({case_pack * unit_weight} kg)"
            )
        return value

    @field_validator("unit_cost")
    @classmethod
    def _in_cents(cls, value: Decimal) -> Decimal:
        # "12.5" and "12.50" are the same price; store one spelling.
        return round_cents_half_even(value)


class StockRow(BaseModel):
    """Units of one SKU on hand in one warehouse, and when more arrive if it runs short."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    vendor_sku: Annotated[str, Field(min_length=1, max_length=SKU_MAX)]
    warehouse: Annotated[str, Field(min_length=1, max_length=WAREHOUSE_MAX)]
    on_hand: Annotated[int, Field(ge=0, le=MAX_ON_HAND)]
    restock_date: date | None = None
    restock_units: Annotated[int | None, Field(ge=0, le=MAX_ON_HAND)] = None

    @field_validator("restock_units")
    @classmethod
    def _units_arrive_on_a_date(cls, value: int | None, info: ValidationInfo) -> int | None:
        # a quantity with no date cannot be promised against: say so rather than drop it
        if value is not None and info.data.get("restock_date") is None:
            raise ValueError("restock_units needs a restock_date: when do they arrive?")
        return value

    @field_validator("restock_date", mode="before")
    @classmethod
    def _iso_date_only(cls, value: Any) -> Any:
        # Only YYYY-MM-DD: "03/04/2025" means different days on either side of the Atlantic.
        if value is None or isinstance(value, date):
            return value
        text = str(value).strip()
        if not text:
            return None
        if not _ISO_DATE.match(text):
            raise ValueError("restock_date must be a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("restock_date is not a calendar date") from None
