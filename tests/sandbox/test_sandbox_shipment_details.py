"""GetShipmentDetails: reading back what the sandbox accepted (every answer checked against the model)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from acorn import contract
from acorn.sandbox import SandboxConfig

ASN = "/vendor/shipping/v1/shipmentConfirmations"
SHIPMENTS = "/vendor/shipping/v1/shipments"


def _get(vendor: Any, **params: Any) -> dict[str, Any]:
    r = vendor.http.get(SHIPMENTS, params=params)
    assert r.status_code == 200, r.text
    return r.json()["payload"]


def _all(vendor: Any, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        payload = _get(vendor, **params)
        found += payload["shipments"]
        token = (payload.get("pagination") or {}).get("nextToken")
        if not token:
            return found
        params = {"nextToken": token}


def _one_each(order: dict[str, Any], amount: int = 1) -> dict[str, int]:
    return {it["itemSequenceNumber"]: amount for it in order["orderDetails"]["items"]}


def test_an_accepted_asn_is_found_by_its_identifier_with_what_was_sent(vendor: Any, us_order: Any) -> None:
    body = vendor.shipment(us_order, "GSD-1", quantities=_one_each(us_order, 2), delivery="2026-03-05T10:00:00Z")
    conf = body["shipmentConfirmations"][0]
    conf["amazonReferenceNumber"] = "ARN-778"
    assert vendor.submit(ASN, body)["status"] == "Success"
    accepted_at = vendor.now()
    vendor.advance(600)

    (shipment,) = _get(vendor, vendorShipmentIdentifier="GSD-1")["shipments"]
    assert shipment["vendorShipmentIdentifier"] == "GSD-1"
    assert shipment["transactionType"] == "New" and shipment["buyerReferenceNumber"] == "ARN-778"
    assert shipment["shipmentConfirmDate"] == shipment["shipmentCreateDate"] == accepted_at
    assert shipment["currentShipmentStatus"] == "Shipped"
    assert [s["shipmentStatus"] for s in shipment["shipmentStatusDetails"]] == ["Shipped", "Created"]
    assert (shipment["sellingParty"], shipment["shipFromParty"], shipment["shipToParty"]) == (
        conf["sellingParty"], conf["shipFromParty"], conf["shipToParty"])
    (po,) = shipment["purchaseOrders"]
    assert po["purchaseOrderNumber"] == us_order["purchaseOrderNumber"]
    assert {i["itemSequenceNumber"]: i["shippedQuantity"]["amount"] for i in po["items"]} == _one_each(us_order, 2)
    sent_ssccs = {c["cartonIdentifiers"][0]["containerIdentificationNumber"] for c in conf["cartons"]}
    assert {c["containerIdentifiers"][0]["containerIdentificationNumber"] for c in shipment["containers"]} == sent_ssccs
    assert all(c["containerType"] == "carton" and c["packedItems"] for c in shipment["containers"])
    transport = shipment["transportationDetails"]
    assert transport["carrierDetails"] == {"code": "ABFS", "shipmentReferenceNumber": "PROGSD-1"}
    assert transport["billOfLadingNumber"] == "BOLGSD-1" and "shipmentDeliveryDate" not in transport
    assert shipment["shipmentMeasurements"]["totalCartonCount"] == len(conf["cartons"])

    vendor.advance(3 * 86400)  # past the estimated delivery: the FC has received it
    (received,) = _get(vendor, vendorShipmentIdentifier="GSD-1")["shipments"]
    assert received["transportationDetails"]["shipmentDeliveryDate"] == "2026-03-05T10:00:00Z"
    assert received["currentShipmentStatus"] == "Shipped"  # the model's enum has no "Received"


def test_an_unknown_identifier_answers_an_empty_list(vendor: Any, us_order: Any) -> None:
    assert _get(vendor, vendorShipmentIdentifier="NEVER-SENT") == {"shipments": []}
    vendor.submit(ASN, vendor.shipment(us_order, "GSD-KNOWN", quantities=_one_each(us_order)))
    assert _get(vendor, vendorShipmentIdentifier="GSD-KNOW") == {"shipments": []}  # exact, not a prefix
    assert _get(vendor, vendorShipmentIdentifier="gsd-known") == {"shipments": []}


def test_a_rejected_asn_is_not_listed(vendor: Any, us_order: Any) -> None:
    rejected = vendor.shipment(us_order, "GSD-BAD", quantities=_one_each(us_order), shipped="2030-01-01T00:00:00Z")
    assert vendor.submit(ASN, rejected)["status"] == "Failure"
    assert vendor.ledger()["shipmentConfirmations"]["GSD-BAD"]["submissions"] == 1
    assert _get(vendor, vendorShipmentIdentifier="GSD-BAD") == {"shipments": []}
    assert _all(vendor) == []


def test_a_replace_shows_the_replacing_content(vendor: Any, us_order: Any) -> None:
    first = us_order["orderDetails"]["items"][0]["itemSequenceNumber"]
    vendor.submit(ASN, vendor.shipment(us_order, "GSD-R", quantities={first: 3}))
    created = vendor.now()
    vendor.advance(1800)
    replacement = vendor.shipment(us_order, "GSD-R", quantities={first: 5}, kind="Replace")
    replacement["shipmentConfirmations"][0]["transportationDetails"]["carrierScac"] = "ODFL"
    assert vendor.submit(ASN, replacement)["status"] == "Success"
    replaced = vendor.now()

    (shipment,) = _all(vendor)
    assert shipment["shipmentCreateDate"] == created and shipment["shipmentConfirmDate"] == replaced
    assert shipment["purchaseOrders"][0]["items"] == [
        {"itemSequenceNumber": first, "buyerProductIdentifier": us_order["orderDetails"]["items"][0]
         ["amazonProductIdentifier"], "vendorProductIdentifier": us_order["orderDetails"]["items"][0]
         ["vendorProductIdentifier"], "shippedQuantity": {"amount": 5, "unitOfMeasure": "Eaches", "unitSize": 1}}]
    assert shipment["transportationDetails"]["carrierDetails"]["code"] == "ODFL"
    new_sscc = replacement["shipmentConfirmations"][0]["cartons"][0]["cartonIdentifiers"][0]
    assert shipment["containers"][0]["containerIdentifiers"] == [new_sscc]


def _five_asns(vendor: Any, order: dict[str, Any]) -> list[str]:
    """Five ASNs one minute apart (one unit of the first line each); their acceptance times."""
    first = order["orderDetails"]["items"][0]["itemSequenceNumber"]
    times = []
    for n in range(5):
        assert vendor.submit(ASN, vendor.shipment(order, f"GSD-P{n}", quantities={first: 1}))["status"] == "Success"
        times.append(vendor.now())
        vendor.advance(60)
    return times


def test_paging_with_limit_returns_each_shipment_once_newest_first(vendor: Any, us_order: Any) -> None:
    _five_asns(vendor, us_order)
    pages = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        payload = _get(vendor, **params)
        pages.append([s["vendorShipmentIdentifier"] for s in payload["shipments"]])
        if "pagination" not in payload:
            break
        params = {"nextToken": payload["pagination"]["nextToken"]}
    assert pages == [["GSD-P4", "GSD-P3"], ["GSD-P2", "GSD-P1"], ["GSD-P0"]]
    ascending = [s["vendorShipmentIdentifier"] for s in _all(vendor, limit=3, sortOrder="ASC")]
    assert ascending == [f"GSD-P{n}" for n in range(5)]


def test_a_next_token_keeps_the_filters_and_may_change_the_limit(vendor: Any, us_order: Any) -> None:
    times = _five_asns(vendor, us_order)
    payload = _get(vendor, limit=1, sortOrder="ASC", createdAfter=times[1])
    assert [s["vendorShipmentIdentifier"] for s in payload["shipments"]] == ["GSD-P1"]
    rest = _get(vendor, nextToken=payload["pagination"]["nextToken"], limit=50)
    assert [s["vendorShipmentIdentifier"] for s in rest["shipments"]] == ["GSD-P2", "GSD-P3", "GSD-P4"]
    assert "pagination" not in rest


def test_date_windows_filter_on_creation_and_confirmation(vendor: Any, us_order: Any) -> None:
    times = _five_asns(vendor, us_order)
    ids = lambda found: sorted(s["vendorShipmentIdentifier"] for s in found)  # noqa: E731
    assert ids(_all(vendor, createdAfter=times[1], createdBefore=times[3])) == ["GSD-P1", "GSD-P2"]
    assert ids(_all(vendor, createdBefore=times[1])) == ["GSD-P0"]
    first = us_order["orderDetails"]["items"][0]["itemSequenceNumber"]
    vendor.submit(ASN, vendor.shipment(us_order, "GSD-P0", quantities={first: 2}, kind="Replace"))
    replaced = vendor.now()
    assert ids(_all(vendor, shipmentConfirmedAfter=replaced)) == ["GSD-P0"]  # confirmed again, created before
    assert ids(_all(vendor, shipmentConfirmedBefore=replaced)) == ["GSD-P1", "GSD-P2", "GSD-P3", "GSD-P4"]
    assert _all(vendor, scheduledPickUpAfter=times[0]) == []  # an ASN alone has no pickup (collect freight has)
    assert ids(_all(vendor, sellerWarehouseCode="ACRNUS", currentShipmentStatus="Shipped")) == [
        f"GSD-P{n}" for n in range(5)]
    assert _all(vendor, buyerWarehouseCode="NOPE") == []


@pytest.mark.parametrize(("params", "detail"), [
    ({"limit": "0"}, "limit"),
    ({"limit": "51"}, "limit"),
    ({"sortOrder": "UP"}, "sortOrder"),
    ({"createdAfter": "yesterday"}, "createdAfter"),
    ({"createdAfter": "2026-03-02T00:00:00Z", "createdBefore": "2026-03-01T00:00:00Z"}, "createdAfter"),
    ({"nextToken": "not-a-token"}, "nextToken"),
])
def test_bad_parameters_are_answered_400(vendor: Any, params: dict[str, str], detail: str) -> None:
    r = vendor.http.get(SHIPMENTS, params=params)
    assert r.status_code == 400
    assert detail in r.json()["errors"][0]["details"]


def test_faults_tokens_and_the_usage_plan_apply_as_for_other_reads(vendor: Any, make_sandbox: Any) -> None:
    assert vendor.http.get(SHIPMENTS).headers["x-amzn-RateLimit-Limit"] == "1000"  # 10/s x rate_scale 100
    vendor.http.post("/_sandbox/faults", json={"throttle_rate": 1.0})
    r = vendor.http.get(SHIPMENTS)
    assert r.status_code == 429 and r.json()["errors"][0]["code"] == "QuotaExceeded"
    vendor.http.post("/_sandbox/faults", json={"error_rate": 1.0})
    assert {vendor.http.get(SHIPMENTS).status_code for _ in range(12)} == {500, 503}
    vendor.http.post("/_sandbox/faults", json={})
    no_token = vendor.http.get(SHIPMENTS, headers={"x-amz-access-token": ""})
    assert no_token.status_code == 403

    _, slow = make_sandbox(SandboxConfig(seed=7, rate_scale=0.5))  # 5/s, burst 5
    codes = [slow.http.get(SHIPMENTS).status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and 429 in codes[5:]


def test_the_official_example_shipment_is_served_within_the_model(vendor: Any) -> None:
    assert vendor.http.post("/_sandbox/purchaseOrders", json={"scenario": "official-examples"}).status_code == 200
    example = next(ex for ex in contract.sandbox_examples("shipments")
                   if ex.operation_id == "SubmitShipmentConfirmations"
                   and ex.request["parameters"]["body"].get("value"))
    assert vendor.submit(ASN, example.request["parameters"]["body"]["value"])["status"] == "Success"
    (shipment,) = _get(vendor, vendorShipmentIdentifier="TestShipmentConfirmation202")["shipments"]
    assert shipment["sellingParty"] == {"partyId": "ABCD1"} and "containers" not in shipment
    (po,) = shipment["purchaseOrders"]
    assert po["purchaseOrderNumber"] == "TestOrder202"
    # 100 Eaches and 100 Cases (of 12) as the example sent them, booked in eaches
    assert [i["shippedQuantity"]["amount"] for i in po["items"]] == [100, 1200]
    assert shipment["currentshipmentStatusDate"] == shipment["shipmentCreateDate"]  # no shippedDate was sent


def test_the_harness_checks_these_answers_against_the_model(vendor: Any, model_problems: Any) -> None:
    request = httpx.Request("GET", vendor.sb.base_url + SHIPMENTS)
    broken = httpx.Response(200, json={"payload": {"shipments": [{"vendorShipmentIdentifier": "X",
                                                                  "currentShipmentStatus": "Received"}]}},
                            request=request, headers={"x-amzn-RequestId": "r", "x-amzn-RateLimit-Limit": "10"})
    problems = model_problems(broken)
    assert any("sellingParty" in p for p in problems) and any("Received" in p for p in problems)
