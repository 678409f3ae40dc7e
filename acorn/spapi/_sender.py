"""One SP-API call, start to finish: rate limit, token, send, read, retry or raise.

The retry rules (see ``_retry`` and ``_exceptions`` for the why):

=====================  ============================  ====================================
answer                 GET                           POST
=====================  ============================  ====================================
2xx                    return                        return
429                    back off, retry               back off, retry (Amazon applied nothing)
401 / 403              one retry with a new token    one retry with a new token
other 4xx              ClientRequestError            ClientRequestError
5xx                    back off, retry               ServerError (504: SubmissionOutcomeUnknown)
no connection          back off, retry               back off, retry (nothing left)
sent, no answer        back off, retry               SubmissionOutcomeUnknown
=====================  ============================  ====================================
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from ._auth import LwaTokenSource
from ._exceptions import (
    AuthError,
    ClientRequestError,
    NetworkError,
    ResponseFormatError,
    ServerError,
    SpApiError,
    SubmissionOutcomeUnknown,
    ThrottledError,
)
from ._operations import Operation
from ._ratelimit import RateLimiter, parse_rate_limit_header
from ._redact import RedactingLog, Redactor
from ._retry import NOT_SENT_ERRORS, TRANSIENT_STATUSES, RetryPolicy, retry_after_seconds
from ._stats import ClientStats

USER_AGENT = "acorn-spapi/0.1 (Language=Python)"


class Sender:
    def __init__(self, *, http: httpx.Client, base_url: str, tokens: LwaTokenSource, limiter: RateLimiter,
                 policy: RetryPolicy, stats: ClientStats, redactor: Redactor, log: RedactingLog,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._tokens = tokens
        self._limiter = limiter
        self._policy = policy
        self._stats = stats
        self._redact = redactor
        self._log = log
        self._sleep = sleep

    def call(self, op: Operation, *, path_params: dict[str, str] | None = None,
             params: dict[str, str] | None = None, body: dict[str, Any] | None = None) -> tuple[Any, str | None]:
        """Send ``op`` until it succeeds or must be given up; return (JSON body, request id)."""
        url = self._base_url + op.url_path(**(path_params or {}))
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        attempt = 0
        renewed_token = False
        while True:
            waited = self._limiter.acquire(op.name)
            token = self._tokens.token()
            headers = {"x-amz-access-token": token, "user-agent": USER_AGENT, "accept": "application/json"}
            if content is not None:
                headers["content-type"] = "application/json"
            self._stats.record(op.name, requests=1, waited_s=waited)
            started = time.monotonic()
            try:
                response = self._http.request(op.method, url, params=params, content=content, headers=headers)
            except httpx.TransportError as exc:
                self._stats.record(op.name, network_errors=1)
                not_sent = isinstance(exc, NOT_SENT_ERRORS)
                if op.method != "GET" and not not_sent:
                    raise self._failed(SubmissionOutcomeUnknown(
                        f"sent, but no answer came back ({type(exc).__name__}); check the transaction "
                        "or purchase order before sending again", operation=op.name)) from None
                wait = self._policy.server.delay(attempt)
                reason = type(exc).__name__
                error: SpApiError = NetworkError(f"no answer ({reason})", operation=op.name)
            else:
                elapsed = time.monotonic() - started
                status = response.status_code
                request_id = response.headers.get("x-amzn-requestid")
                self._stats.record_status(op.name, status)
                self._log.debug("%s %s -> %d in %.3fs request_id=%s", op.name, op.method, status, elapsed, request_id)
                rate = parse_rate_limit_header(response.headers.get("x-amzn-ratelimit-limit"))
                if rate is not None:
                    self._limiter.observe_limit(op.name, rate)
                if 200 <= status < 300:
                    return self._json(op, response, request_id), request_id
                error = self._http_error(op, response, request_id)
                reason = f"HTTP {status}"
                if status == 429:
                    self._limiter.throttled(op.name)
                    wait = (retry_after_seconds(response.headers.get("retry-after"),
                                                ceiling=self._policy.max_retry_after)
                            or self._policy.throttle.delay(attempt))
                elif status in (401, 403) and not renewed_token:
                    self._log.info("%s: HTTP %d, retrying once with a new access token request_id=%s",
                                   op.name, status, request_id)
                    self._tokens.invalidate(token)
                    renewed_token = True
                    continue
                elif status in TRANSIENT_STATUSES and op.method == "GET":
                    wait = self._policy.server.delay(attempt)
                elif status == 504:
                    raise self._failed(SubmissionOutcomeUnknown(
                        "gateway timeout: Amazon may or may not have applied the submission",
                        operation=op.name, status_code=status, request_id=request_id)) from None
                else:
                    raise self._failed(error)
            if attempt >= self._policy.max_retries:
                self._log.warning("%s: giving up after %d attempts (%s)", op.name, attempt + 1, reason)
                raise self._failed(error)
            self._log.info("%s: %s, retrying in %.2fs (attempt %d of %d)", op.name, reason, wait,
                           attempt + 2, self._policy.max_retries + 1)
            self._stats.record(op.name, retries=1)
            self._sleep(wait)
            attempt += 1

    def _failed(self, error: SpApiError) -> SpApiError:
        self._stats.record(error.operation or "?", failures=1)
        return error

    def _json(self, op: Operation, response: httpx.Response, request_id: str | None) -> Any:
        try:
            return response.json()
        except ValueError:
            raise self._failed(ResponseFormatError("the answer is not JSON", operation=op.name,
                                                   status_code=response.status_code,
                                                   request_id=request_id)) from None

    def _http_error(self, op: Operation, response: httpx.Response, request_id: str | None) -> SpApiError:
        status = response.status_code
        errors: list[dict[str, Any]] = []
        try:
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("errors"), list):
                errors = [e for e in body["errors"] if isinstance(e, dict)]
        except ValueError:
            pass
        errors = [{k: self._redact(str(v)) for k, v in e.items()} for e in errors]
        return http_error(op.name, status, errors, request_id=request_id, reason=response.reason_phrase)


def http_error(operation: str, status: int, errors: list[dict[str, Any]], *, request_id: str | None,
               reason: str = "") -> SpApiError:
    """The exception for an error status and Amazon's ``errors`` list (also the fake Amazon's, without HTTP)."""
    first = errors[0] if errors else {}
    fields = dict(operation=operation, status_code=status, code=first.get("code"),
                  details=first.get("details") or None, request_id=request_id, errors=errors)
    message = first.get("message") or reason or f"HTTP {status}"
    if status == 429:
        return ThrottledError(message, **fields)
    if status in (401, 403):
        return AuthError(message, **fields)
    if status >= 500:
        return ServerError(message, **fields)
    return ClientRequestError(message, **fields)
