"""How one sandbox run behaves: seed, volumes, warehouse losses, rate scale, credentials."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEFAULT_CREDENTIALS: dict[str, str] = {
    "client_id": "acorn-sandbox-client",
    "client_secret": "acorn-sandbox-secret",
    "refresh_token": "Atzr|acorn-sandbox-refresh",
}


class SandboxConfig(BaseModel):
    """Everything with a default; the secrets are ``SecretStr`` so a repr or log never shows them.

    ``pos_per_day``: orders per vendor account per simulated day. ``history_days``: days of
    orders that already exist before the start clock. ``processing_polls``: getTransaction
    reads that still answer ``Processing``. ``payment_basis``: invoices are due ``netDueDays``
    after the invoice date (``"invoice"``) or after their goods were last received
    (``"receipt"``). ``shortage_reversal_rate``: chance that Amazon later finds some of the units
    it deducted as short on an invoice line; the credit comes ``reversal_days`` after the payment.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 7
    rate_scale: float = Field(1.0, gt=0)
    shortage_rate: float = Field(0.02, ge=0, le=1)
    damage_rate: float = Field(0.01, ge=0, le=1)
    pos_per_day: int = Field(6, ge=0, le=100_000)
    history_days: int = Field(3, ge=0, le=180)
    processing_polls: int = Field(1, ge=0)
    payment_basis: Literal["invoice", "receipt"] = "invoice"
    shortage_reversal_rate: float = Field(0.3, ge=0, le=1)
    reversal_days: int = Field(21, ge=1, le=365)
    client_id: str = DEFAULT_CREDENTIALS["client_id"]
    client_secret: SecretStr = SecretStr(DEFAULT_CREDENTIALS["client_secret"])
    refresh_token: SecretStr = SecretStr(DEFAULT_CREDENTIALS["refresh_token"])
