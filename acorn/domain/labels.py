"""Giving every carton and pallet of a planned shipment its SSCC.

Serials come from the caller's persistent counter (an iterator over the store's
sequence), so an SSCC is never issued twice, not even across reruns: the domain only
refuses a serial repeated within one call and a counter that ran dry. Cartons are
labelled first, in sequence order, then pallets — a rerun with the same serials gives
the same labels.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from acorn.domain.cartons import CartonPlan
from acorn.domain.errors import DuplicateRecord, InvalidRecord
from acorn.domain.pallets import PalletPlan
from acorn.domain.sscc import Sscc, make_sscc


def assign_ssccs(
    cartons: Sequence[CartonPlan],
    pallets: Sequence[PalletPlan],
    next_serials: Iterator[int],
    *,
    extension_digit: int,
    company_prefix: str,
) -> tuple[list[CartonPlan], list[PalletPlan]]:
    """New cartons and pallets, each with a fresh SSCC; the inputs are left untouched."""
    used: set[int] = set()

    def draw(record: str) -> Sscc:
        try:
            serial = next(next_serials)
        except StopIteration:
            raise InvalidRecord(
                "the serial counter ran out before every container had an SSCC", record=record, field="sscc"
            ) from None
        if serial in used:
            raise DuplicateRecord(f"serial {serial} handed out twice", record=record, field="sscc")
        used.add(serial)
        return make_sscc(extension_digit=extension_digit, company_prefix=company_prefix, serial=serial)

    labelled_cartons = [replace(c, sscc=draw(f"carton {c.sequence}")) for c in cartons]
    labelled_pallets = [replace(p, sscc=draw(f"pallet {p.sequence}")) for p in pallets]
    return labelled_cartons, labelled_pallets
