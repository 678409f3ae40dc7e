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
"""

from __future__ import annotations

from ._client import SpApiClient
from ._credentials import REGION_HOSTS, TOKEN_URL, LwaCredentials, default_token_url, region_base_url
from ._exceptions import (AuthError, ClientRequestError, HostUnreachable, InvalidSubmission, NetworkError,
                          ResponseFormatError, ServerError, SpApiError, SpApiHttpError, SubmissionOutcomeUnknown,
                          ThrottledError, TransactionTimeout)
from ._ratelimit import RateLimit, RateLimiter, TokenBucket, TokenBucketLimiter, published_rate_limits
from ._retry import Backoff, RetryPolicy
from ._stats import ClientStats, OperationStats

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
    "OperationStats",
    "RateLimit",
    "RateLimiter",
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
    "published_rate_limits",
    "region_base_url",
]
