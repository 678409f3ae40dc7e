"""Which SP-API host each vendor account talks to, and with which LWA credentials.

An endpoint is ``sandbox`` (the built-in sandbox: ``acorn sandbox serve`` on its default
loopback port), ``amazon`` (the account's region host) or an http(s) URL. An account's own
``endpoint`` wins, else the global ``spapi_base_url`` (default ``sandbox``: without
configuration Acorn never talks to Amazon). An account's ``lwa`` table overrides the global
``lwa_*`` settings field by field, so one SP-API app can serve several accounts, each with
its own refresh token. A secret is a value, the name of an environment variable, or the name
of a Prefect Secret block; blocks are read only when a client is built
(:meth:`AccountRoute.credentials`) or by ``acorn config check``.

Where the secrets then go (the token URL) is decided by ``acorn.spapi._credentials``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import SecretStr

from acorn.sandbox_defaults import DEFAULT_CREDENTIALS as SANDBOX_CREDENTIALS
from acorn.sandbox_defaults import SANDBOX_BASE_URL  # the URL the ``sandbox`` endpoint means
from acorn.spapi._credentials import (
    REGION_HOSTS,
    LwaCredentials,
    is_loopback_host,
    token_endpoint_for,
    validate_endpoint_url,
)

if TYPE_CHECKING:
    from acorn.config import AcornSettings, LwaSettings, VendorAccountSettings

ENDPOINT_KEYWORDS = ("sandbox", "amazon")


class CredentialsError(ValueError):
    """Credentials that cannot be used for a route; the message names the account and the setting."""


def check_endpoint(value: str) -> str:
    """``sandbox``, ``amazon`` or an http(s) URL allowed to carry access tokens (else ``ValueError``)."""
    word = value.strip()
    if word.lower() in ENDPOINT_KEYWORDS:
        return word.lower()
    return validate_endpoint_url(word, setting="base_url")


def endpoint_url(endpoint: str, region: str | None) -> str:
    """The base URL an endpoint setting means for an account in ``region``."""
    if endpoint == "sandbox":
        return SANDBOX_BASE_URL
    if endpoint == "amazon":
        if region not in REGION_HOSTS:
            raise CredentialsError(f"endpoint 'amazon' needs a region ({', '.join(REGION_HOSTS)}), got {region!r}")
        return REGION_HOSTS[region]
    return endpoint


@dataclass(frozen=True)
class SecretSource:
    """Where one secret comes from: ``setting`` is the setting that names it (for messages)."""

    setting: str
    kind: Literal["value", "env", "block"]
    ref: str | None = None
    given: SecretStr | None = None

    def describe(self) -> str:
        if self.kind == "env":
            return f"environment variable {self.ref}"
        if self.kind == "block":
            return f"Prefect Secret block {self.ref!r}"
        return f"setting {self.setting}"

    def known_value(self) -> str | None:
        """The secret if it can be read without the network (a value or an env variable), else None."""
        if self.kind == "env":
            return os.environ.get(self.ref or "", "")
        if self.kind == "value":
            return self.given.get_secret_value() if self.given else ""
        return None

    def value(self) -> SecretStr:
        known = self.known_value()
        if known is not None:
            return SecretStr(known)
        from prefect.blocks.system import Secret  # only when a block is named

        return SecretStr(str(Secret.load(self.ref).get()))

    def identity(self) -> tuple[str, str]:
        """Tells sources apart without keeping the secret itself (a digest of a value)."""
        known = self.known_value() if self.kind != "block" else None
        return (self.kind, self.ref or hashlib.sha256((known or "").encode()).hexdigest())


@dataclass(frozen=True)
class AccountRoute:
    """One account's SP-API host, token URL and credential sources."""

    account: str
    endpoint_setting: str
    base_url: str
    token_url: str
    client_id: str
    client_id_setting: str
    client_secret: SecretSource
    refresh_token: SecretSource

    @property
    def is_sandbox(self) -> bool:
        return is_loopback_host(self.base_url)

    def key(self) -> tuple[object, ...]:
        """Accounts with equal keys share one client (one token cache, one set of rate buckets)."""
        return (self.base_url, self.token_url, self.client_id, self.client_secret.identity(),
                self.refresh_token.identity())

    def blocks(self) -> list[SecretSource]:
        return [s for s in (self.client_secret, self.refresh_token) if s.kind == "block"]

    def problems(self, *, resolve_blocks: bool = False) -> list[str]:
        """Why these credentials must not be used; Secret blocks are read only with ``resolve_blocks``."""
        found = [f"account {self.account}: {s.setting} names {s.describe()}, which is not set or empty"
                 for s in (self.client_secret, self.refresh_token) if s.kind == "env" and not s.known_value()]
        if self.is_sandbox:
            return found
        checks = [(self.client_id_setting, "client id", self.client_id, SANDBOX_CREDENTIALS["client_id"])]
        for source, what, default in ((self.client_secret, "client secret", SANDBOX_CREDENTIALS["client_secret"]),
                                      (self.refresh_token, "refresh token", SANDBOX_CREDENTIALS["refresh_token"])):
            value = source.value().get_secret_value() if resolve_blocks else source.known_value()
            if value is not None and (source.kind != "env" or value):  # an unset env variable is reported above
                checks.append((source.setting if source.kind == "value" else source.describe(), what, value, default))
        bad = [f"{what} ({setting}) is {'empty' if not value.strip() else 'the sandbox default'}"
               for setting, what, value, default in checks if not value.strip() or value == default]
        if bad:
            found.append(f"account {self.account} talks to the real host {self.base_url} (set by "
                         f"{self.endpoint_setting}), but its LWA {', '.join(bad)}: give your SP-API app's "
                         "credentials there, or set the account's endpoint to \"sandbox\"")
        return found

    def credentials(self) -> LwaCredentials:
        """The resolved credentials (reads Secret blocks); refuses sandbox or empty ones on a real host."""
        problems = self.problems(resolve_blocks=True)
        if problems:
            raise CredentialsError("; ".join(problems))
        return LwaCredentials(client_id=self.client_id, client_secret=self.client_secret.value(),
                              refresh_token=self.refresh_token.value())


def _global_source(name: str, value: SecretStr, block: str | None) -> SecretSource:
    if block:
        return SecretSource(f"lwa_{name}_block (env ACORN_LWA_{name.upper()}_BLOCK)", "block", block)
    return SecretSource(f"lwa_{name} (env ACORN_LWA_{name.upper()})", "value", given=value)


def _account_source(prefix: str, name: str, lwa: LwaSettings | None) -> SecretSource | None:
    if lwa is None:
        return None
    for kind in ("block", "env"):
        ref = getattr(lwa, f"{name}_{kind}")
        if ref:
            return SecretSource(f"{prefix}.lwa.{name}_{kind}", kind, ref)  # type: ignore[arg-type]
    given = getattr(lwa, name)
    return SecretSource(f"{prefix}.lwa.{name}", "value", given=given) if given is not None else None


def route_for(settings: AcornSettings, account: VendorAccountSettings, index: int) -> AccountRoute:
    """``account`` (the ``index``-th of ``settings.accounts``) with the global settings as the fallback."""
    s, a, prefix = settings, account, f"accounts[{index}]"
    endpoint, endpoint_setting = ((a.endpoint, f"{prefix}.endpoint") if a.endpoint
                                  else (s.spapi_base_url, "spapi_base_url (env ACORN_SPAPI_BASE_URL)"))
    base = endpoint_url(endpoint, a.region)
    lwa = a.lwa
    client_id, client_id_setting = ((lwa.client_id, f"{prefix}.lwa.client_id") if lwa and lwa.client_id
                                    else (s.lwa_client_id, "lwa_client_id (env ACORN_LWA_CLIENT_ID)"))
    secret = (_account_source(prefix, "client_secret", lwa)
              or _global_source("client_secret", s.lwa_client_secret, s.lwa_client_secret_block))
    refresh = (_account_source(prefix, "refresh_token", lwa)
               or _global_source("refresh_token", s.lwa_refresh_token, s.lwa_refresh_token_block))
    return AccountRoute(account=a.code, endpoint_setting=endpoint_setting, base_url=base,
                        token_url=token_endpoint_for(base, s.token_url), client_id=client_id,
                        client_id_setting=client_id_setting, client_secret=secret, refresh_token=refresh)
