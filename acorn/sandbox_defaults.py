"""What the built-in sandbox accepts and where it listens unless told otherwise.

Outside :mod:`acorn.sandbox` so the settings (:mod:`acorn.config`, :mod:`acorn.routes`) can
name the sandbox's defaults without importing the simulator; ``acorn.sandbox`` re-exports
them, so this is their one definition.
"""

from __future__ import annotations

#: the LWA credentials a sandbox accepts by default, and Acorn's default ``lwa_*`` settings
DEFAULT_CREDENTIALS: dict[str, str] = {
    "client_id": "acorn-sandbox-client",
    "client_secret": "acorn-sandbox-secret",
    "refresh_token": "Atzr|acorn-sandbox-refresh",
}

#: The one default seed: the demo ERP exports in acorn/demo_data/ list this seed's catalogue, so a
#: sandbox on any other seed rejects every order line InvalidProductIdentifier against them.
DEMO_SEED = 0

#: where `acorn sandbox serve` listens by default (its --host and --port), and so the URL the
#: ``sandbox`` endpoint setting means
SANDBOX_HOST = "127.0.0.1"
SANDBOX_PORT = 8000
SANDBOX_BASE_URL = f"http://{SANDBOX_HOST}:{SANDBOX_PORT}"
