"""Where the LWA secrets go: Amazon's token endpoint, the loopback sandbox, or an explicit URL.

The rule lives in ``acorn.spapi._credentials`` (``token_endpoint_for``,
``credential_route_warnings``). The unit tests pin every combination; the loopback tests
show over real HTTP which server receives the refresh-token grant and which never sees it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote_plus

import httpx
import pytest
from pydantic import SecretStr

from acorn.sandbox import DEFAULT_CREDENTIALS, SandboxConfig, SandboxServer
from acorn.spapi import REGION_HOSTS, TOKEN_URL, ClientRequestError, LwaCredentials, NetworkError, SpApiClient
from acorn.spapi._auth import LwaTokenSource
from acorn.spapi._credentials import CredentialRouteError, credential_route_warnings, token_endpoint_for

from .conftest import fast_retries

NA = REGION_HOSTS["NA"]
SECRET, REFRESH = "amzn1.oa2-cs.v1.route-test-secret", "Atzr|route-test-refresh/+="


def _creds(secret: str = SECRET, refresh: str = REFRESH) -> LwaCredentials:
    return LwaCredentials(client_id="amzn1.application-oa2-client.route", client_secret=SecretStr(secret),
                          refresh_token=SecretStr(refresh))


# ----------------------------------------------------------------------------- the rule, unit by unit

@pytest.mark.parametrize(("base_url", "token_url", "expected"), [
    pytest.param(NA, None, TOKEN_URL, id="amazon-region-default"),
    pytest.param(REGION_HOSTS["EU"] + "/", None, TOKEN_URL, id="amazon-region-trailing-slash"),
    pytest.param("https://sandbox.sellingpartnerapi-fe.amazon.com", None, TOKEN_URL, id="amazon-own-sandbox"),
    pytest.param("http://127.0.0.1:8123/", None, "http://127.0.0.1:8123/auth/o2/token", id="loopback-ipv4"),
    pytest.param("http://127.9.8.7:80", None, "http://127.9.8.7:80/auth/o2/token", id="loopback-127/8"),
    pytest.param("http://localhost:9000", None, "http://localhost:9000/auth/o2/token", id="loopback-localhost"),
    pytest.param("http://LOCALHOST:9000", None, "http://LOCALHOST:9000/auth/o2/token", id="loopback-localhost-case"),
    pytest.param("http://[::1]:9000", None, "http://[::1]:9000/auth/o2/token", id="loopback-ipv6"),
    pytest.param("http://[::ffff:127.0.0.1]:9000", None, "http://[::ffff:127.0.0.1]:9000/auth/o2/token",
                 id="loopback-ipv4-mapped"),
    pytest.param("https://127.0.0.1:8443", None, "https://127.0.0.1:8443/auth/o2/token", id="loopback-https"),
    pytest.param("https://spapi-proxy.example.com", None, TOKEN_URL, id="proxy-default-is-amazon"),
    pytest.param("https://spapi-proxy.example.com/prefix/", None, TOKEN_URL, id="proxy-with-path-default-is-amazon"),
    pytest.param("https://sellingpartnerapi-na.amazon.com.evil.example", None, TOKEN_URL, id="lookalike-host"),
    pytest.param("https://sellingpartnerapi-na.amazon.com@evil.example", None, TOKEN_URL, id="userinfo-host"),
    pytest.param("https://127.0.0.1.nip.io", None, TOKEN_URL, id="not-loopback-by-name"),
    pytest.param("https://localhost.evil.example", None, TOKEN_URL, id="not-localhost-by-suffix"),
    pytest.param("https://spapi-proxy.example.com", "", TOKEN_URL, id="empty-token-url-is-unset"),
    pytest.param(NA, "https://lwa.example.com/token", "https://lwa.example.com/token", id="explicit-https-as-given"),
    pytest.param("https://spapi-proxy.example.com", "https://spapi-proxy.example.com/auth/o2/token",
                 "https://spapi-proxy.example.com/auth/o2/token", id="explicit-proxy-token"),
    pytest.param("http://127.0.0.1:8000", TOKEN_URL, TOKEN_URL, id="explicit-amazon-from-loopback"),
    pytest.param(NA, "http://127.0.0.1:9/auth/o2/token", "http://127.0.0.1:9/auth/o2/token",
                 id="explicit-loopback-http"),
    pytest.param("http://127.0.0.1:1", "http://localhost:2/t", "http://localhost:2/t", id="explicit-other-loopback"),
])
def test_the_token_endpoint_for_each_base_and_token_url(base_url: str, token_url: str | None, expected: str) -> None:
    assert token_endpoint_for(base_url, token_url) == expected


@pytest.mark.parametrize(("base_url", "token_url", "setting", "env"), [
    pytest.param("http://spapi-proxy.example.com", None, "base_url", "ACORN_SPAPI_BASE_URL", id="http-proxy-base"),
    pytest.param("http://sellingpartnerapi-na.amazon.com", None, "base_url", "ACORN_SPAPI_BASE_URL",
                 id="http-amazon-base"),
    pytest.param("http://10.0.0.5:8000", None, "base_url", "ACORN_SPAPI_BASE_URL", id="http-private-ip-base"),
    pytest.param("http://0.0.0.0:8000", None, "base_url", "ACORN_SPAPI_BASE_URL", id="http-any-address-base"),
    pytest.param("http://127.0.0.1.nip.io", None, "base_url", "ACORN_SPAPI_BASE_URL", id="http-loopback-lookalike"),
    pytest.param("http://localhost.evil.example", None, "base_url", "ACORN_SPAPI_BASE_URL",
                 id="http-localhost-lookalike"),
    pytest.param("http://127.0.0.1@evil.example", None, "base_url", "ACORN_SPAPI_BASE_URL", id="http-userinfo"),
    pytest.param("ftp://127.0.0.1", None, "base_url", "ACORN_SPAPI_BASE_URL", id="not-http-base"),
    pytest.param("127.0.0.1:8000", None, "base_url", "ACORN_SPAPI_BASE_URL", id="no-scheme-base"),
    pytest.param("https://", None, "base_url", "ACORN_SPAPI_BASE_URL", id="no-host-base"),
    pytest.param(NA, "http://lwa.example.com/token", "token_url", "ACORN_TOKEN_URL", id="http-explicit-token"),
    pytest.param("http://127.0.0.1:8000", "http://api.amazon.com/auth/o2/token", "token_url", "ACORN_TOKEN_URL",
                 id="http-amazon-token-from-loopback"),
    pytest.param("https://spapi-proxy.example.com", "http://spapi-proxy.example.com/auth/o2/token", "token_url",
                 "ACORN_TOKEN_URL", id="http-proxy-token"),
    pytest.param(NA, "file:///etc/token", "token_url", "ACORN_TOKEN_URL", id="not-http-token"),
])
def test_a_route_that_would_expose_secrets_is_refused_naming_the_setting(base_url: str, token_url: str | None,
                                                                           setting: str, env: str) -> None:
    with pytest.raises(CredentialRouteError) as caught:
        token_endpoint_for(base_url, token_url)
    assert caught.value.setting == setting
    assert setting in str(caught.value) and env in str(caught.value)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(CredentialRouteError):   # the client refuses it before any socket opens
        SpApiClient(base_url, credentials=_creds(), token_url=token_url)


@pytest.mark.parametrize(("base_url", "token_url", "named"), [
    pytest.param(NA, None, (), id="amazon-default"),
    pytest.param(NA, TOKEN_URL, (), id="amazon-explicit-lwa"),
    pytest.param("http://127.0.0.1:8000", None, (), id="sandbox-default"),
    pytest.param("http://127.0.0.1:8000", "http://127.0.0.1:9000/auth/o2/token", (), id="sandbox-other-port"),
    pytest.param("http://127.0.0.1:8000", "http://localhost:8000/auth/o2/token", (), id="sandbox-both-loopback"),
    pytest.param("https://spapi-proxy.example.com", "https://spapi-proxy.example.com/auth/o2/token", (),
                 id="proxy-serves-its-own-lwa"),
    pytest.param("https://spapi-proxy.example.com", TOKEN_URL, (), id="proxy-explicit-amazon"),
    pytest.param("http://127.0.0.1:8000", TOKEN_URL, ("127.0.0.1", "api.amazon.com"), id="sandbox-with-amazon-token"),
    pytest.param("http://localhost:8000", "https://lwa.example.com/token", ("localhost", "lwa.example.com"),
                 id="sandbox-with-remote-token"),
    pytest.param(NA, "https://lwa.example.com/token", ("sellingpartnerapi-na.amazon.com", "lwa.example.com"),
                 id="amazon-with-foreign-token"),
    pytest.param(NA, "http://127.0.0.1:9000/auth/o2/token", ("sellingpartnerapi-na.amazon.com", "127.0.0.1"),
                 id="amazon-with-loopback-token"),
    pytest.param(NA, NA + "/auth/o2/token", ("sellingpartnerapi-na.amazon.com",), id="amazon-api-host-as-token"),
    pytest.param("https://spapi-proxy.example.com", None, ("spapi-proxy.example.com", "api.amazon.com"),
                 id="proxy-default-goes-to-amazon"),
    pytest.param("https://spapi-proxy.example.com", "https://lwa.example.com/token",
                 ("spapi-proxy.example.com", "lwa.example.com"), id="proxy-with-third-host-token"),
    pytest.param("https://spapi-proxy.example.com", "http://localhost:9000/token",
                 ("spapi-proxy.example.com", "localhost"), id="proxy-with-loopback-token"),
])
def test_hosts_that_disagree_in_kind_are_warned_about(base_url: str, token_url: str | None,
                                                      named: tuple[str, ...]) -> None:
    warnings = credential_route_warnings(base_url, token_url)
    if not named:
        assert warnings == []
        return
    assert len(warnings) == 1
    receiver = httpx.URL(token_endpoint_for(base_url, token_url)).host
    for host in named:
        assert f"'{host}'" in warnings[0]
    assert f"will be sent to '{receiver}'" in warnings[0]


def test_the_warnings_refuse_what_the_endpoint_refuses() -> None:
    with pytest.raises(CredentialRouteError, match="ACORN_TOKEN_URL"):
        credential_route_warnings(NA, "http://lwa.example.com/token")


def test_the_token_source_itself_refuses_plain_http_to_a_remote_host() -> None:
    from acorn.spapi._redact import RedactingLog, Redactor
    from acorn.spapi._stats import ClientStats

    redactor = Redactor(_creds().secret_values())
    with httpx.Client() as http, pytest.raises(CredentialRouteError, match="ACORN_TOKEN_URL"):
        LwaTokenSource(http=http, token_url="http://lwa.example.com/auth/o2/token", credentials=_creds(),
                       redactor=redactor, log=RedactingLog(redactor), policy=fast_retries(), stats=ClientStats())


# ----------------------------------------------------------------------------- over real loopback HTTP

@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: str


class RecordingServer:
    """A tiny HTTP server on 127.0.0.1 that writes down every request it gets.

    It answers ``/auth/o2/token`` with an access token and anything else with an SP-API
    style 404, which is all these tests need.
    """

    ACCESS_TOKEN = "Atza|recording-server-access"

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorder.seen.append(Seen(self.command, self.path, headers, body))
                if self.path == "/auth/o2/token":
                    status, answer = 200, {"access_token": RecordingServer.ACCESS_TOKEN, "token_type": "bearer",
                                           "expires_in": 3600}
                else:
                    status, answer = 404, {"errors": [{"code": "NotFound", "message": "nothing recorded here"}]}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args: object) -> None:   # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def texts(self) -> list[str]:
        """Every path, header (name and value) and body the server received."""
        return [t for s in self.seen for t in (s.path, s.body, *s.headers.keys(), *s.headers.values())]


@pytest.fixture
def recorder() -> Iterator[RecordingServer]:
    with RecordingServer() as server:
        yield server


def _leaks(texts: list[str], secrets: tuple[str, ...]) -> list[str]:
    """Secrets found in ``texts``, raw or form-encoded (the grant is ``x-www-form-urlencoded``)."""
    forms = {s: (s, quote_plus(s), quote_plus(s, safe="|")) for s in secrets}
    return sorted(s for s, variants in forms.items() if any(v in t for v in variants for t in texts))


def test_a_localhost_base_url_gets_the_grant_on_its_own_token_path(recorder: RecordingServer) -> None:
    base = f"http://localhost:{recorder.port}"
    with SpApiClient(base, credentials=_creds(), retry_policy=fast_retries(max_retries=0)) as client:
        assert client.token_url == f"{base}/auth/o2/token"
        with pytest.raises(ClientRequestError):
            client.get_purchase_order("PO000001")
    grants = [s for s in recorder.seen if s.path == "/auth/o2/token"]
    calls = [s for s in recorder.seen if s.path != "/auth/o2/token"]
    assert len(grants) == 1 and grants[0].method == "POST"
    assert _leaks([grants[0].body], (SECRET, REFRESH)) == sorted([SECRET, REFRESH])   # the grant went here
    assert [c.path for c in calls] == ["/vendor/orders/v1/purchaseOrders/PO000001"]
    assert calls[0].headers.get("x-amz-access-token") == RecordingServer.ACCESS_TOKEN
    assert _leaks([calls[0].path, calls[0].body, *calls[0].headers.values()], (SECRET, REFRESH)) == []


def test_a_remote_non_amazon_https_base_url_sends_the_grant_to_amazon_not_to_it() -> None:
    with SpApiClient("https://spapi-proxy.example.com", credentials=_creds()) as client:
        assert client.token_url == TOKEN_URL
        assert client._sender._tokens._token_url == TOKEN_URL


class RefusingTransport(httpx.BaseTransport):
    """Writes down where each request was going and opens no connection (no internet here)."""

    def __init__(self) -> None:
        self.urls: list[httpx.URL] = []
        self.bodies: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        self.bodies.append(request.read())
        raise httpx.ConnectError("no network in the test", request=request)


def test_the_grant_for_a_proxy_base_url_really_heads_for_api_amazon_com() -> None:
    transport = RefusingTransport()
    with SpApiClient("https://spapi-proxy.example.com", credentials=_creds(), transport=transport,
                     retry_policy=fast_retries(max_retries=0)) as client, pytest.raises(NetworkError):
        client.get_purchase_order("PO000001")
    assert [str(u) for u in transport.urls] == [TOKEN_URL]   # the token first, and nothing to the proxy
    assert all(u.host != "spapi-proxy.example.com" for u in transport.urls)


def test_an_explicit_token_url_is_used_as_given() -> None:
    explicit = "https://lwa.internal.example/oauth/token?tenant=acorn"
    with SpApiClient("https://spapi-proxy.example.com", credentials=_creds(), token_url=explicit) as client:
        assert client.token_url == explicit
    with SpApiClient(NA, credentials=_creds(), token_url=explicit) as client:
        assert client.token_url == explicit


def test_the_api_host_never_sees_the_secrets_when_an_explicit_token_host_issues_the_token(
        recorder: RecordingServer) -> None:
    credentials = LwaCredentials(**DEFAULT_CREDENTIALS)  # type: ignore[arg-type]
    with SandboxServer(SandboxConfig(seed=7, pos_per_day=2, history_days=1), host="127.0.0.1", port=0) as sandbox, \
            SpApiClient(f"http://localhost:{recorder.port}", credentials=credentials,
                        token_url=f"{sandbox.base_url}/auth/o2/token",
                        retry_policy=fast_retries(max_retries=0)) as client:
        assert client.token_url == f"{sandbox.base_url}/auth/o2/token"
        for _ in range(3):
            with pytest.raises(ClientRequestError):
                client.get_purchase_order("PO000001")
        access_token = client._sender._tokens.token()     # issued by the sandbox, not by the recorder
    assert access_token != RecordingServer.ACCESS_TOKEN
    assert len(recorder.seen) == 3
    assert all(s.path.startswith("/vendor/orders/v1/purchaseOrders/") for s in recorder.seen)
    assert all(s.headers.get("x-amz-access-token") == access_token for s in recorder.seen)
    assert _leaks(recorder.texts(), credentials.secret_values()) == []
