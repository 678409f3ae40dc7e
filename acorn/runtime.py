"""The composition root: settings, store URL and SP-API client, built once per process.

Flows and tasks ask :func:`current` for what they need instead of building it at import
time; the demo and the tests install their own runtime with :func:`install`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from acorn.config import AcornSettings, VendorAccountSettings, load_settings

if TYPE_CHECKING:
    from acorn.spapi import RetryPolicy
    from acorn.store.uow import UnitOfWork

_lock = threading.Lock()
_current: Runtime | None = None


@dataclass
class Runtime:
    settings: AcornSettings
    #: the SP-API clients' retry budget; None: ``acorn.retry_policy.CLIENT_RETRIES`` (tests pass shorter waits)
    client_retries: RetryPolicy | None = None
    _clients: dict[tuple[object, ...], Any] = field(default_factory=dict)
    _by_account: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the gates keep Data Docs of what they held back under the home folder (cheap: no GX import here)
        from acorn.gates.data_docs import keep_data_docs

        keep_data_docs(self.settings.resolved_data_docs_dir)

    @property
    def database_url(self) -> str:
        return self.settings.resolved_database_url

    def units(self) -> Callable[[], UnitOfWork]:
        """The unit-of-work factory the services take (``acorn.services.ports.Units``), on this store."""
        from acorn.store.uow import units

        return units(self.database_url)

    def account(self, code: str) -> VendorAccountSettings:
        return self.settings.account(code)

    def client(self, account: VendorAccountSettings | None = None) -> Any:
        """One SP-API client per distinct (host, token URL, credentials), so accounts that share them
        share its token cache and rate buckets, and an NA and an EU account each get their own."""
        from acorn.prefect_limits import shared_rate_limiter
        from acorn.retry_policy import CLIENT_RETRIES
        from acorn.spapi import SpApiClient

        account = account or self.settings.accounts[0]
        with _lock:
            if account.code not in self._by_account:
                route = self.settings.route(account)  # acorn.routes: endpoint and credentials, with fallbacks
                if route.key() not in self._clients:
                    credentials = route.credentials()
                    # with a Prefect server, Amazon's rate limits are shared by every run and worker on it
                    self._clients[route.key()] = SpApiClient(base_url=route.base_url, credentials=credentials,
                                                             token_url=route.token_url,
                                                             rate_limiter=shared_rate_limiter(credentials),
                                                             retry_policy=self.client_retries or CLIENT_RETRIES)
                self._by_account[account.code] = self._clients[route.key()]
            return self._by_account[account.code]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        self._by_account.clear()


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
