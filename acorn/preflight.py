"""Checks a command makes before it starts work that would otherwise fail slowly.

Offline, a run would spend minutes in the client's and the tasks' retries before failing;
one request per SP-API host first turns that into an answer within seconds that names the
host (acorn/cli_errors.py words it).
"""

from __future__ import annotations

import httpx

#: long enough for a slow link, short enough that an operator is not left waiting
PROBE_TIMEOUT_SECONDS = 5.0


def require_spapi_hosts_answer(base_urls: list[str], *, timeout: float = PROBE_TIMEOUT_SECONDS) -> None:
    """Raise ``httpx.TransportError`` (carrying the URL) unless every host answers; any HTTP status will do.

    No credentials are sent: the probe is a bare GET of the host's root.
    """
    for base_url in base_urls:
        with httpx.Client(timeout=timeout) as http:
            http.get(base_url.rstrip("/") + "/")
