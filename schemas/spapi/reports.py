"""Reports API 2021-06-30: the report Acorn asks for, the report Amazon tracks, and where its document is.

Unlike the Retail Procurement APIs, these answers carry no ``payload`` envelope: createReport's 202
is ``{"reportId": ...}``, getReport's 200 is the report itself. Reading stays tolerant (a status
Amazon adds later is kept); the specification sent is strict, like every submission.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ._base import SendDateTime, SendModel, UtcDateTime, WireModel, _tolerant

REPORT_STATES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "FATAL", "CANCELLED")
#: a report in one of these will not change any more (only DONE has a document)
FINAL_REPORT_STATES = frozenset({"DONE", "FATAL", "CANCELLED"})
VENDOR_SALES_REPORT = "GET_VENDOR_SALES_REPORT"
VENDOR_INVENTORY_REPORT = "GET_VENDOR_INVENTORY_REPORT"
VENDOR_FORECASTING_REPORT = "GET_VENDOR_FORECASTING_REPORT"
VENDOR_REPORT_TYPES = (VENDOR_SALES_REPORT, VENDOR_INVENTORY_REPORT, VENDOR_FORECASTING_REPORT)


class CreateReportSpecification(SendModel):
    """What createReport is asked for; vendor reports take ``reportPeriod`` etc. in ``report_options``."""

    report_type: str
    marketplace_ids: list[str] = Field(min_length=1, max_length=25)
    data_start_time: SendDateTime | None = None
    data_end_time: SendDateTime | None = None
    report_options: dict[str, str] | None = None


class CreateReportResponse(WireModel):
    """createReport's 202: the id to poll with getReport (not a transaction)."""

    report_id: str


class Report(WireModel):
    """A report as getReport shows it; ``report_document_id`` only once it is DONE."""

    report_id: str
    report_type: str
    processing_status: Annotated[str, _tolerant(*REPORT_STATES)]
    created_time: UtcDateTime
    marketplace_ids: list[str] | None = None
    data_start_time: UtcDateTime | None = None
    data_end_time: UtcDateTime | None = None
    report_schedule_id: str | None = None
    processing_start_time: UtcDateTime | None = None
    processing_end_time: UtcDateTime | None = None
    report_document_id: str | None = None

    @property
    def is_final(self) -> bool:
        return self.processing_status in FINAL_REPORT_STATES


class ReportDocument(WireModel):
    """Where a report's document is: a pre-signed URL (5 minutes at Amazon); gzip if ``compression_algorithm``."""

    report_document_id: str
    url: str
    compression_algorithm: Annotated[str, _tolerant("GZIP")] | None = None

