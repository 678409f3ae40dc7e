"""How one sandbox run behaves: seed, volumes, warehouse losses, rate scale, credentials."""

from __future__ import annotations

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
    reads that still answer ``Processing``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 7
    rate_scale: float = Field(1.0, gt=0)
    shortage_rate: float = Field(0.02, ge=0, le=1)
    damage_rate: float = Field(0.01, ge=0, le=1)
    pos_per_day: int = Field(6, ge=0, le=100_000)
    history_days: int = Field(3, ge=0, le=180)
    processing_polls: int = Field(1, ge=0)
    client_id: str = DEFAULT_CREDENTIALS["client_id"]
    client_secret: SecretStr = SecretStr(DEFAULT_CREDENTIALS["client_secret"])
    refresh_token: SecretStr = SecretStr(DEFAULT_CREDENTIALS["refresh_token"])
