"""A vendor report's document, however it arrived: checked against its schema, then kept or set aside.

Amazon's download and a file a vendor saved from Vendor Central take the same path: the bytes
(JSON, gzip-compressed or not) are parsed, checked against the report type's published schema
(``acorn.contract``), and either stored once (the same content twice is one row) or quarantined
raw with the first bad field named, and an alert naming the report and that field.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from acorn import contract
from acorn.config import VendorAccountSettings
from acorn.domain.vendor_reports import ReportRequestState, VendorReportType
from acorn.services.ports import Units
from acorn.store import UnitOfWork
from schemas.tables import QuarantinedReport, VendorReportDocument

log = logging.getLogger("acorn.vendor_reports")

ALERT_KIND = "report_quarantined"


@dataclass(frozen=True)
class Arrival:
    """Where a document came from: Amazon (its ``reportId``) or a file, and what was asked for."""

    account_code: str
    report_type: str | None = None  # None: read from the document's reportSpecification
    report_id: str | None = None
    source: str = ""
    period: tuple[date, date] | None = None


@dataclass(frozen=True)
class Accepted:
    state: ReportRequestState  # STORED or QUARANTINED
    report_type: str
    sha256: str
    new: bool  # False: the same content was already kept (or set aside)
    field: str | None = None
    reason: str | None = None


class BadDocument(ValueError):
    def __init__(self, field: str, reason: str, report_type: str | None = None) -> None:
        self.field, self.reason, self.report_type = field, reason, report_type
        super().__init__(f"{field}: {reason}")


_MISSING = re.compile(r"^'([^']+)' is a required property")


def first_problem(problems: list[str]) -> tuple[str, str]:
    """The field of the first problem (a missing property named, not its parent) and what is wrong."""
    field, _, reason = problems[0].partition(": ")
    missing = _MISSING.match(reason)
    if missing:
        field = missing.group(1) if field == "(root)" else f"{field}/{missing.group(1)}"
    return field, reason + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")


def unpack(raw: bytes) -> bytes:
    """Gunzip when the bytes are gzip (a file saved as ``.json.gz``, or Amazon's GZIP document)."""
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def parse(raw: bytes, arrival: Arrival) -> tuple[str, dict[str, Any]]:
    """The report type and the document; :class:`BadDocument` naming the field if it is not one."""
    try:
        document = json.loads(unpack(raw))
    except (OSError, EOFError, ValueError) as why:
        raise BadDocument("(document)", f"not a JSON document: {why}") from None
    if not isinstance(document, dict):
        raise BadDocument("(root)", "a report document is a JSON object")
    spec = document.get("reportSpecification")
    named = spec.get("reportType") if isinstance(spec, dict) else None
    report_type = arrival.report_type or named
    if report_type not in set(VendorReportType):
        raise BadDocument("reportSpecification/reportType", f"{report_type!r} is not a vendor report type")
    if named is not None and named != report_type:
        raise BadDocument("reportSpecification/reportType", f"{named!r} where {report_type} was asked for")
    problems = contract.report_problems(report_type, document)
    if problems:
        raise BadDocument(*first_problem(problems), report_type=report_type)
    return report_type, document


def period_of(document: dict[str, Any], arrival: Arrival) -> tuple[date | None, date | None]:
    """The period asked for, else the one the document says it covers (a forecast says none)."""
    if arrival.period is not None:
        return arrival.period
    spec = document["reportSpecification"]
    start, end = spec.get("dataStartTime"), spec.get("dataEndTime")
    return (date.fromisoformat(start[:10]) if start else None, date.fromisoformat(end[:10]) if end else None)


def accept(units: Units, raw: bytes, arrival: Arrival) -> Accepted:
    """Check a document and keep it, or set it aside with an alert; never silently dropped."""
    try:
        report_type, document = parse(raw, arrival)
    except BadDocument as bad:
        return quarantine(units, raw, arrival, bad)
    sha = hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    with units() as uow:
        if uow.vendor_reports.has_document(sha):
            return Accepted(ReportRequestState.STORED, report_type, sha, new=False)
        start, end = period_of(document, arrival)
        uow.vendor_reports.add(VendorReportDocument(
            sha256=sha, account_code=arrival.account_code, report_type=report_type, period_start=start,
            period_end=end, report_id=arrival.report_id, source=arrival.source[:300], document=document))
        uow.commit()
    log.info("%s: %s stored (%s)", arrival.account_code, report_type, arrival.report_id or arrival.source)
    return Accepted(ReportRequestState.STORED, report_type, sha, new=True)


def quarantine(units: Units, raw: bytes, arrival: Arrival, bad: BadDocument) -> Accepted:
    report_type = arrival.report_type or bad.report_type or "unknown"
    sha = hashlib.sha256(raw).hexdigest()
    with units() as uow:
        new = not uow.vendor_reports.has_quarantined(sha)
        if new:
            text = unpack_text(raw)
            uow.vendor_reports.add(QuarantinedReport(
                sha256=sha, account_code=arrival.account_code, report_type=report_type,
                report_id=arrival.report_id, source=arrival.source[:300], field=bad.field[:300],
                reason=bad.reason, raw=text))
            _alert_quarantined(uow, arrival, report_type, sha, bad)
        uow.commit()
    log.warning("%s: %s quarantined (%s), field %s: %s", arrival.account_code, report_type,
                arrival.report_id or arrival.source, bad.field, bad.reason)
    return Accepted(ReportRequestState.QUARANTINED, report_type, sha, new=new, field=bad.field, reason=bad.reason)


def unpack_text(raw: bytes) -> str:
    try:
        return unpack(raw).decode("utf-8", errors="replace")
    except (OSError, EOFError):
        return raw.decode("utf-8", errors="replace")


def _alert_quarantined(uow: UnitOfWork, arrival: Arrival, report_type: str, sha: str, bad: BadDocument) -> None:
    where = f"report {arrival.report_id}" if arrival.report_id else f"file {arrival.source}"
    uow.alerts.raise_alert(
        dedupe_key=f"report-quarantined:{arrival.account_code}:{sha[:16]}", account_code=arrival.account_code,
        kind=ALERT_KIND, subject=f"{report_type} ({where}) quarantined: {bad.field}",
        message=f"The {report_type} document of {where} does not fit its schema at {bad.field}: {bad.reason}. "
                "It is kept raw in quarantined_report and was not stored.",
        next_step="Check the field in the raw document; import a corrected file with `acorn reports import`.",
        code="report_schema")


def import_report_file(units: Units, account: VendorAccountSettings, path: Path | str) -> Accepted:
    """A report document downloaded by hand (JSON, or gzip-compressed JSON): same checks, same store."""
    path = Path(path)
    return accept(units, path.read_bytes(), Arrival(account_code=account.code, source=str(path)))
