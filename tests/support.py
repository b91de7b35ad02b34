"""Types and helpers shared by tests (fixtures live in conftest.py)."""

from collections.abc import Awaitable, Callable
from typing import Any

from pim_api.tenancy.service import IssuedKey

TenantFactory = Callable[[], Awaitable[IssuedKey]]
SchemaTenantFactory = Callable[[list[dict[str, Any]]], Awaitable[IssuedKey]]

# A schema with one field of most types, shared by the product tests.
FIELDS: list[dict[str, Any]] = [
    {"name": "brand", "type": "string"},
    {"name": "price", "type": "price"},
    {"name": "published", "type": "boolean"},
    {"name": "tags", "type": "array"},
    {"name": "inventory_count", "type": "number"},
    {"name": "release_date", "type": "date"},
]


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}
