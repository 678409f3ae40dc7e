"""Clock modes, wall-clock tokens and per-selling-partner usage plans.

Simulated time stands still (``manual``), follows the wall clock (``realtime``) or runs N times
faster (``speed=N``); operators jump it forward in every mode. Access tokens and ``nextToken``s
live on the wall clock only, and a usage plan is counted per selling partner and application.
"""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from acorn.sandbox import SandboxConfig, SandboxState
from acorn.sandbox.auth import SandboxCredential
from acorn.sandbox.clock import MANUAL, REALTIME, SandboxClock, parse_clock_mode
from acorn.sandbox.errors import ClockError
from acorn.sandbox.timefmt import parse_iso

ORDERS = "/vendor/orders/v1/purchaseOrders"
START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # seed 7


class WallClock:
    """A hand-moved stand-in for ``time.monotonic``."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _clock(vendor: Any) -> tuple[datetime, str]:
    body = vendor.http.get("/_sandbox/clock").json()
    return parse_iso(body["now"]), body["mode"]


# ---- the clock itself (no server) -------------------------------------------------------

@pytest.mark.parametrize(("text", "name", "rate"), [
    pytest.param("manual", "manual", 0.0, id="manual"),
    pytest.param("realtime", "realtime", 1.0, id="realtime"),
    pytest.param("speed=60", "speed=60", 60.0, id="speed"),
    pytest.param(" Speed=1440.0 ", "speed=1440", 1440.0, id="speed-canonical"),
    pytest.param("speed=0.5", "speed=0.5", 0.5, id="slower-than-real"),
])
def test_clock_modes_parse_to_a_rate(text: str, name: str, rate: float) -> None:
    mode = parse_clock_mode(text)
    assert (mode.name, mode.rate) == (name, rate)
    assert SandboxConfig(clock=text).clock == name


@pytest.mark.parametrize("text", ["fast", "speed=0", "speed=-2", "speed=", "speed=abc", "speed=inf", "speed=nan",
                                  "speed=2e6", "real time"])
def test_an_unknown_clock_mode_is_refused_saying_what_is_accepted(text: str) -> None:
    with pytest.raises(ValidationError, match="manual, realtime, speed=N"):
        SandboxConfig(clock=text)


def test_the_clock_start_must_carry_a_timezone() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        SandboxConfig(clock_start="2026-05-01T00:00:00")
    in_paris = SandboxConfig(clock_start="2026-05-01T02:00:00+02:00")
    assert in_paris.clock_start == datetime(2026, 5, 1, tzinfo=UTC)


def test_manual_stands_still_realtime_follows_the_wall_and_speed_multiplies_it() -> None:
    wall = WallClock()
    clocks = {name: SandboxClock(START, mode=parse_clock_mode(name), wall=wall)
              for name in ("manual", "realtime", "speed=3600")}
    wall.now += 2.5
    assert {name: c.now() - START for name, c in clocks.items()} == {
        "manual": timedelta(0), "realtime": timedelta(seconds=2.5), "speed=3600": timedelta(hours=2.5)}


def test_an_operator_jump_moves_the_offset_and_time_keeps_flowing_from_there() -> None:
    wall = WallClock()
    clock = SandboxClock(START, mode=REALTIME, wall=wall)
    wall.now += 10
    assert clock.advance(86400) == START + timedelta(days=1, seconds=10)
    wall.now += 5
    assert clock.now() == START + timedelta(days=1, seconds=15)
    target = START + timedelta(days=3)
    assert clock.set(target) == target
    wall.now += 1
    assert clock.now() == target + timedelta(seconds=1)
    with pytest.raises(ClockError, match="only moves forward"):
        clock.set(target)  # a second ago by now
    with pytest.raises(ClockError):
        clock.advance(-1)


def test_flowing_time_counts_whole_milliseconds_so_a_moment_read_back_is_never_ahead() -> None:
    wall = WallClock()
    clock = SandboxClock(START, mode=REALTIME, wall=wall)
    wall.now += 0.0019996
    assert clock.now() == START + timedelta(milliseconds=1)
    manual = SandboxClock(START, mode=MANUAL, wall=wall)
    wall.now += 100
    assert manual.now() == START


# ---- over HTTP --------------------------------------------------------------------------

def test_a_realtime_sandbox_moves_with_the_wall_clock_and_says_so(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=100, clock="realtime"))
    first, mode = _clock(vendor)
    began = time.monotonic()
    time.sleep(0.3)
    second, _ = _clock(vendor)
    elapsed = time.monotonic() - began
    assert mode == "realtime"
    assert START <= first < START + timedelta(seconds=5)
    assert timedelta(seconds=0.25) <= second - first <= timedelta(seconds=elapsed + 0.05)


def test_a_speed_n_sandbox_runs_n_times_faster_and_a_manual_one_stands_still(make_sandbox: Any) -> None:
    _, fast = make_sandbox(SandboxConfig(seed=7, rate_scale=100, clock="speed=3600"))
    _, still = make_sandbox(SandboxConfig(seed=7, rate_scale=100))
    (fast_0, mode), (still_0, still_mode) = _clock(fast), _clock(still)
    began = time.monotonic()
    time.sleep(0.2)
    fast_1, still_1 = _clock(fast)[0], _clock(still)[0]
    elapsed = time.monotonic() - began
    assert (mode, still_mode) == ("speed=3600", "manual")
    assert timedelta(seconds=0.18 * 3600) <= fast_1 - fast_0 <= timedelta(seconds=(elapsed + 0.05) * 3600)
    assert still_1 == still_0 == START


@pytest.mark.parametrize("mode", ["manual", "realtime", "speed=100"])
def test_operators_can_jump_the_clock_forward_in_every_mode(make_sandbox: Any, mode: str) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=100, clock=mode))
    before, _ = _clock(vendor)
    jumped = parse_iso(vendor.http.post("/_sandbox/clock", json={"advance_seconds": 86400}).json()["now"])
    assert jumped - before >= timedelta(days=1)
    target = before + timedelta(days=3)
    r = vendor.http.post("/_sandbox/clock", json={"set": target.isoformat()})
    set_to = parse_iso(r.json()["now"])  # read after the jump: a flowing clock has flowed on a little
    assert (set_to == target) if mode == "manual" else (target <= set_to < target + timedelta(seconds=5))
    assert vendor.http.post("/_sandbox/clock", json={"set": before.isoformat()}).status_code == 400  # not back
    time.sleep(0.05)
    after, _ = _clock(vendor)
    assert (after == target) if mode == "manual" else (after > target)


def test_orders_appear_as_realtime_time_passes_with_no_operator_call(make_sandbox: Any) -> None:
    # the seed's first order after the start moment, found on a manual twin (orders are the same per seed and day)
    twin = SandboxState(SandboxConfig(seed=7))
    upcoming = next(po for po in twin.book.orders if po.created > START and po.created.date() == START.date())
    config = SandboxConfig(seed=7, rate_scale=100, clock="realtime",
                           clock_start=upcoming.created - timedelta(seconds=2))
    _, vendor = make_sandbox(config)
    path = f"{ORDERS}/{upcoming.number}"
    assert vendor.http.get(path).status_code == 404  # Amazon has not placed it yet
    deadline = time.monotonic() + 6
    while vendor.http.get(path).status_code == 404:  # no one moves the clock: the wall clock does
        assert time.monotonic() < deadline, "the order never appeared"
        time.sleep(0.05)
    assert _clock(vendor)[0] >= upcoming.created
    listed = vendor.orders(createdAfter=(upcoming.created - timedelta(hours=1)).isoformat())
    assert upcoming.number in [o["purchaseOrderNumber"] for o in listed]


def test_reset_takes_a_flowing_clock_back_to_its_start(make_sandbox: Any) -> None:
    moment = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=100, clock="speed=60", clock_start=moment))
    vendor.http.post("/_sandbox/clock", json={"advance_seconds": 3600})
    again = parse_iso(vendor.http.post("/_sandbox/reset").json()["now"])
    assert moment <= again < moment + timedelta(seconds=60)


# ---- tokens and nextTokens live on the wall clock ---------------------------------------

def test_an_access_token_survives_simulated_days_in_a_fast_clock_and_expires_on_the_wall_clock(
        make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=100, clock="speed=86400",
                                           access_token_lifetime_seconds=5))
    # five real seconds of life: the 2-day advance makes two days of orders, which on a loaded
    # 2-core machine has taken longer than the two seconds this test once allowed
    granted = time.monotonic()
    vendor.refresh()
    before, _ = _clock(vendor)
    vendor.advance(2 * 86400, refresh=False)
    time.sleep(0.3)  # and another 7 simulated hours flow by
    assert _clock(vendor)[0] - before > timedelta(days=2, hours=6)
    assert time.monotonic() - granted < 5, "too slow to tell: the token's real life was spent"
    assert vendor.http.get(ORDERS, params={"limit": 1}).status_code == 200
    time.sleep(max(0.0, granted + 5.05 - time.monotonic()))  # five real seconds after the grant
    r = vendor.http.get(ORDERS, params={"limit": 1})
    assert r.status_code == 403 and r.json()["errors"][0]["details"] == "The access token you provided has expired."


def test_a_next_token_outlives_a_simulated_day_and_expires_on_the_wall_clock(make_sandbox: Any) -> None:
    _, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=100, next_token_lifetime_seconds=4))
    first = vendor.http.get(ORDERS, params={"limit": 2}).json()["payload"]
    issued = time.monotonic()  # four real seconds of life: a simulated day of orders can take one or two
    token = first["pagination"]["nextToken"]
    with pytest.raises(ValueError):  # opaque: no query to read (or forge) inside
        json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    vendor.advance(86400)
    assert time.monotonic() - issued < 4, "too slow to tell: the token's real life was spent"
    assert vendor.http.get(ORDERS, params={"nextToken": token}).status_code == 200
    time.sleep(max(0.0, issued + 4.05 - time.monotonic()))
    r = vendor.http.get(ORDERS, params={"nextToken": token})
    assert r.status_code == 400 and r.json()["errors"][0]["details"] == "nextToken"


def test_the_operator_expires_next_tokens_and_access_tokens_on_demand(vendor: Any) -> None:
    status = "/vendor/orders/v1/purchaseOrdersStatus"
    orders_token = vendor.http.get(ORDERS, params={"limit": 1}).json()["payload"]["pagination"]["nextToken"]
    status_token = vendor.http.get(status, params={"limit": 1}).json()["payload"]["pagination"]["nextToken"]
    assert vendor.http.get(status, params={"nextToken": orders_token}).status_code == 400  # another operation's
    expired = vendor.http.post("/_sandbox/tokens/expire", json={"nextTokens": True, "accessTokens": False})
    assert expired.json() == {"accessTokens": 0, "nextTokens": 2}
    for path, token in ((ORDERS, orders_token), (status, status_token)):
        r = vendor.http.get(path, params={"nextToken": token})
        assert r.status_code == 400 and "expired" in r.json()["errors"][0]["message"]
    assert vendor.http.post("/_sandbox/tokens/expire", json={"nextTokens": True}).json() == {
        "accessTokens": 1, "nextTokens": 0}
    assert vendor.http.get(ORDERS).status_code == 403


@pytest.mark.parametrize("body", [
    pytest.param({"nextTokens": "yes"}, id="not-a-boolean"),
    pytest.param({"refreshTokens": True}, id="unknown-key"),
    pytest.param([True], id="not-an-object"),
])
def test_a_bad_expire_request_is_refused_and_expires_nothing(vendor: Any, body: Any) -> None:
    r = vendor.http.post("/_sandbox/tokens/expire", json=body)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "InvalidInput"
    assert vendor.http.get(ORDERS, params={"limit": 1}).status_code == 200


# ---- usage plans per selling partner and application ------------------------------------

OTHER_APP = SandboxCredential(client_id="reports-app", client_secret="reports-secret",
                              refresh_token="Atzr|primary-for-reports", selling_partner_id="primary")
OTHER_PARTNER = SandboxCredential(client_id="acorn-sandbox-client", client_secret="acorn-sandbox-secret",
                                  refresh_token="Atzr|second-vendor")


def _token(http: httpx.Client, credential: SandboxCredential) -> str:
    r = http.post("/auth/o2/token", data={
        "grant_type": "refresh_token", "client_id": credential.client_id,
        "client_secret": credential.client_secret.get_secret_value(),
        "refresh_token": credential.refresh_token.get_secret_value()})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def test_a_usage_plan_is_counted_per_selling_partner_and_application(make_sandbox: Any) -> None:
    sb, vendor = make_sandbox(SandboxConfig(seed=7, rate_scale=0.1, more_credentials=(OTHER_APP, OTHER_PARTNER)))
    primary = SandboxCredential(client_id="acorn-sandbox-client", client_secret="acorn-sandbox-secret",
                                refresh_token="Atzr|acorn-sandbox-refresh")
    with httpx.Client(base_url=sb.base_url) as http:
        tokens = {name: _token(http, cred) for name, cred in (
            ("second process, same credential", primary), ("same partner, other app", OTHER_APP),
            ("other partner, same app", OTHER_PARTNER))}

        def status(token: str) -> int:
            return http.get(ORDERS, params={"limit": 1}, headers={"x-amz-access-token": token}).status_code

        # rate 1/s, burst 1: the vendor's first call empties the primary pair's bucket
        assert vendor.http.get(ORDERS, params={"limit": 1}).status_code == 200
        assert vendor.http.get(ORDERS, params={"limit": 1}).status_code == 429
        assert {name: status(token) for name, token in tokens.items()} == {
            "second process, same credential": 429, "same partner, other app": 200, "other partner, same app": 200}


def test_a_refresh_token_works_only_with_the_application_it_was_issued_to(make_sandbox: Any) -> None:
    sb, _ = make_sandbox(SandboxConfig(seed=7, rate_scale=100, more_credentials=(OTHER_APP,)))
    with httpx.Client(base_url=sb.base_url) as http:
        r = http.post("/auth/o2/token", data={
            "grant_type": "refresh_token", "client_id": "reports-app", "client_secret": "reports-secret",
            "refresh_token": "Atzr|acorn-sandbox-refresh"})
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
        assert "reports-secret" not in r.text and "Atzr|" not in r.text
    shown = repr(sb.config) + repr(sb.state.tokens)
    assert "reports-secret" not in shown and "primary-for-reports" not in shown


# ---- one way to read simulated time -----------------------------------------------------

def test_only_the_state_reads_the_clock_so_every_read_also_places_the_orders_due() -> None:
    """In realtime the clock moves without an operator call: a module reading ``clock.now()`` itself
    would see a moment whose orders were never generated. ``SandboxState.now()`` is the one way."""
    package = Path(__file__).resolve().parents[2] / "acorn" / "sandbox"
    reads = [(path.name, line.strip()) for path in sorted(package.glob("*.py")) if path.name != "clock.py"
             for line in path.read_text().splitlines() if re.search(r"\bclock\.now\(\)", line)]
    assert {name for name, _ in reads} == {"state.py"}, reads
    assert len(reads) <= 2, reads  # SandboxState.now() itself, and its repr
