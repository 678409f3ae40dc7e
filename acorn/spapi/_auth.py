"""Login with Amazon: trade the refresh token for short-lived access tokens.

One access token is cached per client and renewed shortly before it expires (a tenth of
its life, at most a minute, ahead). Under concurrency exactly one thread renews; the others
wait on the lock and then reuse its token. A token Amazon rejects (401/403) is dropped with
:meth:`LwaTokenSource.invalidate` so the next request fetches a fresh one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from ._credentials import LwaCredentials, is_loopback_host, validate_endpoint_url
from ._exceptions import AuthError, HostUnreachable, NetworkError, ResponseFormatError, ServerError, ThrottledError
from ._operations import LWA_TOKEN
from ._redact import RedactingLog, Redactor
from ._retry import TRANSIENT_STATUSES, RetryPolicy, retry_after_seconds
from ._stats import ClientStats

MAX_EARLY_REFRESH_S = 60.0


@dataclass(frozen=True, repr=False)
class AccessToken:
    value: SecretStr
    expires_at: float   # on the monotonic clock
    refresh_at: float

    def __repr__(self) -> str:
        return f"AccessToken(value=SecretStr('**********'), expires_at={self.expires_at:.1f})"


class LwaTokenSource:
    """Hands out a valid access token, refreshing it with the LWA refresh-token grant."""

    def __init__(self, *, http: httpx.Client, token_url: str, credentials: LwaCredentials, redactor: Redactor,
                 log: RedactingLog, policy: RetryPolicy, stats: ClientStats,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self._http = http
        self._token_url = validate_endpoint_url(token_url, setting="token_url")   # no secrets in clear
        self._credentials = credentials
        self._redact = redactor
        self._log = log
        self._policy = policy
        self._stats = stats
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._current: AccessToken | None = None
        self._ever_answered = False  # a refusal before the first answer means nothing is there

    def __repr__(self) -> str:
        return f"LwaTokenSource(token_url={self._token_url!r}, client_id={self._credentials.client_id!r})"

    def token(self) -> str:
        current = self._current
        if current is not None and self._clock() < current.refresh_at:
            return current.value.get_secret_value()
        with self._lock:   # one refresh at a time; late arrivals reuse the fresh token
            current = self._current
            if current is None or self._clock() >= current.refresh_at:
                current = self._current = self._fetch()
            return current.value.get_secret_value()

    def invalidate(self, rejected: str) -> None:
        """Drop ``rejected`` if it is still the cached token (another thread may have renewed)."""
        with self._lock:
            if self._current is not None and self._current.value.get_secret_value() == rejected:
                self._current = None

    def _fetch(self) -> AccessToken:
        attempt = 0
        while True:
            started = self._clock()
            try:
                response = self._http.post(self._token_url, data=self._credentials.grant_form(),
                                           headers={"accept": "application/json"})
            except httpx.TransportError as exc:
                if isinstance(exc, httpx.ConnectError) and not self._ever_answered \
                        and is_loopback_host(self._token_url):
                    raise HostUnreachable(f"nothing listens at {urlsplit(self._token_url).netloc}, the LWA token "
                                          "endpoint on this machine: is the sandbox running? Start it with `acorn "
                                          "sandbox serve`", operation=LWA_TOKEN) from None
                error: Exception = NetworkError(f"no answer from the LWA token endpoint: {type(exc).__name__}",
                                                operation=LWA_TOKEN)
                wait = self._policy.server.delay(attempt)
            else:
                self._ever_answered = True
                if response.status_code == 200:
                    return self._accept(response, started)
                error = self._error(response)
                if response.status_code == 429:
                    wait = (retry_after_seconds(response.headers.get("retry-after"),
                                                ceiling=self._policy.max_retry_after)
                            or self._policy.throttle.delay(attempt))
                elif response.status_code in TRANSIENT_STATUSES:
                    wait = self._policy.server.delay(attempt)
                else:
                    raise error
            if attempt >= self._policy.max_retries:
                raise error
            self._log.info("%s: retrying in %.2fs after %s (attempt %d of %d)", LWA_TOKEN, wait,
                           type(error).__name__, attempt + 2, self._policy.max_retries + 1)
            self._sleep(wait)
            attempt += 1

    def _accept(self, response: httpx.Response, started: float) -> AccessToken:
        try:
            body = response.json()
            value = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ResponseFormatError("the LWA token answer has no access_token/expires_in",
                                      operation=LWA_TOKEN, status_code=response.status_code) from None
        self._redact.add(value)
        self._stats.token_refreshed()
        early = min(MAX_EARLY_REFRESH_S, lifetime / 10)
        self._log.info("%s: new access token, valid %.0fs", LWA_TOKEN, lifetime)
        return AccessToken(SecretStr(value), expires_at=started + lifetime, refresh_at=started + lifetime - early)

    def _error(self, response: httpx.Response) -> Exception:
        status = response.status_code
        try:
            body = response.json()
            code, message = str(body.get("error", "")) or None, str(body.get("error_description", ""))
        except (ValueError, AttributeError):
            code, message = None, ""
        message = self._redact(message or response.reason_phrase or "token request failed")
        request_id = response.headers.get("x-amzn-requestid")
        fields = dict(operation=LWA_TOKEN, status_code=status, code=code, request_id=request_id)
        if status == 429:
            return ThrottledError(message, **fields)
        if status >= 500:
            return ServerError(message, **fields)
        return AuthError(message, **fields)
