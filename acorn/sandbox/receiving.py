"""The simulated fulfilment centre: what it finds when a shipment arrives.

At the shipment's estimated delivery (sandbox clock; never before the ASN was accepted) the
FC receives the shipped units less a deterministic shortage (units never found) and damage
(units refused at the dock): each unit independently, at the configured rates, from a random
stream keyed by seed, shipment and line, so the same shipment always loses the same units.
Damaged units are not counted as received; both become deductions on the remittance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_TRANSIT = timedelta(days=2)


@dataclass(frozen=True)
class WarehouseOutcome:
    received: int
    damaged: int
    short: int


def receive(*, seed: int, shipment_id: str, revision: int, po_number: str, sequence: str, quantity: int,
            shortage_rate: float, damage_rate: float) -> WarehouseOutcome:
    rng = random.Random(f"acorn-sandbox-receiving:{seed}:{shipment_id}:{revision}:{po_number}:{sequence}")
    short = damaged = 0
    if shortage_rate > 0 or damage_rate > 0:
        for _ in range(quantity):
            roll = rng.random()
            if roll < shortage_rate:
                short += 1
            elif roll < shortage_rate + damage_rate:
                damaged += 1
    return WarehouseOutcome(received=quantity - short - damaged, damaged=damaged, short=short)


def delivery_moment(*, estimated: datetime | None, shipped: datetime | None, accepted_at: datetime) -> datetime:
    """When the FC receives: the ASN's estimate, else shipped + 2 days; never before acceptance."""
    eta = estimated or (shipped or accepted_at) + DEFAULT_TRANSIT
    return max(eta, accepted_at)
