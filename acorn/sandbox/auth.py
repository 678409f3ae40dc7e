"""Login with Amazon, as far as the sandbox needs it: the refresh-token grant and access tokens.

``POST /auth/o2/token`` (form-encoded, or JSON for lenient clients) with
``grant_type=refresh_token``, ``refresh_token``, ``client_id``, ``client_secret``. Unknown client
or wrong secret → 401 ``invalid_client``; a refresh token not issued to that client → 400
``invalid_grant``; other grant types → 400 ``unsupported_grant_type``; missing fields → 400
``invalid_request``.

The sandbox may accept several credentials (``SandboxConfig.more_credentials``): each refresh
token is one selling partner's authorisation of one application, and the access token it buys
remembers whose it is (a :class:`Principal`), because Amazon's usage plans count per selling
partner and application.

An access token lives ``lifetime`` (3600) *real* seconds, whatever the simulated clock does:
clients cache tokens by their own clock, so a token must not expire because an operator moved
simulated time a day ahead (python-amazon-sp-api, which caches tokens for 3200 s and never
refreshes on a 403, would otherwise fail seconds after logging in). Tests that need an expired
token ask for one (``expire_all``, ``POST /_sandbox/tokens/expire``).
Secrets are compared in constant time and never logged or echoed.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr

TOKEN_LIFETIME = 3600
PRIMARY_SELLING_PARTNER = "primary"
_FORGET_AFTER = 86400.0  # an access token this long expired is forgotten (then it reads as invalid)


class SandboxCredential(BaseModel):
    """One set of LWA credentials the sandbox accepts: an application (client id and secret) and
    one selling partner's refresh token for it. Credentials naming the same ``selling_partner_id``
    are one selling partner (e.g. one vendor that authorised two applications); without it, each
    credential is a selling partner of its own. ``"primary"`` is the partner of the config's own
    ``client_id`` / ``refresh_token``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr
    selling_partner_id: str | None = None


@dataclass(frozen=True)
class Principal:
    """Whose access token this is: a selling partner, through an application (usage plans count per pair)."""

    selling_partner: str
    client_id: str


class TokenRefused(Exception):
    """The access token may not call SP-API; ``details`` is the 403's ``details`` text."""

    def __init__(self, details: str) -> None:
        super().__init__(details)
        self.details = details


@dataclass
class _Issued:
    principal: Principal
    expires: float  # wall-clock (monotonic) seconds


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class TokenIssuer:
    """Grants access tokens for the configured credentials and checks them on every SP-API call."""

    def __init__(self, credentials: Sequence[SandboxCredential], *, lifetime: int = TOKEN_LIFETIME,
                 wall: Callable[[], float] = time.monotonic) -> None:
        if not credentials:
            raise ValueError("the sandbox needs at least one credential")
        self._credentials = list(credentials)
        self._partners = [c.selling_partner_id or (PRIMARY_SELLING_PARTNER if i == 0 else f"partner-{i}")
                          for i, c in enumerate(self._credentials)]
        self.lifetime = lifetime
        self._wall = wall
        self._issued: dict[str, _Issued] = {}

    def __repr__(self) -> str:
        return f"TokenIssuer(client_ids={sorted({c.client_id for c in self._credentials})!r}, " \
               f"tokens={len(self._issued)})"

    def grant(self, form: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, LWA JSON body) for one token request."""
        missing = [k for k in ("grant_type", "client_id", "client_secret") if not form.get(k)]
        if missing:
            return 400, {"error": "invalid_request",
                         "error_description": f"The request is missing a required parameter : {missing[0]}"}
        # every credential is compared (no early exit), so timing says nothing about which one nearly matched
        apps = [_same(form["client_id"], c.client_id) & _same(form["client_secret"], c.client_secret.get_secret_value())
                for c in self._credentials]
        if not any(apps):
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}
        if form["grant_type"] != "refresh_token":
            return 400, {"error": "unsupported_grant_type",
                         "error_description": "The authorization grant type is not supported by the authorization "
                                              "server"}
        if not form.get("refresh_token"):
            return 400, {"error": "invalid_request",
                         "error_description": "The request is missing a required parameter : refresh_token"}
        matches = [i for i, c in enumerate(self._credentials)
                   if _same(form["client_id"], c.client_id)
                   & _same(form["refresh_token"], c.refresh_token.get_secret_value())]
        if not matches:  # unknown, or issued to another application
            return 400, {"error": "invalid_grant",
                         "error_description": "The request has an invalid grant parameter : refresh_token"}
        index = matches[0]
        now = self._wall()
        self._forget_long_expired(now)
        token = "Atza|" + secrets.token_urlsafe(48)
        self._issued[token] = _Issued(Principal(self._partners[index], self._credentials[index].client_id),
                                      now + self.lifetime)
        return 200, {"access_token": token, "refresh_token": form["refresh_token"], "token_type": "bearer",
                     "expires_in": self.lifetime}

    def verify(self, token: str | None) -> Principal:
        """Whose ``token`` is; :class:`TokenRefused` (missing, unknown or expired) when it may not call SP-API."""
        if not token:
            raise TokenRefused("Access token is missing in the request header.")
        issued = self._issued.get(token)
        if issued is None:
            raise TokenRefused("The access token you provided is revoked, malformed or invalid.")
        if self._wall() >= issued.expires:
            raise TokenRefused("The access token you provided has expired.")
        return issued.principal

    def expire_all(self) -> int:
        """Expire every live access token now (the 403 then says "expired"); how many were live."""
        now = self._wall()
        live = [issued for issued in self._issued.values() if issued.expires > now]
        for issued in live:
            issued.expires = now
        return len(live)

    def _forget_long_expired(self, now: float) -> None:
        if len(self._issued) > 1024:
            for token in [t for t, i in self._issued.items() if i.expires + _FORGET_AFTER <= now]:
                del self._issued[token]
