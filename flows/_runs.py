"""Flow-run names and the per-account loop every stage flow shares."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from acorn import runtime
from flows._common import account_codes, business_time

R = TypeVar("R")
ALL_ACCOUNTS = "all accounts"


def run_name(label: str, detail: str | None = None) -> Callable[[], str]:
    """``flow_run_name=`` for a flow: its label, business time on the dock's clock and its account.

    A scheduled run has no ``as_of``, so the name shows the wall-clock time the run started.
    ``detail`` names a parameter shown after the label when set (the month to reconcile).
    """
    def name() -> str:
        from prefect.runtime import flow_run

        params = flow_run.parameters
        shown = f"{label} {params[detail]}" if detail and params.get(detail) else label
        return describe_run(shown, params.get("as_of"), params.get("account"))

    return name


def describe_run(label: str, as_of: datetime | str | None, account: str | None) -> str:
    """``submit ASNs 2026-03-02 15:13 EST · ACRNCA``; all accounts read the first configured account's dock clock."""
    when = _as_datetime(as_of)
    if when is None:
        return f"{label} {as_of} · {account or ALL_ACCOUNTS}"  # not a time: the flow itself refuses it, naming it
    return f"{label} {when.astimezone(_dock_tz(account)):%Y-%m-%d %H:%M %Z} · {account or ALL_ACCOUNTS}"


def _as_datetime(as_of: datetime | str | None) -> datetime | None:
    if as_of is None:
        return datetime.now(UTC)
    try:
        when = as_of if isinstance(as_of, datetime) else datetime.fromisoformat(str(as_of))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _dock_tz(account: str | None) -> ZoneInfo:
    """The named account's dock time zone; for every account, the first configured one's."""
    try:
        settings = runtime.current().settings
        return ZoneInfo((settings.account(account) if account else settings.accounts[0]).ship_from_tz)
    except Exception:  # noqa: BLE001 - a name is no place to fail: the flow reports a bad account or configuration itself
        return ZoneInfo("UTC")


def for_each_account(account: str | None, as_of: datetime | None,
                     stage: Callable[[str, datetime], R]) -> R | dict[str, R]:
    """``stage`` for one named account (its result), or for every configured account (results by account).

    With every account, one account's failure does not stop the next; the flow then fails naming
    each account that failed and why.
    """
    when = business_time(as_of)
    if account is not None:
        return stage(account_codes(account)[0], when)
    results: dict[str, R] = {}
    failed: list[str] = []
    for code in account_codes(None):
        try:
            results[code] = stage(code, when)
        except Exception as exc:  # noqa: BLE001 - the other accounts still run; the flow fails below, naming this one
            _log().error("%s failed: %s; the other accounts still run", code, exc)
            failed.append(f"{code} ({type(exc).__name__}: {exc})")
    if failed:
        raise RuntimeError(f"failed for {', '.join(failed)}; done for {', '.join(results) or 'no account'}")
    return results


def _log() -> Any:
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:  # called as flow.fn(...) in a test
        return logging.getLogger("acorn.flows")
