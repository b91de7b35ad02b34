"""HTTP shapes of products, as in the API reference, with the rules the server applies to them.

SKUs and names are stored exactly as given, never trimmed: one line of text (`text_rules`), the
same rule for the typed bodies and for bulk items.
"""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from segops_platform.json_body import RequestBody
from segops_platform.text_rules import NO_NUL_PATTERN, JsonObject, as_line, documented_line

MAX_SKU_LENGTH = 255
MAX_NAME_LENGTH = 1_000
MAX_BULK_ITEMS = 10_000
Sku = Annotated[
    str,
    as_line(MAX_SKU_LENGTH),
    documented_line(MAX_SKU_LENGTH, "The tenant's unique product identifier, stored as given"),
]
Name = Annotated[
    str, as_line(MAX_NAME_LENGTH), documented_line(MAX_NAME_LENGTH, "The product's name, stored as given")
]
Data = Annotated[
    JsonObject,
    Field(
        description="Values of the tenant's schema fields, normalised to their type "
        '(`"€1.299,00"` → `"1299.00"`, `"yes"` → `true`, `"a|b"` → `["a", "b"]`); other keys kept as given'
    ),
]
_PRODUCT_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "sku": "SHOE-001",
    "name": "Air Max 90",
    "data": {"brand": "Nike", "price": "129.99", "tags": ["running", "casual"]},
    "source": "api",
    "ai_readability_score": None,
    "created_at": "2026-05-03T10:00:00Z",
    "updated_at": "2026-05-03T10:00:00Z",
}


class ProductCreate(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sku": "SHOE-002", "name": "Stan Smith", "data": {"brand": "Adidas"}}]
        },
    )

    sku: Sku
    name: Name
    data: Data = Field(default_factory=dict)


class ProductPatch(RequestBody):
    """`name` replaces the name; keys given in `data` replace those keys, `null` removes a key, keys
    not given stay."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Updated Name", "data": {"brand": "Adidas", "price": "99.99"}}]
        },
    )

    name: Name | None = None
    data: Data = Field(default_factory=dict)


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_PRODUCT_EXAMPLE]})

    id: int
    sku: str
    name: str
    data: Data
    source: str = Field(description="Where the product was last written from: `api` or `csv`")
    ai_readability_score: float | None
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    count: int = Field(description="How many products match, exactly")
    next: str | None = Field(description="The next page's URL (relative, with the same filters)")
    previous: str | None = Field(description="The previous page's URL (relative, with the same filters)")
    results: list[ProductOut]


class BulkItem(BaseModel):
    """One product to create or update by SKU. Fields beyond `sku` and `name` are its data."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"propertyNames": {"pattern": NO_NUL_PATTERN}})

    sku: Sku
    name: Name | None = Field(
        default=None, description="Required for a new SKU; absent or null keeps a stored product's name"
    )


class BulkUpsert(BaseModel):
    """Up to 10,000 products (more: 413), all written or none; every bad item is named by index."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "products": [
                        {"sku": "SHOE-001", "name": "Air Max 90", "brand": "Nike", "price": "129.99"},
                        {"sku": "SHOE-002", "name": "Stan Smith", "brand": "Adidas", "price": "89.99"},
                    ]
                }
            ]
        },
    )

    products: list[BulkItem] = Field(max_length=MAX_BULK_ITEMS)


class BulkBody(BaseModel):
    """What `BulkUpsert` documents, parsed as plain objects: the service checks each item by index
    (a model per item would cost ~45 ms per 10,000, measured)."""

    model_config = ConfigDict(extra="forbid")

    products: list[dict[str, Any]]


class BulkResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"created": 1, "updated": 1}]})

    created: int
    updated: int
