"""The composition root: settings, store URL and SP-API client, built once per process.

Flows and tasks ask :func:`current` for what they need instead of building it at import
time; the demo and the tests install their own runtime with :func:`install`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from acorn.config import AcornSettings, VendorAccountSettings, load_settings

_lock = threading.Lock()
_current: Runtime | None = None


@dataclass
class Runtime:
    settings: AcornSettings
    _clients: dict[str, Any] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return self.settings.resolved_database_url

    def account(self, code: str) -> VendorAccountSettings:
        return self.settings.account(code)

    def client(self, account: VendorAccountSettings | None = None) -> Any:
        """One SP-API client per host, so its token cache and rate buckets are shared."""
        from acorn.prefect_limits import shared_rate_limiter
        from acorn.spapi import REGION_HOSTS, LwaCredentials, SpApiClient

        region = account.region if account else self.settings.accounts[0].region
        base_url = self.settings.spapi_base_url or REGION_HOSTS[region]
        with _lock:
            if base_url not in self._clients:
                secret, refresh = self.settings.lwa_secrets()
                creds = LwaCredentials(client_id=self.settings.lwa_client_id, client_secret=secret,
                                       refresh_token=refresh)
                # token_url None: {base_url}/auth/o2/token for a loopback base URL (the sandbox), Amazon's LWA
                # endpoint for every other host (acorn.spapi._credentials.token_endpoint_for decides)
                # with a Prefect server, Amazon's rate limits are shared by every run and worker on it
                self._clients[base_url] = SpApiClient(base_url=base_url, credentials=creds,
                                                      token_url=self.settings.token_url,
                                                      rate_limiter=shared_rate_limiter(creds))
            return self._clients[base_url]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def current() -> Runtime:
    global _current
    with _lock:
        if _current is None:
            _current = Runtime(load_settings())
        return _current


def install(runtime: Runtime | None) -> Runtime | None:
    """Replace the process's runtime (demo, tests); returns the previous one."""
    global _current
    with _lock:
        previous, _current = _current, runtime
    return previous
