"""Planned shipments carry real carrier references, and Amazon's sandbox accepts them in ASNs."""

from __future__ import annotations

from acorn.carriers import pro_format
from acorn.domain.carrier_numbers import is_valid_ups_tracking_number
from acorn.services.summary import lifecycle_counts
from acorn.store import UnitOfWork
from lifecycle_world import US, World, run_day


def test_parcel_cartons_have_ups_tracking_numbers_and_freight_has_a_pro_from_the_block(world: World) -> None:
    for as_of in world.run_times(3):
        run_day(world, as_of)
    parcel_tracking: list[str] = []
    pros: list[str] = []
    bols: list[str] = []
    with UnitOfWork(world.db) as uow:
        shipments = uow.shipments.list(US)
        for s in shipments:
            cartons = uow.shipments.cartons(s)
            if s.transport_mode == "SmallParcel":
                numbers = [c.tracking_number for c in cartons]
                assert all(n and is_valid_ups_tracking_number(n) for n in numbers), (s.shipment_identifier, numbers)
                assert s.pro_number == numbers[0] and s.bill_of_lading is None  # the master tracking id
                parcel_tracking += numbers
            else:
                assert all(c.tracking_number is None for c in cartons)
                pros.append(pro_format(world.settings, s.carrier_scac).validate(s.pro_number))
                bols.append(s.bill_of_lading)
    assert shipments and parcel_tracking and pros  # the demo week has both parcel and LTL shipments
    assert len(set(parcel_tracking)) == len(parcel_tracking)
    assert len(set(pros)) == len(pros) and len(set(bols)) == len(bols)
    counts = lifecycle_counts(world.units, US)
    assert counts["asns"]["failed"] == 0 and counts["asns"]["on_time"] > 0


def test_a_used_up_pro_block_stops_planning_that_po_with_an_alert_instead_of_reusing_a_number(world: World) -> None:
    from sqlmodel import select

    from acorn.config import CarrierSettings
    from lifecycle_world import services_day
    from schemas.tables import Alert

    one_pro = CarrierSettings(name="Old Dominion Freight Line", mode="freight", pro_range_start=770000000,
                              pro_range_end=770000000, pro_check_rule="mod7", freight_class="100")
    settings = world.settings.model_copy(update={"carriers": {**world.settings.carriers, "ODFL": one_pro}})
    problems: list[str] = []
    for as_of in world.run_times(7):
        world.set_clock(as_of)
        problems += services_day(settings, world.client, as_of)["plan"].problems
    with UnitOfWork(world.db) as uow:
        freight = [s for s in uow.shipments.list(US) if s.transport_mode != "SmallParcel"]
        alerts = list(uow.alerts.session.exec(select(Alert).where(Alert.kind == "pro_range_exhausted")).all())
    assert [s.pro_number for s in freight] == ["7700000000"]
    assert any("ODFL.pro_range_end" in p and "used up" in p for p in problems), problems
    assert len(alerts) == 1 and "new PRO block" in alerts[0].next_step
