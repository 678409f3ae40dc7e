"""Reading purchase orders and their status from the sandbox over loopback."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from acorn.sandbox import SandboxConfig, SandboxServer
from acorn.spapi import ClientRequestError, SpApiClient
from schemas import spapi as wire

from .conftest import RecordingTransport

ORDERS_PATH = "/vendor/orders/v1/purchaseOrders"


def _created_between(sandbox: SandboxServer, after: datetime, before: datetime) -> set[str]:
    return {po.number for po in sandbox.state.visible_orders() if after <= po.created < before}


def test_listing_a_window_follows_every_page_and_returns_every_purchase_order(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    now = sandbox.state.now()
    after = now - timedelta(days=3)
    orders = list(client.list_purchase_orders(created_after=after, created_before=now, limit=5))
    expected = _created_between(sandbox, after, now)
    assert len(expected) >= 30
    assert [o.purchase_order_number for o in orders if o.purchase_order_number not in expected] == []
    assert {o.purchase_order_number for o in orders} == expected and len(orders) == len(expected)
    pages = transport.to(ORDERS_PATH)
    assert len(pages) == math.ceil(len(expected) / 5)
    assert all(p.params["limit"] == "5" for p in pages) and "nextToken" not in pages[0].params
    assert all("nextToken" in p.params for p in pages[1:])
    assert all(isinstance(o, wire.Order) and o.order_details and o.order_details.items for o in orders)


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(seed=3, pos_per_day=2, history_days=20)])
def test_a_window_longer_than_seven_days_is_cut_into_pieces_the_sandbox_accepts(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    now = sandbox.state.now()
    after = now - timedelta(days=18)
    numbers = [o.purchase_order_number for o in client.list_purchase_orders(created_after=after, created_before=now)]
    assert sorted(numbers) == sorted(_created_between(sandbox, after, now))   # each PO once, none missing
    windows = [(datetime.fromisoformat(p.params["createdAfter"]), datetime.fromisoformat(p.params["createdBefore"]))
               for p in transport.to(ORDERS_PATH)]
    assert len(windows) == 3
    assert windows[0][0] == after and windows[-1][1] == now
    assert all(b - a <= timedelta(days=7) for a, b in windows)
    assert all(windows[i][1] == windows[i + 1][0] for i in range(len(windows) - 1))   # no gap


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(seed=11, pos_per_day=20, history_days=6)])
def test_a_changed_window_returns_the_orders_amazon_changed_in_it(sandbox: SandboxServer, client: SpApiClient) -> None:
    now = sandbox.state.now()
    after = now - timedelta(days=6)
    expected = {po.number for po in sandbox.state.visible_orders()
                if (at := po.changed_at(now)) is not None and after <= at < now}
    assert expected, "the seed must give some changed orders"
    changed = list(client.list_purchase_orders(changed_after=after, changed_before=now))
    assert {o.purchase_order_number for o in changed} == expected
    assert all(after <= o.order_details.purchase_order_changed_date < now for o in changed)  # type: ignore[operator,union-attr]


def test_other_filters_go_out_as_amazons_query_parameters(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    now = sandbox.state.now()
    orders = list(client.list_purchase_orders(created_after=now - timedelta(days=2), created_before=now,
                                              include_details=False, purchase_order_state="New",
                                              sortOrder="ASC", ordering_vendor_code="ACRNCA"))
    assert orders and all(o.order_details is None and o.purchase_order_state == "New" for o in orders)
    assert transport.to(ORDERS_PATH)[0].params.items() >= {"includeDetails": "false", "purchaseOrderState": "New",
                                                           "sortOrder": "ASC", "orderingVendorCode": "ACRNCA"}.items()
    with pytest.raises(TypeError, match="no filter 'colour'.*purchaseOrderState"):
        list(client.list_purchase_orders(colour="red"))
    with pytest.raises(ValueError, match="timezone-aware"):
        list(client.list_purchase_orders(created_after=datetime(2026, 3, 1)))
    with pytest.raises(ValueError, match="not both"):
        list(client.list_purchase_orders(created_after=now - timedelta(days=1), changed_after=now - timedelta(days=1)))


def test_getting_one_purchase_order_returns_it_typed(sandbox: SandboxServer, client: SpApiClient) -> None:
    known = sandbox.state.visible_orders()[-1]
    order = client.get_purchase_order(known.number)
    assert order.purchase_order_number == known.number
    assert order.order_details.selling_party.party_id == known.selling_party  # type: ignore[union-attr]
    assert [i.ordered_quantity.amount for i in order.order_details.items] == [l.quantity for l in known.lines]  # type: ignore[union-attr]  # noqa: E741


def test_an_unknown_purchase_order_is_a_404_that_is_not_retried(
        client: SpApiClient, transport: RecordingTransport) -> None:
    with pytest.raises(ClientRequestError) as caught:
        client.get_purchase_order("NOPE0000")
    err = caught.value
    assert (err.operation, err.status_code, err.code) == ("getPurchaseOrder", 404, "NotFound")
    assert err.request_id and "NOPE0000" in (err.message + (err.details or ""))
    assert transport.count(f"{ORDERS_PATH}/NOPE0000") == 1


def test_a_bad_request_carries_amazons_error_code_and_details(client: SpApiClient,
                                                              transport: RecordingTransport) -> None:
    with pytest.raises(ClientRequestError) as caught:
        client.get_purchase_order("null")
    assert (caught.value.status_code, caught.value.code) == (400, "InvalidRequest")
    assert caught.value.details == "purchaseOrderNumber cannot be null"
    assert transport.count(f"{ORDERS_PATH}/null") == 1


def test_purchase_order_status_follows_every_page_and_reads_receipts(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport) -> None:
    now = sandbox.state.now()
    after = now - timedelta(days=3)
    statuses = list(client.get_purchase_orders_status(created_after=after, created_before=now, limit=4))
    expected = _created_between(sandbox, after, now)
    assert {s.purchase_order_number for s in statuses} == expected
    assert len(transport.to("/vendor/orders/v1/purchaseOrdersStatus")) == math.ceil(len(expected) / 4)
    first = statuses[0].item_status[0]
    assert first.receiving_status is not None and first.receiving_status.receive_status == "NOT_RECEIVED"
    one = list(client.get_purchase_orders_status(purchase_order_number=statuses[0].purchase_order_number))
    assert [s.purchase_order_number for s in one] == [statuses[0].purchase_order_number]


def test_the_limit_is_checked_before_anything_is_sent(
        make_client: Callable[..., SpApiClient], transport: RecordingTransport) -> None:
    client = make_client()
    with pytest.raises(ValueError, match="1..100"):
        list(client.list_purchase_orders(limit=500))
    assert transport.sent == []
