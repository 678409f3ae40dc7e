"""The official-examples scenario: Amazon's ``x-amzn-api-sandbox`` examples played on the sandbox in date order.

Amazon's static sandbox answers each example's request with the example's answer, whatever the
date. The sandbox answers from its own state, so each example is played at the moment its
answer describes, on a sandbox holding the orders the examples show
(``scenarios.official_example_orders``), with the clock moved forward from step to step:

* a GET answered 200 is played one second after the latest thing its answer shows happening
  (an order's creation, change, state change, last update, acknowledgement or receipt);
* a GET without parameters (Amazon's catch-all answers) stands for the operation's default
  request: getPurchaseOrders / getPurchaseOrdersStatus with no parameters (the orders created in
  the last 7 days), getPurchaseOrder of the order its answer shows; it is played one second
  after the latest happening of the orders it lists *as the scenario holds them*;
* a POST is played one second after the latest date its document carries (acknowledgement,
  shipment confirmation or shipment, invoice date); ``{}`` bodies (examples without a body)
  are posted as they are, and the model lets them through the gateway;
* a request sending a ``nextToken`` is the next page of the example whose answer carries that
  token: it is played right after it, sending the token the sandbox gave there (the sandbox's
  tokens are opaque and its own, as Amazon's are);
* examples with no moment (the 400s, the ``{}`` POSTs) are played right after the example
  before them in the models.

Steps run in order of those moments. A sandbox for the whole scenario starts before the first
one, with no generated orders: ``SandboxConfig(clock_start=start_moment(), pos_per_day=0)``
(``acorn sandbox serve --start 2019-07-26T00:00:00Z --pos-per-day 0``). Loading the scenario
also turns on *examples mode* (``state.examples_mode``), which relaxes the two rules Amazon's
own examples break (``queries``: a getPurchaseOrders window longer than 7 days, and one whose
bounds come reversed); everything else, the 6-month look-back included, is enforced as usual.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from acorn import contract
from acorn.contract import SandboxExample
from acorn.sandbox.orders import PurchaseOrder
from acorn.sandbox.scenarios import ExampleOrders, listed_orders, official_example_orders, token_source
from acorn.sandbox.timefmt import iso, parse_iso

if TYPE_CHECKING:
    from acorn.sandbox.state import SandboxState

SCENARIO = "official-examples"
#: a step is played this long after the latest moment its example shows
_AFTER = timedelta(seconds=1)
#: what an answer shows having happened (not plans such as windows)
_HAPPENINGS = frozenset({"purchaseOrderDate", "purchaseOrderChangedDate", "purchaseOrderStateChangedDate",
                         "lastUpdatedDate", "acknowledgementDate", "lastReceiveDate", "updatedDate"})
#: when a submitted document says it was made (not promised delivery dates)
_DOCUMENT_DATES = frozenset({"acknowledgementDate", "shipmentConfirmationDate", "shippedDate", "date"})
_BEFORE_ALL = datetime.min.replace(tzinfo=UTC)


class ScenarioError(ValueError):
    """An operator asked the scenario for something it cannot do (answered 400)."""


@dataclass(frozen=True)
class Step:
    """One example as the scenario plays it."""

    number: int
    index: int  # position among contract.sandbox_examples()
    example: SandboxExample
    at: datetime | None  # set the clock here first (None: leave it)
    method: str
    path: str
    query: dict[str, str]
    body: Any
    next_token_from: int | None  # the step whose answer's nextToken this request sends
    expected_orders: list[str] | None  # purchase order numbers the example's 200 answer lists
    note: str

    @property
    def expected_status(self) -> int:
        return int(self.example.status)

    def to_json(self) -> dict[str, Any]:
        ex = self.example
        return {
            "step": self.number,
            "example": {"api": ex.api, "operationId": ex.operation_id, "status": ex.status, "index": self.index},
            "at": None if self.at is None else iso(self.at),
            "request": {"method": self.method, "path": self.path, "query": dict(self.query),
                        "body": copy.deepcopy(self.body)},
            "nextTokenFrom": self.next_token_from,
            "expect": {"status": self.expected_status, "purchaseOrderNumbers": self.expected_orders},
            "note": self.note,
        }


# ---- moments ----------------------------------------------------------------------------

def _dates(value: Any, keys: frozenset[str]) -> list[datetime]:
    """Every parseable date under one of ``keys``, anywhere in a JSON value."""
    found: list[datetime] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys and isinstance(inner, str):
                try:
                    found.append(parse_iso(inner))
                except ValueError:
                    pass
            else:
                found.extend(_dates(inner, keys))
    elif isinstance(value, list):
        for inner in value:
            found.extend(_dates(inner, keys))
    return found


def happenings(po: PurchaseOrder) -> list[datetime]:
    """Every moment something happened to an order the scenario holds."""
    moments = [po.created]
    moments += [c.at for c in (po.change, po.late_change) if c is not None]
    moments += [m for m in (po.acknowledged_at, po.fixed_state[1] if po.fixed_state else None) if m is not None]
    for line in po.lines:
        moments += [line.ack.acknowledged_at] if line.ack is not None else []
        moments += [s.delivered_at for s in line.shipped]
    return moments


def _params(ex: SandboxExample) -> dict[str, Any]:
    return {name: spec.get("value") for name, spec in (ex.request.get("parameters") or {}).items()}


def _moment(ex: SandboxExample, held: dict[str, PurchaseOrder]) -> tuple[datetime | None, str]:
    """When the example is played (None: right after the one before it), and why."""
    params = _params(ex)
    if ex.method == "POST":
        dates = _dates(params.get("body"), _DOCUMENT_DATES)
        if dates:
            return max(dates) + _AFTER, "one second after the latest date its document carries"
        return None, "an empty body ({}), posted as it is, right after the example before it"
    if not ex.status.startswith("2"):
        return None, "a malformed request, answered 400 at any moment"
    if params.get("nextToken"):
        return None, "the next page of the search its nextToken came from, sending the token the sandbox gave there"
    if not [k for k in params if k != "body"]:
        numbers = [str(o["purchaseOrderNumber"]) for o in listed_orders(ex)]
        moments = [m for n in numbers if n in held for m in happenings(held[n])]
        what = "the default search (orders created in the last 7 days)"
        if ex.operation_id == "getPurchaseOrder":
            what = f"getPurchaseOrder of the order its answer shows ({numbers[0]})"
        return (max(moments) + _AFTER if moments else None), (
            f"no parameters: {what}, one second after the latest happening of its orders as the scenario holds them")
    dates = _dates((ex.response or {}).get("payload"), _HAPPENINGS)
    return (max(dates) + _AFTER if dates else None), "one second after the latest happening its answer shows"


# ---- the plan ---------------------------------------------------------------------------

def _request(ex: SandboxExample) -> tuple[str, dict[str, str], Any]:
    path, query, body = ex.path, {}, None
    for name, value in _params(ex).items():
        if name == "body":
            body = {} if value is None else value
        elif "{" + name + "}" in path:
            path = path.replace("{" + name + "}", str(value))
        else:
            query[name] = str(value).lower() if isinstance(value, bool) else str(value)
    if ex.method == "POST" and body is None:
        body = {}
    if "{purchaseOrderNumber}" in path:  # no number given: the order its answer shows
        path = path.replace("{purchaseOrderNumber}", str(listed_orders(ex)[0]["purchaseOrderNumber"]))
    return path, query, body


@lru_cache(maxsize=1)
def plan() -> tuple[Step, ...]:
    """Every official example, in the order the scenario plays them."""
    examples = list(contract.sandbox_examples())
    held = {po.number: po for po in official_example_orders().first}
    moments = [_moment(ex, held) for ex in examples]
    effective: list[datetime] = []
    for at, _ in moments:  # a step without a moment follows the example before it
        effective.append(at if at is not None else (effective[-1] if effective else _BEFORE_ALL))
    order = sorted(range(len(examples)), key=lambda i: (effective[i], i))
    position = {index: n for n, index in enumerate(order)}
    steps = []
    for n, i in enumerate(order):
        ex = examples[i]
        path, query, body = _request(ex)
        source = token_source(examples, ex)
        expected = ([str(o["purchaseOrderNumber"]) for o in listed_orders(ex)]
                    if ex.method == "GET" and ex.status == "200" else None)
        steps.append(Step(number=n, index=i, example=ex, at=moments[i][0], method=ex.method, path=path, query=query,
                          body=body, next_token_from=None if source is None else position[examples.index(source)],
                          expected_orders=expected, note=moments[i][1]))
    return tuple(steps)


def start_moment() -> datetime:
    """Midnight (UTC) of the first step's day: where a sandbox for the whole scenario starts."""
    first = min(s.at for s in plan() if s.at is not None)
    return first.replace(hour=0, minute=0, second=0, microsecond=0)


# ---- on a sandbox -----------------------------------------------------------------------

def _acted_on(po: PurchaseOrder) -> bool:
    return po.acknowledged_at is not None or po.fixed_state is not None or any(ln.shipped for ln in po.lines)


def _touch(state: SandboxState, orders: list[PurchaseOrder]) -> None:
    for po in orders:
        if _acted_on(po):
            state.book.touch(po)  # searches by last update find orders created before their window


def _put_due(state: SandboxState, orders: ExampleOrders) -> None:
    """Put each later order whose creation the clock has reached in place of the earlier one."""
    now = state.now()
    due = [po for po in orders.later if po.created <= now
           and (held := state.book.by_number.get(po.number)) is not None and held.created != po.created]
    for po in due:
        state.book.put(po)
    _touch(state, due)


def load(state: SandboxState) -> int:
    """Load the scenario's orders (as of the sandbox clock) and turn examples mode on; how many orders."""
    orders = official_example_orders()
    with state.lock:
        try:
            state.add_orders(orders.first)
        except ValueError as exc:
            raise ScenarioError(f"the {SCENARIO} scenario's orders are already loaded: {exc}") from None
        _touch(state, orders.first)
        _put_due(state, orders)
        state.examples_mode = True
    return len(orders.first)


def go_to(state: SandboxState, number: int) -> Step:
    """Move the clock to step ``number``'s moment and make Amazon's replacements due by then."""
    steps = plan()
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < len(steps):
        raise ScenarioError(f"step must be a whole number from 0 to {len(steps) - 1}")
    step = steps[number]
    with state.lock:
        if not state.examples_mode:
            raise ScenarioError(f'load the scenario first: POST /_sandbox/scenario {{"name": "{SCENARIO}"}}')
        now = state.now()
        if step.at is not None and step.at < now:
            raise ScenarioError(
                f"step {number} is played at {iso(step.at)}, but the sandbox clock is already at {iso(now)} and only "
                f"moves forward: play the steps in order on a sandbox that starts at {iso(start_moment())} with no "
                f"generated orders (acorn sandbox serve --start {iso(start_moment())} --pos-per-day 0)")
        if step.at is not None:
            state.set_now(step.at)
        _put_due(state, official_example_orders())
    return step
