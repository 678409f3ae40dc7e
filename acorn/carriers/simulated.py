"""A simulated parcel carrier for the sandbox and the demo: valid UPS ``1Z`` tracking numbers.

Numbers are deterministic per shipment and carton (a rerun of the demo prints the same
labels): the 7-digit package number is 4 digits derived from the shipment identifier and
the 3-digit carton number. Two shipments can share the 4 digits (1 in 10,000); a real
carrier hands out numbers from its own sequence, which is why this sits behind a port.
"""

from __future__ import annotations

import hashlib

from acorn.config import CarrierSettings
from acorn.domain.carrier_numbers import ups_tracking_number

#: cartons one simulated shipment can number (3 digits of the package number)
MAX_CARTONS = 999


class SimulatedCarrier:
    def __init__(self, scac: str, carrier: CarrierSettings) -> None:
        if carrier.mode != "parcel" or carrier.shipper_number is None:
            raise ValueError(f"carriers.{scac}: the simulated carrier makes parcel tracking numbers; "
                             f"mode is {carrier.mode!r}, shipper_number {carrier.shipper_number!r}")
        self.scac = scac
        self._carrier = carrier

    def tracking_numbers(self, shipment_identifier: str, carton_count: int) -> list[str]:
        if not 1 <= carton_count <= MAX_CARTONS:
            raise ValueError(f"shipment {shipment_identifier}: {carton_count} cartons; "
                             f"the simulated carrier numbers 1 to {MAX_CARTONS}")
        stem = int(hashlib.sha256(shipment_identifier.encode()).hexdigest(), 16) % 10_000
        assert self._carrier.shipper_number is not None
        return [ups_tracking_number(self._carrier.shipper_number, self._carrier.service_code, stem * 1000 + n)
                for n in range(1, carton_count + 1)]
