"""Injected trouble: throttling, server errors, latency, lost answers, stuck transactions."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from acorn.sandbox import SandboxConfig, SandboxState, build_app

ORDERS = "/vendor/orders/v1/purchaseOrders"
ACK = "/vendor/orders/v1/acknowledgements"
ASN = "/vendor/shipping/v1/shipmentConfirmations"
INVOICE = "/vendor/payments/v1/invoices"


def _faults(vendor: Any, **settings: Any) -> dict[str, Any]:
    r = vendor.http.post("/_sandbox/faults", json=settings)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_throttle_fault_answers_429_until_cleared(vendor: Any) -> None:
    _faults(vendor, throttle_rate=1.0)
    r = vendor.http.get(ORDERS)
    assert r.status_code == 429 and r.json()["errors"][0]["code"] == "QuotaExceeded"
    assert _faults(vendor)["throttle_rate"] == 0.0
    assert vendor.http.get(ORDERS).status_code == 200


def test_the_error_fault_answers_500_or_503_in_the_sp_api_shape(vendor: Any) -> None:
    _faults(vendor, error_rate=1.0)
    answers = [vendor.http.get(ORDERS) for _ in range(12)]
    assert {r.status_code for r in answers} == {500, 503}
    assert {r.json()["errors"][0]["code"] for r in answers} == {"InternalFailure", "ServiceUnavailable"}


def test_fault_draws_repeat_for_the_same_seed(make_sandbox: Any) -> None:
    runs = []
    for _ in range(2):
        _, vendor = make_sandbox(SandboxConfig(seed=9, rate_scale=100))
        _faults(vendor, throttle_rate=0.5)
        runs.append([vendor.http.get(ORDERS, params={"limit": 1}).status_code for _ in range(16)])
    assert runs[0] == runs[1] and {200, 429} == set(runs[0])


def test_the_latency_fault_delays_answers(vendor: Any) -> None:
    _faults(vendor, latency_ms=[150, 200])
    began = time.monotonic()
    assert vendor.http.get(ORDERS, params={"limit": 1}).status_code == 200
    assert time.monotonic() - began >= 0.15


@pytest.mark.parametrize("kind", ["acknowledgements", "shipmentConfirmations", "invoices"])
def test_a_dropped_answer_was_applied_and_a_repost_is_a_duplicate(vendor: Any, us_order: Any, kind: str) -> None:
    number = us_order["purchaseOrderNumber"]
    if kind == "acknowledgements":
        path, body, business_id, code = ACK, vendor.acknowledgement(us_order), number, "DuplicateAcknowledgement"
    elif kind == "shipmentConfirmations":
        path, body = ASN, vendor.shipment(us_order, "LOST-1")
        business_id, code = "LOST-1", "DuplicateShipmentIdentifier"
    else:
        vendor.submit(ASN, vendor.shipment(us_order, "BEFORE-INVOICE"))
        path, body = INVOICE, vendor.invoice(us_order, "LOST-INV")
        business_id, code = "LOST-INV", "DuplicateInvoiceNumber"
    _faults(vendor, drop_after_commit_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        vendor.post(path, body)
    _faults(vendor)
    entry = vendor.ledger()[kind][business_id]
    assert (entry["submissions"], entry["accepted"], entry["status"]) == (1, 1, "Accepted")
    if kind == "acknowledgements":
        assert vendor.order(number)["purchaseOrderState"] == "Acknowledged"
    again = vendor.submit(path, body)
    assert again["status"] == "Failure" and [e["code"] for e in again["errors"]] == [code]
    entry = vendor.ledger()[kind][business_id]
    assert (entry["submissions"], entry["accepted"]) == (2, 1)


def test_a_stuck_transaction_stays_processing_although_it_was_applied(vendor: Any, us_order: Any) -> None:
    _faults(vendor, stuck_processing_rate=1.0)
    r = vendor.post(ACK, vendor.acknowledgement(us_order))
    assert r.status_code == 202
    assert vendor.outcome(r.json()["payload"]["transactionId"], reads=20)["status"] == "Processing"
    assert vendor.order(us_order["purchaseOrderNumber"])["purchaseOrderState"] == "Acknowledged"


@pytest.mark.parametrize("settings", [
    pytest.param({"throttle_rate": 1.5}, id="rate-above-one"),
    pytest.param({"error_rate": -0.1}, id="negative-rate"),
    pytest.param({"latency_ms": [200, 100]}, id="latency-reversed"),
    pytest.param({"timeout_rate": 0.1}, id="unknown-fault"),
])
def test_invalid_fault_settings_are_refused_400_and_change_nothing(vendor: Any, settings: dict[str, Any]) -> None:
    _faults(vendor, error_rate=0.25)
    r = vendor.http.post("/_sandbox/faults", json=settings)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "InvalidInput"
    assert vendor.http.get("/_sandbox/faults").json()["error_rate"] == 0.25


def test_without_a_connection_to_close_a_dropped_answer_is_a_bodiless_504(sb: Any) -> None:
    state = SandboxState(SandboxConfig(seed=7))
    state.configure_faults(state.faults.settings.model_copy(update={"drop_after_commit_rate": 1.0}))

    async def run() -> tuple[httpx.Response, dict[str, Any]]:
        transport = httpx.ASGITransport(app=build_app(state))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            grant = await client.post("/auth/o2/token", data={
                "grant_type": "refresh_token", "client_id": "acorn-sandbox-client",
                "client_secret": "acorn-sandbox-secret", "refresh_token": "Atzr|acorn-sandbox-refresh"})
            client.headers["x-amz-access-token"] = grant.json()["access_token"]
            answer = await client.post(INVOICE, json={"invoices": [{
                "invoiceType": "Invoice", "id": "ASGI-1", "date": "2026-03-02T12:00:00Z",
                "remitToParty": {"partyId": "ACRNUS"}, "invoiceTotal": {"amount": "0", "currencyCode": "USD"}}]})
            ledger = (await client.get("/_sandbox/ledger")).json()
            return answer, ledger

    answer, ledger = asyncio.run(run())
    assert answer.status_code == 504 and answer.content == b""
    assert ledger["invoices"][0]["accepted"] == 1
