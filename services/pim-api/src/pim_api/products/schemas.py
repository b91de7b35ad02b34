"""HTTP shapes of products, as in the API reference."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_SKU_LENGTH = 255
MAX_NAME_LENGTH = 1_000
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SKU_LENGTH)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH)]
MAX_BULK_ITEMS = 10_000


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku
    name: Name
    data: dict[str, Any] = Field(default_factory=dict)


class ProductPatch(BaseModel):
    """Keys given in `data` replace those keys, `null` removes a key, keys not given stay."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sku: str
    name: str
    data: dict[str, Any]
    source: str
    ai_readability_score: float | None
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    count: int
    next: str | None
    previous: str | None
    results: list[ProductOut]


class BulkUpsert(BaseModel):
    """Items are validated one by one in the service, so that every bad one is named by index."""

    products: list[dict[str, Any]]


class BulkResult(BaseModel):
    created: int
    updated: int
