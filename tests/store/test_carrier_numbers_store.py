"""PRO and bill-of-lading numbers come from the store and are never handed out twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from acorn.domain.carrier_numbers import CheckRule, ProNumberFormat, ProRangeExhausted
from acorn.store import UnitOfWork

ODFL = ProNumberFormat(scac="ODFL", rule=CheckRule.MOD7, range_start=770000000, range_end=770000004, digits=9)


def _allocate(url: str, fmt: ProNumberFormat = ODFL) -> str:
    with UnitOfWork(url) as uow:
        pro = uow.serials.allocate_pro(fmt)
        uow.commit()
    return pro


def test_two_allocations_never_return_the_same_pro(migrated_url: str) -> None:
    first, second = _allocate(migrated_url), _allocate(migrated_url)
    assert first == "7700000000" and second == "7700000011"  # base + base mod 7
    assert ODFL.validate(first) and ODFL.validate(second)


def test_concurrent_planners_get_distinct_pros(migrated_url: str) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        pros = list(pool.map(lambda _: _retrying(migrated_url), range(5)))
    assert len(set(pros)) == 5


def _retrying(url: str) -> str:
    from sqlalchemy.exc import OperationalError

    for _ in range(50):  # SQLite refuses a second writer ("database is locked") instead of waiting forever
        try:
            return _allocate(url)
        except OperationalError:
            continue
    raise AssertionError("could not allocate a PRO")


def test_an_allocation_rolled_back_is_not_lost_and_a_committed_one_is_not_reused(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        uow.serials.allocate_pro(ODFL)  # no commit: the unit of work rolls back
    assert _allocate(migrated_url) == "7700000000"
    assert _allocate(migrated_url) != "7700000000"


def test_a_used_up_block_raises_and_a_new_block_starts_at_its_own_start(migrated_url: str) -> None:
    for _ in range(5):
        _allocate(migrated_url)
    with pytest.raises(ProRangeExhausted, match="ODFL"):
        _allocate(migrated_url)
    with pytest.raises(ProRangeExhausted):  # the failed attempt consumed nothing, and it still refuses
        _allocate(migrated_url)
    new_block = ProNumberFormat(scac="ODFL", rule=CheckRule.MOD7, range_start=780000000, range_end=780999999,
                                digits=9)
    assert _allocate(migrated_url, new_block) == "780000000" + str(780000000 % 7)


def test_bill_of_lading_numbers_are_sequential_gsins_per_company_prefix(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        first = uow.serials.allocate_bill_of_lading("0614141")
        second = uow.serials.allocate_bill_of_lading("0614141")
        uow.commit()
    assert first == "06141410000000012"
    assert second[:16] == "0614141000000002" and second != first
