"""``nextToken`` values as Amazon hands them out: opaque, tied to one operation, and short-lived.

A token is a random string; what it stands for (the resolved query and the cursor of the last
item returned) stays in the sandbox. Clients cannot read or forge one, a token of one operation
is refused by another, and a token expires ``lifetime`` wall-clock seconds after it was issued,
whatever the simulated clock does: clients measure that by their own clock, as with access tokens.

Amazon does not publish how long a ``nextToken`` lives; the default (one hour) is the sandbox's choice.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from acorn.sandbox.errors import InvalidRequest

DEFAULT_LIFETIME = 3600.0


@dataclass(frozen=True)
class _Issued:
    operation: str
    state: Any
    expires: float


class PageTokens:
    """Issues and redeems ``nextToken`` values for every paged operation of one sandbox."""

    def __init__(self, lifetime: float = DEFAULT_LIFETIME, *, wall: Callable[[], float] = time.monotonic) -> None:
        self.lifetime = lifetime
        self._wall = wall
        self._issued: dict[str, _Issued] = {}
        self._lock = threading.Lock()

    def issue(self, operation: str, state: Any) -> str:
        """A new token standing for ``state`` (whatever the operation needs to resume)."""
        token = secrets.token_urlsafe(32)
        now = self._wall()
        with self._lock:
            self._forget_expired(now)
            self._issued[token] = _Issued(operation, state, now + self.lifetime)
        return token

    def redeem(self, operation: str, token: str) -> Any:
        """What ``token`` stands for; a 400 ``InvalidInput`` naming ``nextToken`` when unknown, expired or
        issued by another operation. A token may be redeemed again until it expires (a retried page)."""
        with self._lock:
            issued = self._issued.get(token)
        if issued is None or issued.expires <= self._wall():
            raise InvalidRequest("nextToken is invalid or expired", details="nextToken")
        if issued.operation != operation:
            raise InvalidRequest(f"nextToken was issued by {issued.operation}, not {operation}", details="nextToken")
        return issued.state

    def expire_all(self) -> int:
        """Expire every token now (operator/test hook); how many were still live."""
        now = self._wall()
        with self._lock:
            live = sum(1 for issued in self._issued.values() if issued.expires > now)
            self._issued.clear()
        return live

    def _forget_expired(self, now: float) -> None:
        if len(self._issued) > 1024:
            for token in [t for t, i in self._issued.items() if i.expires <= now]:
                del self._issued[token]
