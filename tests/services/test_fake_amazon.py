"""The fake Amazon's own controls: its clock, its processing times and its faults.

That its answers are the sandbox's over HTTP is shown in ``tests/spapi/test_fake_amazon.py``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from acorn.sandbox.config import SandboxConfig
from acorn.spapi import ServerError, SubmissionOutcomeUnknown, ThrottledError
from acorn.testing.fake_amazon import FakeAmazon
from schemas import spapi as wire


def _accept_every_unit(amazon: FakeAmazon, number: str | None = None) -> wire.SubmitAcknowledgementRequest:
    """Accept every unit of one visible purchase order (the newest unless named)."""
    order = amazon.get_purchase_order(number or amazon.state.visible_orders()[-1].number)
    details = order.order_details
    assert details is not None and details.selling_party is not None
    return wire.SubmitAcknowledgementRequest(acknowledgements=[wire.OrderAcknowledgement(
        purchase_order_number=order.purchase_order_number, selling_party=details.selling_party,
        acknowledgement_date=amazon.now(),
        items=[wire.OrderAcknowledgementItem(
            item_sequence_number=item.item_sequence_number, amazon_product_identifier=item.amazon_product_identifier,
            vendor_product_identifier=item.vendor_product_identifier, ordered_quantity=item.ordered_quantity,
            net_cost=item.net_cost, item_acknowledgements=[wire.OrderItemAcknowledgement(
                acknowledgement_code="Accepted", acknowledged_quantity=item.ordered_quantity)])
            for item in details.items])])


def test_a_transaction_is_done_at_its_first_read_unless_told_otherwise() -> None:
    amazon = FakeAmazon()
    status = amazon.get_transaction(amazon.submit_acknowledgement(_accept_every_unit(amazon)))
    assert (status.status, status.errors) == ("Success", [])


def test_a_transaction_answers_processing_until_amazons_clock_passes_its_processing_time() -> None:
    amazon = FakeAmazon(SandboxConfig(processing_polls=0, processing={"median_s": 600, "cap_s": 600}))
    transaction_id = amazon.submit_acknowledgement(_accept_every_unit(amazon))
    assert amazon.get_transaction(transaction_id).status == "Processing"
    amazon.advance(timedelta(minutes=9))
    assert amazon.get_transaction(transaction_id).status == "Processing"
    amazon.advance(timedelta(minutes=1))
    assert amazon.get_transaction(transaction_id).status == "Success"


def test_orders_placed_later_appear_once_the_clock_reaches_them() -> None:
    amazon = FakeAmazon(SandboxConfig(processing_polls=0, history_days=0, pos_per_day=6))
    start = amazon.now()
    listed = {o.purchase_order_number for o in amazon.list_purchase_orders(created_after=start - timedelta(days=1),
                                                                             created_before=start)}
    later = amazon.advance(timedelta(days=1))
    relisted = {o.purchase_order_number for o in amazon.list_purchase_orders(created_after=start - timedelta(days=1),
                                                                               created_before=later)}
    assert relisted > listed and len(relisted - listed) >= 1


def test_a_lost_answer_is_applied_by_amazon_and_unknown_to_the_caller() -> None:
    amazon = FakeAmazon()
    request = _accept_every_unit(amazon)
    number = request.acknowledgements[0].purchase_order_number
    amazon.faults(drop_after_commit_rate=1.0)
    with pytest.raises(SubmissionOutcomeUnknown) as caught:
        amazon.submit_acknowledgement(request)
    assert caught.value.operation == "submitAcknowledgement"
    assert amazon.ledger_entry("acknowledgements", number)["accepted"] == 1


@pytest.mark.parametrize(("fault", "raised"), [pytest.param("throttle_rate", ThrottledError, id="throttled"),
                                                pytest.param("error_rate", ServerError, id="server-error")])
def test_a_fault_raises_what_the_client_raises_once_its_retries_are_spent(fault: str, raised: type) -> None:
    amazon = FakeAmazon()
    request = _accept_every_unit(amazon)
    amazon.faults(**{fault: 1.0})
    with pytest.raises(raised):
        amazon.submit_acknowledgement(request)
    amazon.faults()
    assert amazon.ledger()["acknowledgements"] == []  # refused at the gate: nothing applied
    assert amazon.requests()["submitAcknowledgement"] == 1

