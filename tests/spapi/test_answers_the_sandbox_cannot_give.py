"""Answers the sandbox never gives (a bodiless 504 to a POST, broken JSON, a malformed order).

The one place these tests use ``httpx.MockTransport``: they check how the client maps a
given answer, which needs no server. Every other behaviour is tested against the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from acorn.spapi import ResponseFormatError, ServerError, SpApiClient, SubmissionOutcomeUnknown
from acorn.spapi._windows import split_window

from .conftest import FAST_RETRIES

Handler = Callable[[httpx.Request], httpx.Response]
TOKEN = {"access_token": "Atza|unit", "expires_in": 3600, "token_type": "bearer"}


def _client(handler: Handler, seen: list[httpx.Request]) -> SpApiClient:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/o2/token":
            return httpx.Response(200, json=TOKEN)
        seen.append(request)
        return handler(request)

    from acorn.spapi import LwaCredentials

    creds = LwaCredentials(client_id="c", client_secret="s", refresh_token="r")  # type: ignore[arg-type]
    return SpApiClient("https://spapi.test", credentials=creds, transport=httpx.MockTransport(route),
                       retry_policy=FAST_RETRIES)


def test_a_gateway_timeout_on_a_submission_is_an_unknown_outcome_and_not_resent() -> None:
    seen: list[httpx.Request] = []
    with _client(lambda r: httpx.Response(504), seen) as client, pytest.raises(SubmissionOutcomeUnknown) as caught:
        client.submit_invoices({"invoices": []})
    assert (caught.value.status_code, len(seen)) == (504, 1)


def test_a_gateway_timeout_on_a_read_is_retried() -> None:
    seen: list[httpx.Request] = []
    answers = iter([httpx.Response(504), httpx.Response(502), httpx.Response(
        200, json={"payload": {"transactionStatus": {"transactionId": "T1", "status": "Success"}}})])
    with _client(lambda r: next(answers), seen) as client:
        assert client.get_transaction("T1").succeeded
    assert len(seen) == 3


def test_a_server_error_with_a_body_that_is_not_json_still_raises_a_typed_error() -> None:
    seen: list[httpx.Request] = []
    with _client(lambda r: httpx.Response(500, text="<html>oops</html>"), seen) as client, \
            pytest.raises(ServerError) as caught:
        client.submit_acknowledgement({"acknowledgements": []})
    assert (caught.value.status_code, caught.value.message) == (500, "Internal Server Error")


def test_a_success_that_is_not_json_is_a_response_format_error() -> None:
    with _client(lambda r: httpx.Response(200, text="not json"), []) as client, \
            pytest.raises(ResponseFormatError, match="not JSON"):
        client.get_purchase_order("P1")


def _page_with_one_bad_order(request: httpx.Request) -> httpx.Response:
    good = {"purchaseOrderNumber": "GOOD0001", "purchaseOrderState": "New"}
    bad = {"purchaseOrderNumber": "BAD00001", "orderDetails": {"purchaseOrderDate": "yesterday", "items": []}}
    return httpx.Response(200, content=json.dumps({"payload": {"orders": [bad, good]}}))


def test_an_order_that_does_not_fit_the_model_is_named_with_the_field() -> None:
    with _client(_page_with_one_bad_order, []) as client, pytest.raises(ResponseFormatError) as caught:
        list(client.list_purchase_orders())
    assert caught.value.record == "BAD00001"
    assert any(p.startswith("orderDetails/purchaseOrderDate:") for p in caught.value.problems)


def test_with_on_invalid_the_bad_order_is_handed_over_and_the_listing_goes_on() -> None:
    rejected: list[ResponseFormatError] = []
    with _client(_page_with_one_bad_order, []) as client:
        good = [o.purchase_order_number for o in client.list_purchase_orders(on_invalid=rejected.append)]
    assert good == ["GOOD0001"] and [r.record for r in rejected] == ["BAD00001"]


T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(("after", "before", "pieces"), [
    pytest.param(T0, T0 + timedelta(days=7), [(T0, T0 + timedelta(days=7))], id="exactly-seven-days"),
    pytest.param(T0, T0 + timedelta(days=15), [(T0, T0 + timedelta(days=7)), (T0 + timedelta(days=7),
                 T0 + timedelta(days=14)), (T0 + timedelta(days=14), T0 + timedelta(days=15))], id="fifteen-days"),
    pytest.param(None, T0, [(None, T0)], id="no-start"),
    pytest.param(T0, None, [(T0, T0 + timedelta(days=7)), (T0 + timedelta(days=7), None)], id="open-end"),
])
def test_windows_are_cut_into_touching_pieces_of_at_most_seven_days(
        after: datetime | None, before: datetime | None, pieces: list[tuple[datetime | None, datetime | None]]) -> None:
    assert list(split_window(after, before, now=lambda: T0 + timedelta(days=10))) == pieces
