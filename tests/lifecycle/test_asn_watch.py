"""The ASN watch: at risk before the deadline, late after it, once per shipment, as Amazon's ledger sees it."""

from __future__ import annotations

from datetime import timedelta

from acorn.services import asn_watch
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day


def _alerts(world: World, kind: str, status: str | None = "open") -> dict[str, str]:
    with UnitOfWork(world.db) as uow:
        return {a.shipment_identifier: a.dedupe_key for a in uow.alerts.list(account_code=US, status=status)
                if a.kind == kind}


def test_a_shipment_whose_asn_waits_is_at_risk_then_late_once_and_amazon_agrees(world: World) -> None:
    first, second = world.run_times(2)
    run_day(world, first)  # plans the shipments that leave at the next cut-off
    with UnitOfWork(world.db) as uow:
        leaving = [s for s in uow.shipments.list(US) if s.departure <= second]
    assert leaving, "the first day planned no shipment for the next truck"
    deadline = min(s.asn_deadline for s in leaving)
    account = world.settings.account(US)

    # nobody ran submit_asns after the truck left: ten minutes before the deadline, at risk
    watched = asn_watch.watch_asns(world.units, account, now=deadline - timedelta(minutes=10))
    assert sorted(watched.at_risk) == sorted(s.shipment_identifier for s in leaving if s.asn_deadline == deadline)
    assert watched.late == [] and _alerts(world, "asn_late") == {}

    # a minute after it: late, once; the at-risk alert has said its piece
    after = deadline + timedelta(minutes=1)
    watched = asn_watch.watch_asns(world.units, account, now=after)
    assert sorted(watched.late) == sorted(watched_at_risk := _alerts(world, "asn_at_risk", status=None))
    assert _alerts(world, "asn_at_risk") == {} and len(watched_at_risk) == len(watched.late)
    assert asn_watch.watch_asns(world.units, account, now=after).late == []

    # the ASNs go out now: Amazon judges them late too, and the outbox's late verdict is the same alert
    run_day(world, after)
    late_in_ledger = {e["id"] for e in world.ledger()["shipmentConfirmations"] if e.get("late")}
    assert set(watched.late) <= late_in_ledger
    late = _alerts(world, "asn_late")
    assert set(watched.late) <= set(late) and len(late) == len(set(late.values()))
    with UnitOfWork(world.db) as uow:
        assert sum(a.kind == "asn_late" for a in uow.alerts.list(account_code=US, status=None)) == len(late)


def test_a_person_resolving_a_late_asn_alert_is_not_overruled_by_the_watch(world: World) -> None:
    first, second = world.run_times(2)
    run_day(world, first)
    with UnitOfWork(world.db) as uow:
        shipment = min((s for s in uow.shipments.list(US) if s.departure <= second), key=lambda s: s.asn_deadline)
    account = world.settings.account(US)
    late_at = shipment.asn_deadline + timedelta(minutes=5)
    assert shipment.shipment_identifier in asn_watch.watch_asns(world.units, account, now=late_at).late
    with UnitOfWork(world.db) as uow:
        uow.alerts.resolve(f"asn-late:{shipment.shipment_identifier}", at=late_at)
        uow.commit()
    assert asn_watch.watch_asns(world.units, account, now=late_at + timedelta(minutes=10)).late == []
    assert shipment.shipment_identifier not in _alerts(world, "asn_late")
