"""The Reports API 2021-06-30 in the sandbox: vendor reports that take simulated time, as Amazon's do.

createReport checks the specification (the model's shape, a vendor report type, one marketplace
the sandbox sells into, the report's options, whole periods that have ended) and answers a
``reportId``. The report then waits ``IN_QUEUE``, is ``IN_PROGRESS`` and ends ``DONE`` on the
sandbox clock (seconds to minutes, drawn from the seed); the ``report_fatal_rate`` and
``report_cancelled_rate`` faults end some ``FATAL`` or ``CANCELLED``, and a report for a selling
program the sandbox vendor is not in (``FRESH``, ``BUSINESS``) is ``CANCELLED``: no data, as Amazon
cancels a report with nothing to return. getReportDocument answers a URL of the sandbox's own
(``/_sandbox/reportDocuments/{id}``, no access token, like a pre-signed S3 URL); about half the
documents are served gzip-compressed, with ``compressionAlgorithm: GZIP``.

Ids: a report's is 11 digits (anything else is a 400, as Amazon answers ``badReportId1``); a
document's is ``amzn1.spdoc.1.4.na.<uuid>``.
"""

from __future__ import annotations

import gzip
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from acorn import contract
from acorn.sandbox.accounts import VENDOR_ACCOUNTS, VendorAccount
from acorn.sandbox.errors import InvalidRequest, NotFound, SandboxError
from acorn.sandbox.report_documents import Period, forecasting_document, inventory_document, periods, sales_document
from acorn.sandbox.schema_checks import gateway_errors
from acorn.sandbox.timefmt import iso, parse_iso

if TYPE_CHECKING:
    from acorn.sandbox.faults import Faults
    from acorn.sandbox.state import SandboxState

DOCUMENT_PREFIX = "amzn1.spdoc.1.4.na."
DOCUMENT_PATH = "/_sandbox/reportDocuments/{reportDocumentId}"
SELLING_PROGRAM_WITH_DATA = "RETAIL"
#: the longest range of a dated report the sandbox will compute (a year of days is 14,600 rows)
MOST_DAYS = 731
Builder = Callable[["SandboxState", "SandboxReport"], dict[str, Any]]
BUILDERS: dict[str, Builder] = {
    "GET_VENDOR_SALES_REPORT": sales_document,
    "GET_VENDOR_INVENTORY_REPORT": inventory_document,
    "GET_VENDOR_FORECASTING_REPORT": forecasting_document,
}


@dataclass
class SandboxReport:
    """One report asked for, and its whole life, decided when it is created."""

    report_id: str
    report_type: str
    account: VendorAccount
    options: dict[str, str]
    data_start: date | None
    data_end: date | None
    created: datetime
    started: datetime
    finished: datetime
    outcome: str            # DONE, FATAL or CANCELLED, reached at ``finished`` (CANCELLED at ``started``)
    document_id: str
    gzip: bool
    document: bytes | None = field(default=None, repr=False)

    def periods(self) -> list[Period]:
        assert self.data_start and self.data_end
        return periods(self.data_start, self.data_end, self.options.get("reportPeriod", "DAY"))

    def status(self, now: datetime) -> str:
        if now < self.started:
            return "IN_QUEUE"
        if self.outcome == "CANCELLED":
            return "CANCELLED"
        return "IN_PROGRESS" if now < self.finished else self.outcome

    def to_json(self, now: datetime) -> dict[str, Any]:
        status = self.status(now)
        answer: dict[str, Any] = {"reportId": self.report_id, "reportType": self.report_type,
                                  "marketplaceIds": [self.account.marketplace.marketplace_id],
                                  "createdTime": iso(self.created), "processingStatus": status}
        if self.data_start and self.data_end:
            answer["dataStartTime"] = f"{self.data_start.isoformat()}T00:00:00Z"
            answer["dataEndTime"] = f"{self.data_end.isoformat()}T23:59:59Z"
        if status in ("IN_PROGRESS", "DONE", "FATAL"):
            answer["processingStartTime"] = iso(self.started)
        if status in ("DONE", "FATAL"):
            answer["processingEndTime"] = iso(self.finished)
        if status == "DONE":
            answer["reportDocumentId"] = self.document_id
        return answer


def _option_rules(report_type: str) -> dict[str, Any]:
    """The ``reportOptions`` schema of the report's own document (required names, enums)."""
    schema = contract.report_schema(report_type)
    rules: dict[str, Any] = schema["properties"]["reportSpecification"]["properties"]["reportOptions"]
    return rules


def _check_options(report_type: str, options: dict[str, str]) -> None:
    rules = _option_rules(report_type)
    for name in rules.get("required", []):
        if name not in options:
            raise InvalidRequest(f"reportOptions.{name} is required for {report_type}",
                                 details=f"reportOptions.{name}")
    for name, value in options.items():
        allowed = rules["properties"].get(name, {}).get("enum")
        if allowed is None or value not in allowed:
            raise InvalidRequest(f"reportOptions.{name} {value!r} is not one of {allowed or 'the known options'}",
                                 details=f"reportOptions.{name}")


def _account(marketplace_ids: list[str]) -> VendorAccount:
    """Vendor reports cover one marketplace, one the sandbox's vendor sells into."""
    accounts = {a.marketplace.marketplace_id: a for a in VENDOR_ACCOUNTS.values()}
    if len(marketplace_ids) != 1 or marketplace_ids[0] not in accounts:
        raise InvalidRequest(f"marketplaceIds must be one of {sorted(accounts)}, one at a time",
                             details="marketplaceIds")
    return accounts[marketplace_ids[0]]


def _data_range(body: dict[str, Any], options: dict[str, str], now: datetime) -> tuple[date, date]:
    """The report's whole days: both bounds given, in order, ended before today, cut into whole periods."""
    try:
        start, end = (parse_iso(body[name]).date() for name in ("dataStartTime", "dataEndTime"))
    except (KeyError, ValueError):
        raise InvalidRequest("dataStartTime and dataEndTime are required ISO-8601 date-times",
                             details="dataStartTime") from None
    if end < start or end >= now.date():
        raise InvalidRequest(f"the range {start}..{end} must be in order and end before today ({now.date()})",
                             details="dataEndTime")
    if (end - start).days >= MOST_DAYS:
        raise InvalidRequest(f"the range {start}..{end} is longer than {MOST_DAYS} days", details="dataEndTime")
    try:
        periods(start, end, options.get("reportPeriod", "DAY"))
    except ValueError as why:
        raise InvalidRequest(str(why), details="dataStartTime") from None
    return start, end


@dataclass(frozen=True)
class Specification:
    report_type: str
    account: VendorAccount
    options: dict[str, str]
    span: tuple[date, date] | None


def read_specification(body: Any, now: datetime) -> Specification:
    """createReport's body checked as Amazon's gateway and the vendor report types do; 400 otherwise."""
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object", details="(body)")
    errors = gateway_errors("reports", "CreateReportSpecification", body)
    if errors:
        raise SandboxError(400, errors[0]["message"], errors=errors)
    report_type = body["reportType"]
    if report_type not in BUILDERS:
        raise InvalidRequest(f"Report type {report_type} is not available to vendors: ask for one of "
                             f"{', '.join(BUILDERS)}", details="reportType")
    account = _account(body["marketplaceIds"])
    options = {str(k): str(v) for k, v in (body.get("reportOptions") or {}).items()}
    _check_options(report_type, options)
    span = None if report_type == "GET_VENDOR_FORECASTING_REPORT" else _data_range(body, options, now)
    return Specification(report_type, account, options, span)


class ReportBook:
    """Every report created since the start, by id and by document id; its draws from one seeded stream."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"acorn-sandbox-reports:{seed}")
        self._next_id = 50_000_000_000 + self._rng.randrange(1_000_000) * 1000
        self.by_id: dict[str, SandboxReport] = {}
        self.by_document: dict[str, SandboxReport] = {}

    def create(self, spec: Specification, now: datetime, faults: Faults) -> SandboxReport:
        self._next_id += 1
        queued, working = self._rng.uniform(5, 60), self._rng.uniform(30, 600)
        outcome = faults.report_failure() or "DONE"
        if spec.options.get("sellingProgram", SELLING_PROGRAM_WITH_DATA) != SELLING_PROGRAM_WITH_DATA:
            outcome = "CANCELLED"
        report = SandboxReport(
            report_id=str(self._next_id), report_type=spec.report_type, account=spec.account, options=spec.options,
            data_start=spec.span[0] if spec.span else None, data_end=spec.span[1] if spec.span else None,
            created=now, started=now + timedelta(seconds=round(queued)),
            finished=now + timedelta(seconds=round(queued + working)), outcome=outcome,
            document_id=DOCUMENT_PREFIX + str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            gzip=self._rng.random() < 0.5)
        self.by_id[report.report_id] = report
        self.by_document[report.document_id] = report
        return report

    def get(self, report_id: str) -> SandboxReport:
        if not (report_id.isdigit() and len(report_id) == 11):
            raise InvalidRequest(f"{report_id!r} is not a report id", details=f"reportId: {report_id}")
        found = self.by_id.get(report_id)
        if found is None:
            raise NotFound(f"Report {report_id} was not found.", details=f"reportId: {report_id}")
        return found

    def done_document(self, document_id: str, now: datetime) -> SandboxReport:
        """The report of a document that exists: the report is DONE (404 before, as no id was shown)."""
        if not document_id.startswith(DOCUMENT_PREFIX):
            raise InvalidRequest(f"{document_id!r} is not a report document id",
                                 details=f"reportDocumentId: {document_id}")
        found = self.by_document.get(document_id)
        if found is None or found.status(now) != "DONE":
            raise NotFound(f"Report document {document_id} was not found.",
                           details=f"reportDocumentId: {document_id}")
        return found


def document_bytes(state: SandboxState, report: SandboxReport) -> bytes:
    """The document as served: JSON, gzip-compressed when the report says so; built once, kept."""
    if report.document is None:
        raw = json.dumps(BUILDERS[report.report_type](state, report), separators=(",", ":")).encode()
        report.document = gzip.compress(raw, mtime=0) if report.gzip else raw
    return report.document


def document_answer(report: SandboxReport, base_url: str) -> dict[str, Any]:
    """getReportDocument's answer: where to download it, and how it is compressed."""
    answer = {"reportDocumentId": report.document_id,
              "url": base_url.rstrip("/") + DOCUMENT_PATH.format(reportDocumentId=report.document_id)}
    if report.gzip:
        answer["compressionAlgorithm"] = "GZIP"
    return answer
