"""Types and helpers shared by tests (fixtures live in conftest.py)."""

import os
import subprocess
import sys
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


def admin(*args: str) -> subprocess.CompletedProcess[str]:
    """`segops-admin` as an operator runs it: a separate process (on the test databases)."""
    command = [os.path.join(os.path.dirname(sys.executable), "segops-admin"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ, check=False)
