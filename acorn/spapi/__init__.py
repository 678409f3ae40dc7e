"""Acorn's client for Amazon's Retail Procurement (Vendor) SP-API, on httpx.

```python
from acorn.spapi import SpApiClient, LwaCredentials, REGION_HOSTS

creds = LwaCredentials(client_id="amzn1.application-oa2-client....",
                       client_secret=SecretStr(...), refresh_token=SecretStr("Atzr|..."))
with SpApiClient(REGION_HOSTS["NA"], credentials=creds) as client:
    for order in client.list_purchase_orders(created_after=start, created_before=end):
        ...
```

Point ``base_url`` at the sandbox (``SandboxServer.base_url``) to run everything locally;
the token endpoint then defaults to ``{base_url}/auth/o2/token``. See README.md here.

Importing the package is light: the client, its exceptions and limiters (httpx, jsonschema,
the wire schemas) load on first use of their names, so the settings, which check endpoints
with ``_credentials``, and `acorn status` do not load them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# light (pydantic, standard library): the settings validate endpoints with these
from ._credentials import REGION_HOSTS, TOKEN_URL, LwaCredentials, default_token_url, region_base_url
from ._stats import ClientStats, OperationStats

if TYPE_CHECKING:
    from ._client import SpApiClient
    from ._exceptions import (
        AuthError,
        ClientRequestError,
        HostUnreachable,
        InvalidSubmission,
        NetworkError,
        ReportNotDone,
        ResponseFormatError,
        ServerError,
        SpApiError,
        SpApiHttpError,
        SubmissionOutcomeUnknown,
        ThrottledError,
        TransactionTimeout,
    )
    from ._operations import Operation, operation, operations
    from ._ratelimit import RateLimit, RateLimiter, TokenBucket, TokenBucketLimiter, published_rate_limits
    from ._retry import Backoff, RetryPolicy

__all__ = [
    "REGION_HOSTS",
    "TOKEN_URL",
    "AuthError",
    "Backoff",
    "ClientRequestError",
    "ClientStats",
    "HostUnreachable",
    "InvalidSubmission",
    "LwaCredentials",
    "NetworkError",
    "Operation",
    "OperationStats",
    "RateLimit",
    "RateLimiter",
    "ReportNotDone",
    "ResponseFormatError",
    "RetryPolicy",
    "ServerError",
    "SpApiClient",
    "SpApiError",
    "SpApiHttpError",
    "SubmissionOutcomeUnknown",
    "ThrottledError",
    "TokenBucket",
    "TokenBucketLimiter",
    "TransactionTimeout",
    "default_token_url",
    "operation",
    "operations",
    "published_rate_limits",
    "region_base_url",
]

#: loaded on first use (httpx, jsonschema, the wire schemas), so reading the settings, which
#: imports ``_credentials``, does not load the client
_LAZY = {
    **dict.fromkeys(("SpApiClient",), "._client"),
    **dict.fromkeys(("AuthError", "ClientRequestError", "HostUnreachable", "InvalidSubmission", "NetworkError",
                     "ReportNotDone", "ResponseFormatError", "ServerError", "SpApiError", "SpApiHttpError",
                     "SubmissionOutcomeUnknown", "ThrottledError", "TransactionTimeout"), "._exceptions"),
    **dict.fromkeys(("RateLimit", "RateLimiter", "TokenBucket", "TokenBucketLimiter", "published_rate_limits"),
                    "._ratelimit"),
    **dict.fromkeys(("Backoff", "RetryPolicy"), "._retry"),
    **dict.fromkeys(("Operation", "operation", "operations"), "._operations"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # once: later lookups are plain attribute reads
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
