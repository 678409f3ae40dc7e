"""Where the client talks to, and with which Login-with-Amazon credentials.

Amazon: one host per region (``REGION_HOSTS``) and one LWA token endpoint (``TOKEN_URL``).
The sandbox: any base URL; its token endpoint is ``{base_url}/auth/o2/token``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr

REGION_HOSTS: dict[str, str] = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}

TOKEN_URL = "https://api.amazon.com/auth/o2/token"

SANDBOX_TOKEN_PATH = "/auth/o2/token"


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


def is_amazon_host(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    return host.endswith(".amazon.com") or host == "amazon.com"


def default_token_url(base_url: str) -> str:
    """Amazon's LWA endpoint for Amazon hosts, ``{base_url}/auth/o2/token`` for anything else."""
    if is_amazon_host(base_url):
        return TOKEN_URL
    return base_url.rstrip("/") + SANDBOX_TOKEN_PATH


def region_base_url(region: str) -> str:
    """``"NA"``/``"EU"``/``"FE"`` (any case) to the regional SP-API host."""
    try:
        return REGION_HOSTS[region.upper()]
    except KeyError:
        raise ValueError(f"unknown SP-API region {region!r}; expected one of {', '.join(REGION_HOSTS)}") from None
