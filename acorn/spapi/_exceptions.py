"""Every way a call to the SP-API can fail, as one tree.

```
SpApiError                      anything raised by the client
├── SpApiHttpError              Amazon (or LWA) answered with an error status
│   ├── ClientRequestError      4xx that cannot succeed as sent (400, 404, 413, 415, ...): never retried
│   ├── AuthError               LWA refused the refresh grant, or 401/403 persisted after one fresh token
│   ├── ThrottledError          429 still there after the retries; Amazon did NOT apply the request
│   └── ServerError             5xx: after the retries for a GET, at once for a POST (never re-sent)
├── SubmissionOutcomeUnknown    a POST was (or may have been) sent and no answer came back
├── NetworkError                a GET (or the token call) got no answer after its retries
│   └── HostUnreachable         the very first token call was refused on loopback (no sandbox): at once
├── ResponseFormatError         an answer that does not fit the model (cannot be parsed)
├── InvalidSubmission           a payload we were about to send breaks Amazon's model (nothing sent);
│                               also an ``acorn.contract.ContractError``
├── TransactionTimeout          wait_for_transaction: still Processing when time ran out
└── ReportNotDone               wait_for_report: the report ended FATAL or CANCELLED, or time ran out
```

Every exception carries what an operator needs to act: ``operation`` (Amazon's operationId),
``status_code``, ``code``, ``message``, ``details`` (from Amazon's ``errors`` list, first
entry; all entries in ``errors``) and ``request_id`` (``x-amzn-RequestId``), each ``None``
where unknown. Messages are built from those fields only, never from headers or request
bodies, so tokens and secrets cannot leak through ``str(exc)``.

POST and retries (what the outbox relies on): a POST that got a definite 429 was not
applied by Amazon, so the client re-sends it after backing off; every other failure of a
POST is raised at once. ``SubmissionOutcomeUnknown`` means "maybe applied": look at the
transaction / PO status before sending again.
"""

from __future__ import annotations

from typing import Any

from acorn.contract import ContractError


class SpApiError(Exception):
    """Base of every client error; the fields are ``None`` where not known."""

    def __init__(self, message: str, *, operation: str | None = None, status_code: int | None = None,
                 code: str | None = None, details: str | None = None, request_id: str | None = None,
                 errors: list[dict[str, Any]] | None = None) -> None:
        self.operation = operation
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        self.errors = errors or []
        Exception.__init__(self, message)   # not super(): InvalidSubmission also inherits ContractError

    def __str__(self) -> str:
        parts = [self.operation or "sp-api"]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.code:
            parts.append(self.code)
        text = " ".join(parts) + f": {self.message}"
        if self.details:
            text += f" ({self.details})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(operation={self.operation!r}, status_code={self.status_code!r}, "
                f"code={self.code!r}, message={self.message!r}, request_id={self.request_id!r})")


class SpApiHttpError(SpApiError):
    """Amazon answered, with an error status."""


class ClientRequestError(SpApiHttpError):
    """A 4xx that will fail the same way if repeated: fix the request (or the data) first."""


class AuthError(SpApiHttpError):
    """Credentials or permissions: the LWA grant was refused, or SP-API kept answering 401/403."""


class ThrottledError(SpApiHttpError):
    """Still 429 after the retries. Amazon did not apply the request; it is safe to send later."""


class ServerError(SpApiHttpError):
    """A 5xx. For a POST the outcome is Amazon's to tell: check the transaction before re-sending."""


class SubmissionOutcomeUnknown(SpApiError):
    """A POST left (or may have left) and no answer came back: transport error, timeout, 504.

    Never retried inside the client. The outbox decides: read the transaction status or the
    purchase order status, and only then send again.
    """


class NetworkError(SpApiError):
    """No answer (connection refused, timeouts, broken connections) after the retries."""


class HostUnreachable(NetworkError):
    """Nothing listens at a loopback token endpoint on the client's very first token request: the
    sandbox is not running. Raised at once, and the tasks do not retry it: waiting will not start
    it. Once a token has been obtained, a refused connection is a transient fault like any other."""


class ResponseFormatError(SpApiError):
    """An answer that does not fit Amazon's model; ``record`` names the PO when known."""

    def __init__(self, message: str, *, record: str | None = None, problems: list[str] | None = None,
                 **fields: Any) -> None:
        self.record = record
        self.problems = problems or []
        super().__init__(message, **fields)


class InvalidSubmission(SpApiError, ContractError):
    """A payload breaks Amazon's model; ``problems`` name each field. Nothing was sent."""

    def __init__(self, definition: str, problems: list[str], *, operation: str | None = None) -> None:
        ContractError.__init__(self, definition, problems)
        SpApiError.__init__(self, f"{definition}: " + "; ".join(problems), operation=operation,
                            code="InvalidInput")


class TransactionTimeout(SpApiError):
    """The transaction was still ``Processing`` at the deadline; ``last_status`` is what we saw."""

    def __init__(self, message: str, *, transaction_id: str, last_status: Any = None, **fields: Any) -> None:
        self.transaction_id = transaction_id
        self.last_status = last_status
        super().__init__(message, **fields)


class ReportNotDone(SpApiError):
    """A report that has no document: it ended ``FATAL`` or ``CANCELLED``, or was not done at the deadline.

    ``last_status`` is the report as last read (``processing_status`` says which); a FATAL report
    is worth asking for again later, a CANCELLED one had no data (or was cancelled).
    """

    def __init__(self, message: str, *, report_id: str, last_status: Any = None, **fields: Any) -> None:
        self.report_id = report_id
        self.last_status = last_status
        super().__init__(message, **fields)
