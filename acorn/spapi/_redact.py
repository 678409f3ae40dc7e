"""Keep secrets out of logs and exception messages.

The client never formats a header or a request body into a message in the first place;
this is the second line: any text that leaves through a log line or an error message is
scrubbed of every secret the client knows (LWA client secret, refresh token, access
tokens it was issued), in case Amazon or the sandbox echoes one back.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

MASK = "***"

#: The only logger the client writes to.
logger = logging.getLogger("acorn.spapi")


class Redactor:
    """A growing set of secret strings, replaced by ``***`` in any text."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset(s for s in secrets if s)

    def add(self, secret: str) -> None:
        if secret:
            with self._lock:
                self._secrets = self._secrets | {secret}

    def __call__(self, text: str) -> str:
        for secret in self._secrets:  # frozenset swapped atomically: safe to read unlocked
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secrets)"


class RedactingLog:
    """``logger.<level>(fmt, *args)`` for the client, formatted eagerly and scrubbed."""

    def __init__(self, redactor: Redactor, log: logging.Logger = logger) -> None:
        self._redact = redactor
        self._log = log

    def _emit(self, level: int, fmt: str, args: tuple[Any, ...]) -> None:
        if self._log.isEnabledFor(level):
            self._log.log(level, "%s", self._redact(fmt % args if args else fmt), stacklevel=3)

    def debug(self, fmt: str, *args: Any) -> None:
        self._emit(logging.DEBUG, fmt, args)

    def info(self, fmt: str, *args: Any) -> None:
        self._emit(logging.INFO, fmt, args)

    def warning(self, fmt: str, *args: Any) -> None:
        self._emit(logging.WARNING, fmt, args)
