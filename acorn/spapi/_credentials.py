"""Where the client talks to, and with which Login-with-Amazon credentials.

Amazon: one host per region (``REGION_HOSTS``) and one LWA token endpoint (``TOKEN_URL``).
The sandbox: a base URL on loopback; its token endpoint is ``{base_url}/auth/o2/token``.

The credential route — which host receives the LWA client secret and refresh token — is
decided here and only here (:func:`token_endpoint_for`, :func:`credential_route_warnings`);
the client, the configuration and ``acorn config check`` all ask these functions:

* an explicit token URL is used as given;
* otherwise a loopback base URL (127.0.0.0/8, ``::1``, ``localhost``: the built-in
  sandbox) gets ``{base_url}/auth/o2/token``, and every other base URL — an Amazon region,
  but also a proxy or a mirror — gets Amazon's ``https://api.amazon.com/auth/o2/token``, so
  a host that only relays SP-API calls never receives the secrets by accident;
* plain ``http://`` is refused for both URLs unless the host is loopback: the token URL
  would carry the secrets in clear, the base URL every request's access token.
"""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr

REGION_HOSTS: dict[str, str] = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}

TOKEN_URL = "https://api.amazon.com/auth/o2/token"

#: the host of Amazon's LWA token endpoint (the same for every region)
LWA_HOST = "api.amazon.com"

SANDBOX_TOKEN_PATH = "/auth/o2/token"

Endpoint = Literal["base_url", "token_url"]

#: how each URL is called in the client (keyword) and in Acorn's configuration (environment)
SETTING_NAMES: dict[str, str] = {
    "base_url": "base_url (ACORN_SPAPI_BASE_URL)",
    "token_url": "token_url (ACORN_TOKEN_URL)",
}


class CredentialRouteError(ValueError):
    """A base or token URL that would expose the credentials or an access token.

    ``setting`` is ``"base_url"`` or ``"token_url"``; the message names the client keyword
    and the environment variable (``ACORN_SPAPI_BASE_URL`` / ``ACORN_TOKEN_URL``).
    """

    def __init__(self, message: str, *, setting: Endpoint) -> None:
        super().__init__(message)
        self.setting = setting


class LwaCredentials(BaseModel):
    """An SP-API application's LWA client and the vendor's refresh token.

    The secrets are ``SecretStr``: ``repr``/``str``/``model_dump`` show ``**********``.
    Read them only through :meth:`grant_form`, which builds the token request body.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    refresh_token: SecretStr

    def grant_form(self) -> dict[str, str]:
        """The form of LWA's refresh-token grant (``application/x-www-form-urlencoded``)."""
        return {
            "grant_type": "refresh_token",
            "refresh_token": self.refresh_token.get_secret_value(),
            "client_id": self.client_id,
            "client_secret": self.client_secret.get_secret_value(),
        }

    def secret_values(self) -> tuple[str, ...]:
        """The strings that must never appear in a log line or an exception."""
        return (self.client_secret.get_secret_value(), self.refresh_token.get_secret_value())


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def is_amazon_host(base_url: str) -> bool:
    host = _host(base_url)
    return host.endswith(".amazon.com") or host == "amazon.com"


def is_loopback_host(url: str) -> bool:
    """True for a URL whose host is ``localhost``, in 127.0.0.0/8 or ``::1``."""
    host = _host(url).rstrip(".")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def is_lwa_host(url: str) -> bool:
    """True when ``url`` points at Amazon's LWA token host (``api.amazon.com``)."""
    return _host(url) == LWA_HOST


def validate_endpoint_url(url: str, *, setting: Endpoint) -> str:
    """``url`` unchanged if credentials or tokens may be sent to it, else :class:`CredentialRouteError`.

    It must be ``http(s)://`` with a host; plain ``http://`` only to a loopback host.
    """
    name = SETTING_NAMES[setting]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise CredentialRouteError(f"{name} must be an http(s) URL, got {parts.scheme or 'no'} scheme", setting=setting)
    if not parts.hostname:
        raise CredentialRouteError(f"{name} must name a host", setting=setting)
    if parts.scheme == "http" and not is_loopback_host(url):
        carried = ("the LWA client secret and refresh token" if setting == "token_url"
                   else "every request's LWA access token")
        raise CredentialRouteError(
            f"{name} is plain http:// to {parts.hostname!r}, which is not a loopback host: {carried} would travel "
            "in clear; use https:// (plain http is allowed only to 127.0.0.0/8, ::1 and localhost)", setting=setting)
    return url


def token_endpoint_for(base_url: str, token_url: str | None = None) -> str:
    """The URL that will receive the LWA refresh-token grant (client secret and refresh token).

    An explicit ``token_url`` is used as given; without one a loopback ``base_url`` (the
    sandbox) gets ``{base_url}/auth/o2/token`` and any other base URL Amazon's ``TOKEN_URL``.
    Raises :class:`CredentialRouteError` (a ``ValueError``) naming the setting when either
    URL is not http(s), has no host, or is plain ``http://`` to a host that is not loopback.
    """
    validate_endpoint_url(base_url, setting="base_url")
    if token_url is not None and token_url.strip():
        return validate_endpoint_url(token_url, setting="token_url")
    if is_loopback_host(base_url):
        return base_url.rstrip("/") + SANDBOX_TOKEN_PATH
    return TOKEN_URL


def default_token_url(base_url: str) -> str:
    """The token endpoint when none is configured: see :func:`token_endpoint_for`."""
    return token_endpoint_for(base_url, None)


def _kind(url: str) -> str:
    if is_loopback_host(url):
        return "loopback"
    if is_lwa_host(url):
        return "lwa"
    if is_amazon_host(url):
        return "amazon"
    return "other"


def credential_route_warnings(base_url: str, token_url: str | None = None) -> list[str]:
    """Sentences for ``acorn config check`` when the API host and the token host disagree in kind.

    Each names both hosts and the host that will receive the LWA client secret and refresh
    token. Empty when the route is the expected one: Amazon region with Amazon's LWA host,
    sandbox on loopback with its own token endpoint (or another loopback one), or an
    explicit token URL on the API host itself. Raises :class:`CredentialRouteError` for a
    configuration :func:`token_endpoint_for` refuses.
    """
    endpoint = token_endpoint_for(base_url, token_url)
    explicit = token_url is not None and bool(token_url.strip())
    api_host, token_host = _host(base_url), _host(endpoint)
    api_kind, token_kind = _kind(base_url), _kind(endpoint)
    receives = f"the LWA client secret and refresh token will be sent to {token_host!r}"
    if api_kind == "loopback" and token_kind != "loopback":
        what = ("Amazon's LWA host (the sandbox does not accept Amazon's access tokens)" if token_kind == "lwa"
                else "not a loopback host")
        return [f"SP-API host {api_host!r} is loopback (the sandbox) but the token URL host {token_host!r} is "
                f"{what}: {receives} (check ACORN_TOKEN_URL)"]
    if api_kind in ("amazon", "lwa") and token_kind != "lwa":
        return [f"SP-API host {api_host!r} is Amazon's but the token URL host {token_host!r} is not Amazon's LWA "
                f"host {LWA_HOST!r}: {receives} (check ACORN_TOKEN_URL)"]
    if api_kind == "other" and not explicit:
        return [f"SP-API host {api_host!r} is neither Amazon's nor loopback and ACORN_TOKEN_URL is not set: "
                f"{receives} (Amazon's LWA host), not to {api_host!r}; set ACORN_TOKEN_URL if another host must "
                "issue the tokens"]
    if explicit and token_host != api_host and token_kind != "lwa" and not (
            api_kind == "loopback" and token_kind == "loopback"):
        return [f"the token URL host {token_host!r} is neither the SP-API host {api_host!r} nor Amazon's LWA host "
                f"{LWA_HOST!r}: {receives} (check ACORN_TOKEN_URL)"]
    return []


def region_base_url(region: str) -> str:
    """``"NA"``/``"EU"``/``"FE"`` (any case) to the regional SP-API host."""
    try:
        return REGION_HOSTS[region.upper()]
    except KeyError:
        raise ValueError(f"unknown SP-API region {region!r}; expected one of {', '.join(REGION_HOSTS)}") from None
