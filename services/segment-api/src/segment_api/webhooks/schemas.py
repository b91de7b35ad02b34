"""HTTP shapes of webhooks and their deliveries."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from segment_api.webhooks.targets import MAX_URL_LENGTH
from segops_platform.json_body import RequestBody
from segops_platform.text_rules import Text

MAX_WEBHOOKS_PER_SEGMENT = 10
SIGNATURE_HELP = (
    "Each POST carries `X-SegOps-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact body bytes "
    "with this secret; compare it in constant time before trusting the body"
)


class WebhookCreate(RequestBody):
    model_config = ConfigDict(json_schema_extra={"examples": [{"url": "https://hooks.example.com/segops"}]})

    url: Text = Field(
        max_length=MAX_URL_LENGTH,
        description="An https URL whose host resolves to public addresses only (the operator may allow "
        "loopback or private receivers; plain http only for loopback)",
    )


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    segment_id: int
    url: str
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description=f"Shown only here, once. {SIGNATURE_HELP}")


class WebhookList(RootModel[list[WebhookOut]]):
    """The segment's webhooks, in id order (their secrets are never shown again)."""


class Attempt(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt: int
    attempted_at: datetime
    status_code: int | None = Field(description="The receiver's answer; null when there was none")
    error: str = Field(description="Why there was no answer (refused target, timeout, connection); or empty")
    duration_ms: int


class Delivery(BaseModel):
    id: int = Field(description="Also sent as `X-SegOps-Delivery`: the same id means the same event")
    event: Literal["run", "live"]
    status: Literal["pending", "delivered", "failed"] = Field(
        description="failed: given up after the retry window; later deliveries went on"
    )
    attempts: int
    next_attempt_at: datetime | None = Field(description="When it is tried next (pending only)")
    created_at: datetime
    finished_at: datetime | None
    body: str = Field(description="The JSON body as sent and signed")
    recent_attempts: list[Attempt] = Field(description="The last 10 attempts, newest first")


class DeliveryList(BaseModel):
    results: list[Delivery] = Field(description="The webhook's last 50 deliveries, newest first")
