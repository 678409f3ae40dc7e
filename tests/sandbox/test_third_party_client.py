"""A widely used third-party SP-API client, python-amazon-sp-api, runs a vendor's days against the sandbox.

The library has no setting for the SP-API host (``Marketplaces`` hard-codes Amazon's) and keeps the
LWA host on its token client class, so a caller points it at a sandbox like this::

    class SandboxLwa(AccessTokenClient):
        scheme, host = "http://", "127.0.0.1:8000"

    orders = VendorOrders(credentials={"lwa_app_id": ..., "lwa_client_secret": ..., "refresh_token": ...},
                          auth_token_client_class=SandboxLwa)
    orders.endpoint = "http://127.0.0.1:8000"

It caches access tokens per refresh token in a process-wide ``TTLCache`` for 3200 real seconds and
does not refresh on a 403, which is why the sandbox's tokens must live on the wall clock: with
tokens that expired with simulated time, its first call after ``advance_seconds: 86400`` failed
with "The access token you provided has expired" and every call after it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sp_api.api import VendorInvoices, VendorOrders, VendorShipments, VendorTransactionStatus
from sp_api.auth import AccessTokenClient
from sp_api.auth import access_token_client as lwa_module
from sp_api.base import Client, SellingApiForbiddenException

from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxServer

CREDENTIALS = {"lwa_app_id": DEFAULT_CREDENTIALS["client_id"],
               "lwa_client_secret": DEFAULT_CREDENTIALS["client_secret"],
               "refresh_token": DEFAULT_CREDENTIALS["refresh_token"]}


class _CountingSandboxLwa(AccessTokenClient):
    """The library's own token client, aimed at the sandbox, remembering every token it was granted."""

    scheme = "http://"
    host = ""
    granted: list[str] = []

    def _request(self, url: str, data: Any, headers: Any) -> Any:
        body = super()._request(url, data, headers)
        self.granted.append(body["access_token"])
        return body


class ThirdParty:
    """python-amazon-sp-api clients for one sandbox, and the tokens LWA gave them."""

    def __init__(self, sb: SandboxServer) -> None:
        self.lwa = type("SandboxLwa", (_CountingSandboxLwa,),
                        {"host": sb.base_url.removeprefix("http://"), "granted": []})
        self._clients: list[Client] = []
        self.orders = self._make(VendorOrders, sb)
        self.shipments = self._make(VendorShipments, sb)
        self.invoices = self._make(VendorInvoices, sb)
        self.transactions = self._make(VendorTransactionStatus, sb)

    def _make(self, kind: type[Client], sb: SandboxServer) -> Any:
        client = kind(credentials=CREDENTIALS, auth_token_client_class=self.lwa)
        client.endpoint = sb.base_url  # the library's only way to another SP-API host
        self._clients.append(client)
        return client

    @property
    def granted(self) -> list[str]:
        return self.lwa.granted

    def outcome(self, transaction_id: str) -> dict[str, Any]:
        for _ in range(10):
            status = self.transactions.get_transaction(transaction_id).payload["transactionStatus"]
            if status["status"] != "Processing":
                return status
        raise AssertionError(f"transaction {transaction_id} still Processing")

    def every_order(self, **params: Any) -> list[dict[str, Any]]:
        """All pages of a getPurchaseOrders search, following the sandbox's opaque nextToken."""
        found: list[dict[str, Any]] = []
        page = self.orders.get_purchase_orders(**params)
        while True:
            found += page.payload.get("orders", [])
            if not page.next_token:
                return found
            page = self.orders.get_purchase_orders(nextToken=page.next_token)

    def close(self) -> None:
        for client in self._clients:
            client.close()


@pytest.fixture
def third_party(sb: SandboxServer) -> Iterator[ThirdParty]:
    # the library's token cache is process-wide and keyed by refresh token: a token cached against another
    # (or a reset) sandbox would be unknown here
    lwa_module.cache.clear()
    client = ThirdParty(sb)
    try:
        yield client
    finally:
        client.close()
        lwa_module.cache.clear()


def _advance_a_day(vendor: Any) -> None:
    vendor.advance(86400, refresh=False)


def test_python_amazon_sp_api_runs_three_days_while_the_operator_advances_the_clock(
        vendor: Any, third_party: ThirdParty) -> None:
    outcomes: list[tuple[str, str]] = []
    for day in range(3):
        if day:
            _advance_a_day(vendor)
        now = vendor.now()
        placed = third_party.every_order(limit=3, orderingVendorCode="ACRNUS", sortOrder="ASC")
        order = next(o for o in placed if o["purchaseOrderState"] == "New" and "purchaseOrderChangedDate"
                     not in o["orderDetails"])
        number = order["purchaseOrderNumber"]
        ack = third_party.orders.submit_acknowledgement(**vendor.acknowledgement(order, when=now))
        asn = third_party.shipments.submit_shipment_confirmations(**vendor.shipment(order, f"ASN-TP-{day}"))
        invoice = third_party.invoices.submit_invoices(vendor.invoice(order, f"INV-TP-{day}", when=now))
        for kind, answer in (("ack", ack), ("asn", asn), ("invoice", invoice)):
            final = third_party.outcome(answer.payload["transactionId"])
            outcomes.append((f"day {day} {kind} {number}", final["status"]))
        status = third_party.orders.get_purchase_orders_status(purchaseOrderNumber=number)
        assert status.payload["ordersStatus"][0]["itemStatus"][0]["acknowledgementStatus"]["confirmationStatus"] \
            == "ACCEPTED"
    assert [status for _, status in outcomes] == ["Success"] * 9, outcomes
    assert len(third_party.granted) == 1  # one access token for three simulated days: no 403 on the way
    ledger = vendor.ledger()
    kinds = ("acknowledgements", "shipmentConfirmations", "invoices")
    assert [sorted(ledger[kind]) for kind in kinds[1:]] == [["ASN-TP-0", "ASN-TP-1", "ASN-TP-2"],
                                                           ["INV-TP-0", "INV-TP-1", "INV-TP-2"]]
    assert len(ledger["acknowledgements"]) == 3
    assert {e["accepted"] for kind in kinds for e in ledger[kind].values()} == {1}


def test_a_token_from_before_a_simulated_day_still_works_and_an_expired_one_is_not_refreshed_by_this_client(
        vendor: Any, third_party: ThirdParty) -> None:
    number = third_party.orders.get_purchase_orders(limit=1).payload["orders"][0]["purchaseOrderNumber"]
    _advance_a_day(vendor)
    # the old sandbox answered 403 "expired" here; the library, trusting its own clock, kept the token
    assert third_party.orders.get_purchase_order(number).payload["purchaseOrderNumber"] == number
    assert len(third_party.granted) == 1

    assert vendor.http.post("/_sandbox/tokens/expire").json()["accessTokens"] >= 1
    for _ in range(2):  # it does not refresh on a 403: the cached token is sent again and again
        with pytest.raises(SellingApiForbiddenException) as refused:
            third_party.orders.get_purchase_order(number)
        assert refused.value.error[0]["details"] == "The access token you provided has expired."
    assert len(third_party.granted) == 1

    lwa_module.cache.clear()  # what a caller of this library must do itself (or wait out its 3200 s cache)
    assert third_party.orders.get_purchase_order(number).payload["purchaseOrderNumber"] == number
    assert len(third_party.granted) == 2 and third_party.granted[0] != third_party.granted[1]


def test_the_third_party_client_pages_with_the_opaque_next_token(vendor: Any, third_party: ThirdParty) -> None:
    ours = [o["purchaseOrderNumber"] for o in vendor.orders()]
    theirs = [o["purchaseOrderNumber"] for o in third_party.every_order(limit=4)]
    assert theirs == ours and len(theirs) > 4

