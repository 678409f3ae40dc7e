"""Downloading a report document from the URL getReportDocument answers, and decompressing it.

Amazon's URL is pre-signed S3 (valid 5 minutes): it carries its own credential in the query, so
the download sends no access token (S3 would get it for nothing) and the URL's query is never
logged. Plain ``http://`` is accepted only to loopback (the sandbox serves its documents itself),
as for every other URL the client calls. ``compressionAlgorithm: GZIP`` means the bytes are
gzip; without it they are the document as is.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any
from urllib.parse import urlsplit

import httpx

from schemas.spapi import ReportDocument

from ._credentials import is_loopback_host
from ._exceptions import NetworkError, ResponseFormatError
from ._sender import http_error

OPERATION = "getReportDocument"


def _where(url: str) -> str:
    """The URL without its query (the pre-signature): what may appear in a message or a log."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ResponseFormatError(f"the report document URL {_where(url)!r} is not http(s)", operation=OPERATION)
    if parts.scheme == "http" and not is_loopback_host(url):
        raise ResponseFormatError(f"the report document URL {_where(url)!r} is plain http:// to a host that is "
                                  "not loopback; refusing to download it in clear", operation=OPERATION)
    return url


def download_document(http: httpx.Client, document: ReportDocument) -> bytes:
    """The document's content, decompressed; typed errors for a failed download or bad gzip."""
    url = _checked_url(document.url)
    try:
        response = http.get(url, headers={"accept": "*/*"})
    except httpx.TransportError as exc:
        raise NetworkError(f"no answer from {_where(url)} ({type(exc).__name__})", operation=OPERATION) from None
    if response.status_code != 200:
        raise http_error(OPERATION, response.status_code, [], request_id=None,
                         reason=f"downloading {document.report_document_id} answered {response.status_code}")
    if (document.compression_algorithm or "").upper() != "GZIP":
        return response.content
    try:
        return gzip.decompress(response.content)
    except (OSError, EOFError, zlib.error):
        raise ResponseFormatError(f"report document {document.report_document_id} is not valid gzip",
                                  operation=OPERATION, record=document.report_document_id) from None


def parse_json_document(content: bytes, document_id: str) -> dict[str, Any]:
    """A vendor report's document (JSON object) from its bytes."""
    try:
        parsed = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        parsed = None
    if not isinstance(parsed, dict):
        raise ResponseFormatError(f"report document {document_id} is not a JSON object", operation=OPERATION,
                                  record=document_id)
    return parsed
