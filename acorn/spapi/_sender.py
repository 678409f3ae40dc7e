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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Answered:
    body: Any
    request_id: str | None


@dataclass(frozen=True)
class _Retry:
    """An attempt worth repeating: how long to wait first, why, and what to raise if no retry is left."""

    wait: float
    reason: str
    error: SpApiError


class _TokenRenewed:
    """A 401/403 whose token was thrown away: the same attempt again with a new one (once per call)."""


_TOKEN_RENEWED = _TokenRenewed()


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
            outcome = self._attempt(op, url, params=params, content=content, attempt=attempt,
                                    may_renew_token=not renewed_token)
            if isinstance(outcome, _Answered):
                return outcome.body, outcome.request_id
            if outcome is _TOKEN_RENEWED:
                renewed_token = True  # the same attempt again, once, with a new token
                continue
            assert isinstance(outcome, _Retry)
            self._wait_before_retry(op, outcome, attempt)
            attempt += 1

    def _attempt(self, op: Operation, url: str, *, params: dict[str, str] | None, content: bytes | None,
                 attempt: int, may_renew_token: bool) -> _Answered | _Retry | _TokenRenewed:
        """One request, within the rate limit and with a current token; what its answer calls for."""
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
            return self._no_answer(op, exc, attempt)
        request_id = self._observe(op, response, elapsed=time.monotonic() - started)
        if 200 <= response.status_code < 300:
            return _Answered(self._json(op, response, request_id), request_id)
        return self._refused(op, response, request_id, token=token, attempt=attempt,
                             may_renew_token=may_renew_token)

    def _no_answer(self, op: Operation, exc: httpx.TransportError, attempt: int) -> _Retry:
        """A GET, or a request that never left, is tried again; a sent POST may have been applied."""
        self._stats.record(op.name, network_errors=1)
        not_sent = isinstance(exc, NOT_SENT_ERRORS)
        if op.method != "GET" and not not_sent:
            raise self._failed(SubmissionOutcomeUnknown(
                f"sent, but no answer came back ({type(exc).__name__}); check the transaction "
                "or purchase order before sending again", operation=op.name)) from None
        reason = type(exc).__name__
        return _Retry(self._policy.server.delay(attempt), reason,
                      NetworkError(f"no answer ({reason})", operation=op.name))

    def _observe(self, op: Operation, response: httpx.Response, *, elapsed: float) -> str | None:
        """Count and log the answer, learn the rate limit it states; its request id."""
        status = response.status_code
        request_id: str | None = response.headers.get("x-amzn-requestid")
        self._stats.record_status(op.name, status)
        self._log.debug("%s %s -> %d in %.3fs request_id=%s", op.name, op.method, status, elapsed, request_id)
        rate = parse_rate_limit_header(response.headers.get("x-amzn-ratelimit-limit"))
        if rate is not None:
            self._limiter.observe_limit(op.name, rate)
        return request_id

    def _refused(self, op: Operation, response: httpx.Response, request_id: str | None, *, token: str,
                 attempt: int, may_renew_token: bool) -> _Retry | _TokenRenewed:
        """An answer other than 2xx: back off and retry, renew the token once, or raise (the table above)."""
        status = response.status_code
        error = self._http_error(op, response, request_id)
        reason = f"HTTP {status}"
        if status == 429:
            self._limiter.throttled(op.name)
            wait = (retry_after_seconds(response.headers.get("retry-after"), ceiling=self._policy.max_retry_after)
                    or self._policy.throttle.delay(attempt))
            return _Retry(wait, reason, error)
        if status in (401, 403) and may_renew_token:
            self._log.info("%s: HTTP %d, retrying once with a new access token request_id=%s",
                           op.name, status, request_id)
            self._tokens.invalidate(token)
            return _TOKEN_RENEWED
        if status in TRANSIENT_STATUSES and op.method == "GET":
            return _Retry(self._policy.server.delay(attempt), reason, error)
        if status == 504:
            raise self._failed(SubmissionOutcomeUnknown(
                "gateway timeout: Amazon may or may not have applied the submission",
                operation=op.name, status_code=status, request_id=request_id)) from None
        raise self._failed(error)

    def _wait_before_retry(self, op: Operation, retry: _Retry, attempt: int) -> None:
        """Sleep before the next attempt, or give up when the policy's retries are spent."""
        if attempt >= self._policy.max_retries:
            self._log.warning("%s: giving up after %d attempts (%s)", op.name, attempt + 1, retry.reason)
            raise self._failed(retry.error)
        self._log.info("%s: %s, retrying in %.2fs (attempt %d of %d)", op.name, retry.reason, retry.wait,
                       attempt + 2, self._policy.max_retries + 1)
        self._stats.record(op.name, retries=1)
        self._sleep(retry.wait)


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
