"""How one sandbox run behaves: seed, volumes, warehouse losses, rate scale, credentials."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr, field_validator

from acorn.sandbox.auth import SandboxCredential
from acorn.sandbox.clock import parse_clock_mode
from acorn.sandbox.transactions import ProcessingTimes
from acorn.sandbox_defaults import DEFAULT_CREDENTIALS, DEMO_SEED  # defined there for the settings

__all__ = ["DEFAULT_CREDENTIALS", "DEMO_SEED", "SandboxConfig"]


class SandboxConfig(BaseModel):
    """Everything with a default; the secrets are ``SecretStr`` so a repr or log never shows them.

    ``pos_per_day``: orders per vendor account per simulated day. ``history_days``: days of
    orders that already exist before the start clock. ``processing_polls``: getTransaction
    reads that still answer ``Processing``. ``payment_basis``: invoices are due ``netDueDays``
    after the invoice date (``"invoice"``) or after their goods were last received
    (``"receipt"``). ``shortage_reversal_rate``: chance that Amazon later finds some of the units
    it deducted as short on an invoice line; the credit comes ``reversal_days`` after the payment.

    ``clock``: how simulated time moves: ``"manual"`` (only when an operator moves it),
    ``"realtime"`` (with the wall clock) or ``"speed=N"`` (N simulated seconds per real second);
    operators can jump it forward in every mode. ``clock_start``: where simulated time begins
    (``None``: ``start_of(seed)``). ``access_token_lifetime_seconds`` /
    ``next_token_lifetime_seconds``: how long an LWA access token / a ``nextToken`` lives, in
    real seconds whatever the simulated clock does. ``more_credentials``: further
    ``SandboxCredential``s the sandbox accepts besides ``client_id`` / ``client_secret`` /
    ``refresh_token`` (each a selling partner's authorisation of an application); usage plans
    count per selling partner, application and operation.

    ``processing``: how long getTransaction answers ``Processing`` (``transactions.ProcessingTimes``,
    or a preset name): ``"instant"`` (default: only the first ``processing_polls`` reads),
    ``"realistic"`` (seconds to minutes, a long tail capped at 15 minutes, ~1% of applied documents
    for 1-6 hours; done when the time has passed on the wall clock or the simulated clock) or
    ``"documented"`` (``"realistic"``, and applied acknowledgements and invoices never answer
    ``Success``, as Amazon documents).

    Purchase-order lifecycle: ``change_rate``: share of orders Amazon changes 4-30 h after
    placing them, unless the vendor acknowledged first; ``change_after_ack_rate``: share it cuts
    or cancels a line of whatever the vendor did, between the acknowledgement deadline and the
    ship window (never below what was shipped); ``cases_rate``: share ordered in ``Cases`` of the
    case pack; ``ack_deadline_hours``: how long after creation an acknowledgement is on time (the
    ledger's ``late``); ``close_after_window_days``: a generated order is ``Closed`` this long after
    its ship window ends, shipped in full or not (nothing more may be shipped against it).

    Amazon-arranged (collect) freight: ``freight_pickup_lead_business_days``: how many business days
    (of the order's marketplace) after today a routing request's ``requestedPickUp`` must be at least
    (Amazon documents two); ``freight_carrier_assignment_hours``: how long after an accepted routing
    request Amazon assigns the carrier (and creates small-parcel labels), never later than an hour
    before the pickup; ``freight_transit_days``: from the pickup to the delivery at the fulfilment centre.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = DEMO_SEED
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
    # ---- clock, tokens, paging, usage plans (round two) ----
    clock: str = "manual"
    clock_start: AwareDatetime | None = None
    access_token_lifetime_seconds: int = Field(3600, ge=1)
    next_token_lifetime_seconds: float = Field(3600.0, gt=0)
    more_credentials: tuple[SandboxCredential, ...] = ()

    @field_validator("clock")
    @classmethod
    def _known_clock_mode(cls, value: str) -> str:
        return parse_clock_mode(value).name  # canonical: "speed=60.0" is "speed=60"
    # ---- transactions (round two) ----
    processing: ProcessingTimes = ProcessingTimes()  # "instant"; or a preset name: "realistic", "documented"
    # ---- purchase-order lifecycle (round two) ----
    change_rate: float = Field(0.05, ge=0, le=1)
    change_after_ack_rate: float = Field(0.03, ge=0, le=1)
    cases_rate: float = Field(0.2, ge=0, le=1)
    ack_deadline_hours: float = Field(24.0, gt=0, le=24 * 30)
    close_after_window_days: int = Field(30, ge=0, le=365)
    # ---- Amazon-arranged freight (round two) ----
    freight_pickup_lead_business_days: int = Field(2, ge=0, le=30)
    freight_carrier_assignment_hours: float = Field(4.0, ge=0, le=24 * 14)
    freight_transit_days: float = Field(2.0, ge=0, le=60)
