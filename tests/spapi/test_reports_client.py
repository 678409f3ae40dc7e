"""The client's reports over loopback: create, poll on the sandbox's clock, download (gzip or not), typed errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from acorn import contract
from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxServer
from acorn.spapi import ClientRequestError, InvalidSubmission, ReportNotDone, ResponseFormatError, SpApiClient
from acorn.testing.fake_amazon import FakeAmazon
from schemas import spapi as wire

from .conftest import RecordingTransport, advance_clock, set_faults

US = "ATVPDKIKX0DER"
SALES_WEEKS = wire.CreateReportSpecification(
    report_type=wire.VENDOR_SALES_REPORT, marketplace_ids=[US],
    data_start_time=datetime(2026, 2, 1, tzinfo=UTC), data_end_time=datetime(2026, 2, 28, tzinfo=UTC),
    report_options={"reportPeriod": "WEEK", "distributorView": "MANUFACTURING", "sellingProgram": "RETAIL"})
FORECAST = {"reportType": wire.VENDOR_FORECASTING_REPORT, "marketplaceIds": [US],
            "reportOptions": {"sellingProgram": "RETAIL"}}


def _moving_clock(sandbox: SandboxServer) -> Callable[[wire.Report], None]:
    """Each poll moves the sandbox a minute on: the report's processing takes simulated time."""
    return lambda _report: advance_clock(sandbox, 60)


def test_create_poll_and_download_gives_a_document_that_fits_its_schema(
        sandbox: SandboxServer, client: SpApiClient) -> None:
    report_id = client.create_report(SALES_WEEKS)
    first = client.get_report(report_id)
    assert (first.processing_status, first.is_final, first.report_document_id) == ("IN_QUEUE", False, None)
    seen: list[str] = []
    done = client.wait_for_report(report_id, poll_interval_s=0.001,
                                  on_poll=lambda r: (seen.append(r.processing_status), advance_clock(sandbox, 60)))
    assert done.processing_status == "DONE" and done.report_document_id and "IN_QUEUE" in seen
    assert done.created_time.tzinfo is not None and done.processing_end_time is not None
    document = client.fetch_report(report_id)
    assert contract.report_problems(wire.VENDOR_SALES_REPORT, document) == []
    assert len(document["salesAggregate"]) == 4


def test_gzip_and_plain_documents_both_arrive_decompressed(sandbox: SandboxServer, client: SpApiClient) -> None:
    seen: set[str | None] = set()
    for _ in range(6):
        report_id = client.create_report(FORECAST)
        done = client.wait_for_report(report_id, poll_interval_s=0.001, on_poll=_moving_clock(sandbox))
        assert done.report_document_id
        where = client.get_report_document(done.report_document_id)
        seen.add(where.compression_algorithm)
        content = client.download_report_document(where)
        assert content.startswith(b"{") and contract.report_problems(
            wire.VENDOR_FORECASTING_REPORT, json.loads(content)) == []
    assert seen == {"GZIP", None}


def test_a_document_that_is_not_the_gzip_it_claims_is_a_format_error(
        sandbox: SandboxServer, client: SpApiClient) -> None:
    for _ in range(6):
        done = client.wait_for_report(client.create_report(FORECAST), poll_interval_s=0.001,
                                      on_poll=_moving_clock(sandbox))
        assert done.report_document_id
        where = client.get_report_document(done.report_document_id)
        if where.compression_algorithm is None:
            break
    lying = where.model_copy(update={"compression_algorithm": "GZIP"})
    with pytest.raises(ResponseFormatError, match="not valid gzip"):
        client.download_report_document(lying)


def test_a_plain_http_document_url_off_loopback_is_refused_before_anything_is_sent(
        client: SpApiClient, transport: RecordingTransport) -> None:
    document = wire.ReportDocument(report_document_id="d1", url="http://example.com/doc?X-Amz-Signature=s3cr3t")
    with pytest.raises(ResponseFormatError) as caught:
        client.download_report_document(document)
    assert "s3cr3t" not in str(caught.value) and not transport.to("/doc")


def test_what_amazon_refuses_comes_back_as_typed_errors(sandbox: SandboxServer, client: SpApiClient) -> None:
    with pytest.raises(ClientRequestError) as refused:
        client.create_report({**FORECAST, "reportType": "GET_MERCHANT_LISTINGS_ALL_DATA"})
    assert (refused.value.status_code, refused.value.code, refused.value.details) == (400, "InvalidInput",
                                                                                      "reportType")
    with pytest.raises(InvalidSubmission):  # breaks the model: nothing is sent
        client.create_report({**FORECAST, "marketplaceIds": []})
    with pytest.raises(ClientRequestError) as missing:
        client.get_report("59999999999")
    assert missing.value.status_code == 404
    with pytest.raises(ReportNotDone) as waiting:
        client.wait_for_report(client.create_report(FORECAST), timeout_s=0)
    assert waiting.value.last_status.processing_status == "IN_QUEUE"


@pytest.mark.parametrize(("fault", "ending"), [("report_fatal_rate", "FATAL"),
                                                ("report_cancelled_rate", "CANCELLED")])
def test_a_report_that_ends_without_a_document_raises_report_not_done(
        sandbox: SandboxServer, client: SpApiClient, fault: str, ending: str) -> None:
    set_faults(sandbox, **{fault: 1.0})
    report_id = client.create_report(FORECAST)
    with pytest.raises(ReportNotDone, match=ending) as ended:
        client.fetch_report(report_id, poll_interval_s=0.001, on_poll=_moving_clock(sandbox))
    assert ended.value.report_id == report_id and ended.value.last_status.processing_status == ending


def test_no_secret_or_access_token_reaches_the_logs_or_the_document_host(
        sandbox: SandboxServer, client: SpApiClient, transport: RecordingTransport,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.fetch_report(client.create_report(FORECAST), poll_interval_s=0.001, on_poll=_moving_clock(sandbox))
    downloads = transport.to("/_sandbox/reportDocuments/")
    assert downloads and all(sent.access_token is None for sent in downloads)
    tokens = {sent.access_token for sent in transport.to("/reports/") if sent.access_token}
    assert tokens
    for secret in (*tokens, DEFAULT_CREDENTIALS["client_secret"], DEFAULT_CREDENTIALS["refresh_token"]):
        assert secret not in caplog.text


REPORT_ANSWERS = {"createReport": wire.CreateReportResponse, "getReport": wire.Report,
                  "getReportDocument": wire.ReportDocument}


@pytest.mark.parametrize("example", [pytest.param(ex, id=f"{ex.operation_id}-{ex.status}")
                                     for ex in contract.sandbox_examples("reports")
                                     if ex.operation_id in REPORT_ANSWERS and ex.status.startswith("2")])
def test_amazons_report_examples_parse_into_the_wire_models(example: contract.SandboxExample) -> None:
    parsed = REPORT_ANSWERS[example.operation_id].model_validate(example.response)
    assert parsed.to_wire() == example.response


def test_the_fake_amazon_creates_and_tracks_reports_too() -> None:
    fake = FakeAmazon()
    report_id = fake.create_report(FORECAST)
    assert fake.get_report(report_id).processing_status == "IN_QUEUE"
    fake.state.advance(3600)
    done = fake.get_report(report_id)
    assert done.processing_status == "DONE" and done.report_document_id
    assert fake.get_report_document(done.report_document_id).url.endswith(done.report_document_id)
