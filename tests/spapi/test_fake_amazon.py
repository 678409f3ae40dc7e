"""The fake Amazon of the fast tests answers as the client does against the sandbox over loopback.

Two sandboxes from one config hold the same orders at the same moment and number their
transactions alike, so every answer can be compared whole: the fake's (no HTTP) against the
real client's (HTTP to ``SandboxServer``). These need the server, so they live here, not in
the fast tier.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from acorn.sandbox import SandboxConfig, SandboxServer
from acorn.spapi import ClientRequestError, InvalidSubmission, SpApiClient, SpApiError
from acorn.testing.fake_amazon import FakeAmazon

from .conftest import RecordingTransport, ledger
from .test_submissions_against_sandbox import _acknowledge_all, _ship_all


@pytest.fixture
def fake(sandbox_config: SandboxConfig) -> FakeAmazon:
    return FakeAmazon(sandbox_config)


def _raised(call: Callable[[], Any]) -> SpApiError:
    with pytest.raises(SpApiError) as caught:
        call()
    return caught.value


def _what_an_operator_reads(err: SpApiError) -> tuple[Any, ...]:
    return type(err), err.operation, err.status_code, err.code, err.message, err.details, err.errors


@pytest.mark.parametrize("filters", [
    pytest.param({"days": 3}, id="three-days"),
    pytest.param({"days": 3, "limit": 7}, id="small-pages"),
    pytest.param({"days": 3, "include_details": False, "sort_order": "ASC"}, id="no-details-ascending"),
    pytest.param({"days": 3, "changed": True}, id="changed-window"),
])
def test_the_fake_lists_the_same_purchase_orders(sandbox: SandboxServer, client: SpApiClient, fake: FakeAmazon,
                                                  filters: dict[str, Any]) -> None:
    options = dict(filters)
    now, days = fake.now(), options.pop("days")
    window = "changed" if options.pop("changed", False) else "created"
    options.update({f"{window}_after": now - timedelta(days=days), f"{window}_before": now})
    expected = list(client.list_purchase_orders(**options))
    assert list(fake.list_purchase_orders(**options)) == expected
    assert expected or window == "changed"


def test_the_fake_reads_one_purchase_order_and_its_status_the_same(
        sandbox: SandboxServer, client: SpApiClient, fake: FakeAmazon) -> None:
    number = sandbox.state.visible_orders()[-1].number
    assert fake.get_purchase_order(number) == client.get_purchase_order(number)
    assert list(fake.get_purchase_orders_status(purchase_order_number=number)) == \
        list(client.get_purchase_orders_status(purchase_order_number=number))
    now = fake.now()
    window = {"updated_after": now - timedelta(days=2), "updated_before": now}
    assert list(fake.get_purchase_orders_status(**window)) == list(client.get_purchase_orders_status(**window))


def test_an_acknowledgement_and_an_asn_read_back_the_same_transactions_status_and_shipment(
        sandbox: SandboxServer, client: SpApiClient, fake: FakeAmazon) -> None:
    number = sandbox.state.visible_orders()[-1].number
    order, now = client.get_purchase_order(number), fake.now()
    for submit, request in [("submit_acknowledgement", _acknowledge_all(order, now)),
                            ("submit_shipment_confirmations", _ship_all(order, now, "ACRN-SHP-F1"))]:
        transaction_id = getattr(client, submit)(request)
        assert getattr(fake, submit)(request) == transaction_id  # one seed, one numbering
        reads = [client.get_transaction(transaction_id) for _ in range(2)]  # Processing, then Success
        assert [fake.get_transaction(transaction_id) for _ in range(2)] == reads
        assert [r.status for r in reads] == ["Processing", "Success"]
    assert list(fake.get_purchase_orders_status(purchase_order_number=number)) == \
        list(client.get_purchase_orders_status(purchase_order_number=number))
    shipment = client.get_shipment_details(vendor_shipment_identifier="ACRN-SHP-F1")
    assert shipment and fake.get_shipment_details(vendor_shipment_identifier="ACRN-SHP-F1") == shipment
    assert fake.ledger() == ledger(sandbox)


def test_an_acknowledgement_breaking_amazons_rules_fails_with_the_same_errors(
        sandbox: SandboxServer, client: SpApiClient, fake: FakeAmazon) -> None:
    order = client.get_purchase_order(sandbox.state.visible_orders()[0].number)
    request = _acknowledge_all(order, fake.now())
    request.acknowledgements[0].purchase_order_number = "ZZZZZZZZ"
    transaction_id = client.submit_acknowledgement(request)
    assert fake.submit_acknowledgement(request) == transaction_id
    reads = [client.get_transaction(transaction_id) for _ in range(2)]
    assert [fake.get_transaction(transaction_id) for _ in range(2)] == reads
    assert reads[-1].status == "Failure" and [e.code for e in reads[-1].errors] == ["UnknownPurchaseOrder"]


def test_a_payload_breaking_the_model_is_refused_the_same_way_before_anything_is_sent(
        sandbox: SandboxServer, client: SpApiClient, fake: FakeAmazon, transport: RecordingTransport) -> None:
    body = {"invoices": [{"invoiceType": "Invoic", "id": "X"}]}
    real, faked = _raised(lambda: client.submit_invoices(body)), _raised(lambda: fake.submit_invoices(body))
    assert isinstance(faked, InvalidSubmission) and isinstance(real, InvalidSubmission)
    assert (faked.operation, faked.problems) == (real.operation, real.problems)
    assert transport.to("/vendor/") == [] and "submitInvoices" not in fake.requests()


@pytest.mark.parametrize("number", [pytest.param("4Z4Z4Z4Z", id="unknown"), pytest.param("4Z 4Z", id="malformed")])
def test_a_purchase_order_amazon_cannot_give_is_the_same_client_error(
        sandbox: SandboxServer, client: SpApiClient, fake: FakeAmazon, number: str) -> None:
    real = _raised(lambda: client.get_purchase_order(number))
    faked = _raised(lambda: fake.get_purchase_order(number))
    assert isinstance(faked, ClientRequestError)
    assert _what_an_operator_reads(faked) == _what_an_operator_reads(real)


def test_an_unknown_transaction_is_the_same_client_error(
        sandbox: SandboxServer, client: SpApiClient, fake: FakeAmazon) -> None:
    real, faked = _raised(lambda: client.get_transaction("nope")), _raised(lambda: fake.get_transaction("nope"))
    assert _what_an_operator_reads(faked) == _what_an_operator_reads(real)
    assert faked.status_code == 404
