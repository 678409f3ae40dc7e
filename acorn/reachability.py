"""Is each SP-API host there before a run starts? One request each, without credentials.

``acorn run`` asks this before it starts Prefect: a sandbox that is not running (connection
refused) or a host that cannot be reached is one paragraph at once, not minutes of retries.
Only a connection that cannot be opened counts; any HTTP answer (even 403 or 500) means the
host is there. Mid-run faults stay with the client's and the tasks' retries.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from acorn.config import AcornSettings, VendorAccountSettings

PROBE_TIMEOUT_SECONDS = 5


def unreachable(settings: AcornSettings, accounts: Iterable[VendorAccountSettings]) -> list[str]:
    """One paragraph per SP-API host of ``accounts`` that does not answer (empty: all answer)."""
    by_host: dict[str, list] = {}
    for account in accounts:
        route = settings.route(account)
        by_host.setdefault(route.base_url, []).append(route)
    return [p for base, routes in by_host.items() if (p := _probe(base, routes))]


def _probe(base_url: str, routes: list) -> str | None:
    try:  # trust_env as the client does: a proxy in HTTPS_PROXY is used here too
        httpx.get(base_url, timeout=PROBE_TIMEOUT_SECONDS, follow_redirects=False)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
        return _paragraph(base_url, routes, str(exc) or type(exc).__name__)
    except httpx.HTTPError:
        return None  # connected; what it answered is the run's business
    return None


def _serve_command(base_url: str) -> str:
    from urllib.parse import urlsplit

    from acorn.routes import SANDBOX_BASE_URL

    if base_url.rstrip("/") == SANDBOX_BASE_URL:
        return "acorn sandbox serve"
    parts = urlsplit(base_url)
    return f"acorn sandbox serve --host {parts.hostname} --port {parts.port or 80}"


def _paragraph(base_url: str, routes: list, reason: str) -> str:
    codes = ", ".join(r.account for r in routes)
    settings = ", ".join(dict.fromkeys(r.endpoint_setting for r in routes))
    if routes[0].is_sandbox:
        return (f"Cannot reach the SP-API host {base_url} for {codes} ({reason}). It is on this machine (set by "
                f"{settings}), where the built-in sandbox runs, and nothing listens there: start it in another "
                f"terminal with `{_serve_command(base_url)}`, then run again; or point the accounts at another "
                "endpoint. Nothing was sent.")
    return (f"Cannot reach the SP-API host {base_url} for {codes} ({reason}; set by {settings}). Check the "
            f"network, DNS, the proxy (HTTPS_PROXY) or the firewall, then run again. Nothing was sent.")
