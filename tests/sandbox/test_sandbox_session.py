"""The whole vendor day against the sandbox with nothing but httpx: the issue's done-criterion."""

from __future__ import annotations

from decimal import Decimal

import httpx

from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxConfig, SandboxServer
from acorn.sandbox.gs1 import check_digit


def _sscc(serial: int) -> str:
    body = f"00614141{serial:09d}"
    return body + check_digit(body)


def _final(http: httpx.Client, transaction_id: str) -> dict:
    for _ in range(5):
        answer = http.get(f"/vendor/transactions/v1/transactions/{transaction_id}").json()
        status = answer["payload"]["transactionStatus"]
        if status["status"] != "Processing":
            return status
    raise AssertionError(f"transaction {transaction_id} still Processing")


def test_a_scripted_session_runs_token_to_receipts_over_plain_http() -> None:
    config = SandboxConfig(seed=11, shortage_rate=0.0, damage_rate=0.0)
    with SandboxServer(config, host="127.0.0.1", port=0) as sb, httpx.Client(base_url=sb.base_url) as http:
        # 1. token
        grant = http.post("/auth/o2/token", data={"grant_type": "refresh_token", **DEFAULT_CREDENTIALS})
        assert grant.status_code == 200 and grant.json()["expires_in"] == 3600
        http.headers["x-amz-access-token"] = grant.json()["access_token"]

        # 2. list POs (newest first by default) and pick a US one
        listed = http.get("/vendor/orders/v1/purchaseOrders", params={"orderingVendorCode": "ACRNUS", "limit": 10})
        assert listed.status_code == 200
        assert listed.headers["x-amzn-RateLimit-Limit"] == "10"
        order = listed.json()["payload"]["orders"][0]
        number, details = order["purchaseOrderNumber"], order["orderDetails"]
        assert order["purchaseOrderState"] == "New"
        now = http.get("/_sandbox/clock").json()["now"]
        assert now == "2026-03-06T14:00:00Z"  # seed 11: 2026-03-02T14:00Z + (11 % 7) days
        tomorrow = "2026-03-07T14:00:00Z"

        # 3. acknowledge: accept everything
        ack = {"acknowledgements": [{
            "purchaseOrderNumber": number, "sellingParty": details["sellingParty"], "acknowledgementDate": now,
            "items": [{"itemSequenceNumber": it["itemSequenceNumber"], "orderedQuantity": it["orderedQuantity"],
                       "netCost": it["netCost"],
                       "itemAcknowledgements": [{"acknowledgementCode": "Accepted",
                                                 "acknowledgedQuantity": it["orderedQuantity"]}]}
                      for it in details["items"]]}]}
        r = http.post("/vendor/orders/v1/acknowledgements", json=ack)
        assert r.status_code == 202
        ack_txn = r.json()["payload"]["transactionId"]

        # 4. confirm the shipment, one SSCC-labelled carton per line, arriving tomorrow
        items = details["items"]
        confirmation = {"shipmentConfirmations": [{
            "shipmentIdentifier": "ASN-0001", "shipmentConfirmationType": "Original",
            "shipmentType": "LessThanTruckLoad", "shipmentConfirmationDate": now, "shippedDate": now,
            "estimatedDeliveryDate": tomorrow, "sellingParty": details["sellingParty"],
            "shipFromParty": {"partyId": "ACRNWH1"}, "shipToParty": details["shipToParty"],
            "transportationDetails": {"carrierScac": "ABFS", "carrierShipmentReferenceNumber": "PRO-1",
                                      "transportationMode": "Road", "billOfLadingNumber": "BOL-1"},
            "shippedItems": [{"itemSequenceNumber": f"{n:03d}",
                              "amazonProductIdentifier": it["amazonProductIdentifier"],
                              "shippedQuantity": {"amount": it["orderedQuantity"]["amount"], "unitOfMeasure": "Eaches"},
                              "itemDetails": {"purchaseOrderNumber": number}} for n, it in enumerate(items, 1)],
            "cartons": [{"cartonIdentifiers": [{"containerIdentificationType": "SSCC",
                                                "containerIdentificationNumber": _sscc(n)}],
                         "cartonSequenceNumber": f"{n:03d}",
                         "items": [{"itemReference": f"{n:03d}",
                                    "shippedQuantity": {"amount": it["orderedQuantity"]["amount"],
                                                        "unitOfMeasure": "Eaches"}}]}
                        for n, it in enumerate(items, 1)]}]}
        r = http.post("/vendor/shipping/v1/shipmentConfirmations", json=confirmation)
        assert r.status_code == 202
        asn_txn = r.json()["payload"]["transactionId"]

        # 5. invoice what shipped
        total = sum(Decimal(it["netCost"]["amount"]) * it["orderedQuantity"]["amount"] for it in items)
        invoice = {"invoices": [{
            "invoiceType": "Invoice", "id": "INV-0001", "date": now, "remitToParty": {"partyId": "ACRNUS"},
            "invoiceTotal": {"amount": str(total), "currencyCode": "USD"},
            "items": [{"itemSequenceNumber": n, "amazonProductIdentifier": it["amazonProductIdentifier"],
                       "invoicedQuantity": {"amount": it["orderedQuantity"]["amount"], "unitOfMeasure": "Eaches"},
                       "netCost": it["netCost"], "purchaseOrderNumber": number} for n, it in enumerate(items, 1)]}]}
        r = http.post("/vendor/payments/v1/invoices", json=invoice)
        assert r.status_code == 202
        invoice_txn = r.json()["payload"]["transactionId"]

        # 6. transactions: Processing first, then Success
        first_read = http.get(f"/vendor/transactions/v1/transactions/{ack_txn}").json()["payload"]
        assert first_read["transactionStatus"]["status"] == "Processing"
        assert [_final(http, t)["status"] for t in (ack_txn, asn_txn, invoice_txn)] == ["Success"] * 3

        # before delivery: acknowledged, nothing received
        status = http.get("/vendor/orders/v1/purchaseOrdersStatus", params={"purchaseOrderNumber": number})
        lines = status.json()["payload"]["ordersStatus"][0]["itemStatus"]
        assert {ln["acknowledgementStatus"]["confirmationStatus"] for ln in lines} == {"ACCEPTED"}
        assert {ln["receivingStatus"]["receiveStatus"] for ln in lines} == {"NOT_RECEIVED"}

        # 7. advance the clock past delivery (the token lives on the wall clock: it still works), then
        #    expire it as an hour of real time would, and log in again
        assert http.post("/_sandbox/clock",
                         json={"advance_seconds": 2 * 86400}).json() == {"now": "2026-03-08T14:00:00Z"}
        assert http.get("/vendor/orders/v1/purchaseOrders/" + number).status_code == 200
        assert http.post("/_sandbox/tokens/expire").json() == {"accessTokens": 1, "nextTokens": 0}
        assert http.get("/vendor/orders/v1/purchaseOrders/" + number).status_code == 403
        grant = http.post("/auth/o2/token", data={"grant_type": "refresh_token", **DEFAULT_CREDENTIALS})
        http.headers["x-amz-access-token"] = grant.json()["access_token"]

        # 8. receipts: everything received, the PO is closed
        status = http.get("/vendor/orders/v1/purchaseOrdersStatus", params={"purchaseOrderNumber": number})
        po_status = status.json()["payload"]["ordersStatus"][0]
        assert po_status["purchaseOrderStatus"] == "CLOSED"
        for line, item in zip(po_status["itemStatus"], items):
            assert line["receivingStatus"]["receiveStatus"] == "RECEIVED"
            assert line["receivingStatus"]["receivedQuantity"]["amount"] == item["orderedQuantity"]["amount"]
            assert line["receivingStatus"]["lastReceiveDate"] == tomorrow
        closed = http.get("/vendor/orders/v1/purchaseOrders/" + number).json()["payload"]
        assert closed["purchaseOrderState"] == "Closed"

        ledger = http.get("/_sandbox/ledger").json()
        assert [(e["id"], e["submissions"], e["accepted"], e["status"]) for e in ledger["shipmentConfirmations"]] == [
            ("ASN-0001", 1, 1, "Accepted")]
