"""Stage flows without an account serve every configured account; flow runs are named with business time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from acorn.services.summary import lifecycle_counts
from lifecycle_world import US, World

CA = "ACRNCA"


def _run_name(state: Any) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(state.state_details.flow_run_id).name


@pytest.mark.flows
def test_a_stage_flow_without_an_account_serves_every_account_and_names_its_run(prefect_server: None,
                                                                               world: World) -> None:
    from flows.acknowledge_orders import acknowledge_orders
    from flows.po_intake import po_intake

    as_of = world.run_times(1)[0]
    world.set_clock(as_of)
    intake = po_intake(as_of=as_of, return_state=True)
    assert intake.is_completed(), intake.message
    assert set(intake.result()) == {US, CA}
    assert all(lifecycle_counts(world.units, code)["purchase_orders"] > 0 for code in (US, CA))
    # the daily run's 15:10 in New York, the first account's dock (EST in March before the 8th, else EDT)
    local = as_of.astimezone(_tz(world.settings.account(US).ship_from_tz))
    assert _run_name(intake) == f"po intake {local:%Y-%m-%d %H:%M %Z} · all accounts"

    acks = acknowledge_orders(as_of=as_of, return_state=True)
    assert acks.is_completed(), acks.message
    ledger = world.ledger()["acknowledgements"]
    by_account = {code: lifecycle_counts(world.units, code)["acknowledgements"]["accepted"] for code in (US, CA)}
    assert all(by_account.values()) and len(ledger) >= sum(by_account.values()) > 0, (by_account, len(ledger))


@pytest.mark.flows
def test_a_scheduled_run_without_as_of_is_named_with_the_wall_clock_and_its_account(prefect_server: None,
                                                                                    world: World) -> None:
    from flows.submit_asns import submit_asns

    before = datetime.now(UTC).replace(second=0, microsecond=0)
    state = submit_asns(account=CA, return_state=True)  # as a schedule calls it: no as_of
    after = datetime.now(UTC)
    assert state.is_completed(), state.message
    name = _run_name(state)
    tz = _tz(world.settings.account(CA).ship_from_tz)
    shown = {f"submit ASNs {m.astimezone(tz):%Y-%m-%d %H:%M %Z} · {CA}"
             for m in (before, before + timedelta(minutes=1)) if m <= after}
    assert name in shown, name
    assert "None" not in name


def test_one_account_failing_does_not_stop_the_next_and_the_error_names_it(world: World) -> None:
    from flows._runs import for_each_account

    ran: list[str] = []

    def stage(code: str, as_of: datetime) -> str:
        ran.append(code)
        if code == US:
            raise ValueError("purchase order 4Z7QX1 field netCost: not a number")
        return f"{code} at {as_of:%H:%M}"

    with pytest.raises(RuntimeError, match=rf"failed for {US} \(ValueError: purchase order 4Z7QX1 field netCost"
                                           rf".*done for {CA}"):
        for_each_account(None, datetime(2026, 3, 2, 20, 10, tzinfo=UTC), stage)
    assert ran == [US, CA]
    # one named account: its own result, and its error as it was
    assert for_each_account(CA, datetime(2026, 3, 2, 20, 10, tzinfo=UTC), stage) == f"{CA} at 20:10"
    with pytest.raises(ValueError, match="4Z7QX1"):
        for_each_account(US, datetime(2026, 3, 2, 20, 10, tzinfo=UTC), stage)
    with pytest.raises(Exception, match=f"NOPE.*{US}"):
        for_each_account("NOPE", None, stage)


def test_run_names_read_the_dock_clock(world: World) -> None:
    from flows._runs import describe_run

    when = datetime(2026, 3, 2, 20, 13, tzinfo=UTC)
    assert describe_run("submit ASNs", when, CA) == f"submit ASNs 2026-03-02 15:13 EST · {CA}"
    assert describe_run("daily lifecycle", "2026-07-01T19:10:00Z", None) == \
        "daily lifecycle 2026-07-01 15:10 EDT · all accounts"
    # a time without a zone is refused by the flow itself; the name shows it as given
    assert describe_run("po intake", "2026-03-02T15:10", US) == f"po intake 2026-03-02T15:10 · {US}"


def _tz(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
