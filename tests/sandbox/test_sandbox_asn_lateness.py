"""The ledger's ``late`` flag follows the project's one ASN deadline rule (``acorn.domain.deadlines``).

Due 30 minutes after departure or 6 hours before the delivery appointment, whichever is
sooner, judged at the sandbox time the accepted submission arrived.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

ASN = "/vendor/shipping/v1/shipmentConfirmations"


def _at(vendor: Any, delta: timedelta) -> str:
    moment = datetime.fromisoformat(vendor.now().replace("Z", "+00:00")) + delta
    return moment.isoformat().replace("+00:00", "Z")


def _send(vendor: Any, order: dict[str, Any], sid: str, *, shipped_ago: timedelta, delivery_in: timedelta,
          kind: str = "Original", units: int = 1) -> bool:
    """Submit an ASN shipped ``shipped_ago`` before now, delivering ``delivery_in`` after shipping; its ``late``."""
    seq = order["orderDetails"]["items"][0]["itemSequenceNumber"]
    shipped = _at(vendor, -shipped_ago)
    delivery = _at(vendor, delivery_in - shipped_ago)
    body = vendor.shipment(order, sid, quantities={seq: units}, shipped=shipped, delivery=delivery, kind=kind)
    assert vendor.submit(ASN, body)["status"] == "Success"
    entry = vendor.ledger()["shipmentConfirmations"][sid]
    assert entry["shippedDate"] == shipped and entry["estimatedDeliveryDate"] == delivery
    return entry["late"]


def test_twenty_minutes_after_departure_with_a_far_delivery_is_on_time(vendor: Any, us_order: Any) -> None:
    assert _send(vendor, us_order, "L-20", shipped_ago=timedelta(minutes=20), delivery_in=timedelta(days=3)) is False


def test_forty_minutes_after_departure_is_late(vendor: Any, us_order: Any) -> None:
    assert _send(vendor, us_order, "L-40", shipped_ago=timedelta(minutes=40), delivery_in=timedelta(days=3)) is True


def test_an_asn_less_than_six_hours_before_the_appointment_is_late_even_ten_minutes_after_departure(
        vendor: Any, us_order: Any) -> None:
    # deadline = min(departure + 30 min, departure + 5 h - 6 h) = departure - 1 h
    assert _send(vendor, us_order, "L-5H", shipped_ago=timedelta(minutes=10), delivery_in=timedelta(hours=5)) is True


def test_without_an_estimated_delivery_only_the_thirty_minutes_are_judged(vendor: Any, us_order: Any) -> None:
    seq = us_order["orderDetails"]["items"][0]["itemSequenceNumber"]
    for sid, ago, late in (("L-NOETA-20", 20, False), ("L-NOETA-40", 40, True)):
        body = vendor.shipment(us_order, sid, quantities={seq: 1}, shipped=_at(vendor, -timedelta(minutes=ago)))
        del body["shipmentConfirmations"][0]["estimatedDeliveryDate"]
        assert vendor.submit(ASN, body)["status"] == "Success"
        assert vendor.ledger()["shipmentConfirmations"][sid]["late"] is late


def test_a_replace_keeps_the_lateness_of_the_original(vendor: Any, us_order: Any) -> None:
    assert _send(vendor, us_order, "L-KEEP-LATE", shipped_ago=timedelta(minutes=40),
                 delivery_in=timedelta(days=3)) is True
    # the replacement itself would be on time: the chargeback is about the first ASN all the same
    assert _send(vendor, us_order, "L-KEEP-LATE", shipped_ago=timedelta(minutes=5), delivery_in=timedelta(days=3),
                 kind="Replace", units=2) is True

    assert _send(vendor, us_order, "L-KEEP-ON-TIME", shipped_ago=timedelta(minutes=5),
                 delivery_in=timedelta(days=3)) is False
    vendor.advance(2 * 3600)
    assert _send(vendor, us_order, "L-KEEP-ON-TIME", shipped_ago=timedelta(hours=3), delivery_in=timedelta(days=3),
                 kind="Replace", units=2) is False
    entry = vendor.ledger()["shipmentConfirmations"]["L-KEEP-ON-TIME"]
    assert (entry["accepted"], entry["shipmentConfirmationType"]) == (2, "Replace")
