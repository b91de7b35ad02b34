"""Types and helpers shared by tests (fixtures live in conftest.py)."""

from collections.abc import Awaitable, Callable

from pim_api.tenancy.service import IssuedKey

TenantFactory = Callable[[], Awaitable[IssuedKey]]


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}
