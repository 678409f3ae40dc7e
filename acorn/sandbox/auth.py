"""Login with Amazon, as far as the sandbox needs it: the refresh-token grant and access tokens.

``POST /auth/o2/token`` (form-encoded, or JSON for lenient clients) with
``grant_type=refresh_token``, ``refresh_token``, ``client_id``, ``client_secret``. Wrong client
→ 401 ``invalid_client``; wrong refresh token → 400 ``invalid_grant``; other grant types → 400
``unsupported_grant_type``; missing fields → 400 ``invalid_request``.

An access token lives 3600 s, counted on *both* clocks: real seconds, and simulated seconds
of the sandbox clock — after ``advance_seconds: 86400`` yesterday's token is expired, as it
would be in production a day later. Clients must refresh on the 403.
Secrets are compared in constant time and never logged or echoed.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import SecretStr

TOKEN_LIFETIME = 3600


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class TokenIssuer:
    def __init__(self, *, client_id: str, client_secret: SecretStr, refresh_token: SecretStr) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._issued: dict[str, tuple[float, datetime]] = {}

    def __repr__(self) -> str:
        return f"TokenIssuer(client_id={self._client_id!r}, tokens={len(self._issued)})"

    def grant(self, form: Mapping[str, str], *, sim_now: datetime) -> tuple[int, dict[str, Any]]:
        """(HTTP status, LWA JSON body) for one token request."""
        missing = [k for k in ("grant_type", "client_id", "client_secret") if not form.get(k)]
        if missing:
            return 400, {"error": "invalid_request",
                         "error_description": f"The request is missing a required parameter : {missing[0]}"}
        if not (_same(form["client_id"], self._client_id)
                and _same(form["client_secret"], self._client_secret.get_secret_value())):
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}
        if form["grant_type"] != "refresh_token":
            return 400, {"error": "unsupported_grant_type",
                         "error_description": "The authorization grant type is not supported by the authorization "
                                              "server"}
        if not form.get("refresh_token"):
            return 400, {"error": "invalid_request",
                         "error_description": "The request is missing a required parameter : refresh_token"}
        if not _same(form["refresh_token"], self._refresh_token.get_secret_value()):
            return 400, {"error": "invalid_grant",
                         "error_description": "The request has an invalid grant parameter : refresh_token"}
        token = "Atza|" + secrets.token_urlsafe(48)
        self._issued[token] = (time.monotonic(), sim_now)
        return 200, {"access_token": token, "refresh_token": form["refresh_token"], "token_type": "bearer",
                     "expires_in": TOKEN_LIFETIME}

    def problem(self, token: str | None, *, sim_now: datetime) -> str | None:
        """Why ``token`` may not call SP-API (the 403 ``details``), or ``None`` when it may."""
        if not token:
            return "Access token is missing in the request header."
        issued = self._issued.get(token)
        if issued is None:
            return "The access token you provided is revoked, malformed or invalid."
        wall, sim = issued
        if time.monotonic() - wall >= TOKEN_LIFETIME or (sim_now - sim).total_seconds() >= TOKEN_LIFETIME:
            return "The access token you provided has expired."
        return None

    def revoke_all(self) -> None:
        self._issued.clear()
