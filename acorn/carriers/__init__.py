"""Carriers: where parcel tracking numbers come from.

``CarrierPort`` is a port because the tracking number of a parcel is the carrier's to give,
not ours: in production a carrier API (UPS Shipping API, a multi-carrier service) or a
label-printer / shipping-station integration returns them when the labels are bought. The
sandbox and the demo plug in :class:`acorn.carriers.simulated.SimulatedCarrier`, which makes
valid UPS ``1Z`` numbers without the network. Freight PRO numbers do not come through here:
the carrier issues a block in advance and the store allocates from it.
"""

from __future__ import annotations

from typing import Protocol

from acorn.config import AcornSettings
from acorn.domain.carrier_numbers import CheckRule, ProNumberFormat


class CarrierPort(Protocol):
    scac: str

    def tracking_numbers(self, shipment_identifier: str, carton_count: int) -> list[str]:
        """One tracking number per carton, in carton order; the first is the master tracking id."""
        ...


def carrier_port(settings: AcornSettings, scac: str) -> CarrierPort:
    """The carrier the settings name for ``scac``; only the simulator exists so far."""
    from acorn.carriers.simulated import SimulatedCarrier

    return SimulatedCarrier(scac, settings.carrier(scac))


def pro_format(settings: AcornSettings, scac: str) -> ProNumberFormat:
    """The PRO block and check rule configured for the freight carrier ``scac``."""
    carrier = settings.carrier(scac)
    if carrier.pro_range_start is None or carrier.pro_range_end is None:
        raise ValueError(f"carriers.{scac}: no PRO block configured (pro_range_start / pro_range_end)")
    return ProNumberFormat(scac=scac, rule=CheckRule(carrier.pro_check_rule), range_start=carrier.pro_range_start,
                           range_end=carrier.pro_range_end, digits=carrier.pro_digits,
                           check_span=carrier.pro_check_span)


__all__ = ["CarrierPort", "carrier_port", "pro_format"]
