"""The outbox as the relay to ClickHouse reads it: a batch of product changes, locked while relayed,
then forgotten.

Rows are taken in id order with `FOR UPDATE SKIP LOCKED`, so relays running at once (several
workers, a wake-up beside the sweep) take different rows, and a relay that dies releases its rows
with its transaction for the next one to take. A change is relayed as the product is *now*: its
stored row and version (later writes included), or a tombstone when the outbox says it was
deleted. A product that is gone while its deletion is not in the batch is left out: its
tombstone comes with a later batch. Relaying a change twice changes nothing: the replica keeps
one row per product version.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from segdsl import FieldType


@dataclass(frozen=True)
class ProductChange:
    tenant_id: int
    product_id: int
    sku: str
    version: int
    product: Mapping[str, Any] | None  # as stored now, in the PIM's shape; None once deleted


@dataclass(frozen=True)
class TenantFields:
    """How a tenant's products are typed in the replica: its field types, and their epoch."""

    types: Mapping[str, FieldType]
    epoch: int


@dataclass(frozen=True)
class OutboxBatch:
    taken: list[tuple[int, int]]  # (tenant_id, id) of each outbox row taken
    changes: list[ProductChange]
    fields: Mapping[int, TenantFields]  # by tenant


class OutboxReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def take(self, limit: int) -> OutboxBatch | None:
        """Up to `limit` outbox rows, oldest first, locked until the transaction ends; None when empty."""
        rows = (await self.session.execute(_TAKE, {"limit": limit})).all()
        if not rows:
            return None
        deleted: dict[tuple[int, int], ProductChange] = {}
        written: set[tuple[int, int]] = set()
        for row in rows:
            key = (row.tenant_id, row.product_id)
            if row.deleted:
                deleted[key] = ProductChange(row.tenant_id, row.product_id, row.sku, row.version, None)
            else:
                written.add(key)
        changes = list(deleted.values()) + await self._stored(sorted(written - deleted.keys()))
        tenants = sorted({row.tenant_id for row in rows})
        return OutboxBatch(
            taken=[(row.tenant_id, row.id) for row in rows],
            changes=changes,
            fields=await tenant_fields(self.session, tenants),
        )

    async def forget(self, batch: OutboxBatch) -> None:
        """Delete the rows the batch took (relayed now)."""
        tenant_ids, ids = zip(*batch.taken, strict=True)
        await self.session.execute(_FORGET, {"tenant_ids": list(tenant_ids), "ids": list(ids)})

    async def _stored(self, keys: list[tuple[int, int]]) -> list[ProductChange]:
        if not keys:
            return []
        tenant_ids, product_ids = zip(*keys, strict=True)
        rows = await self.session.execute(
            _STORED, {"tenant_ids": list(tenant_ids), "product_ids": list(product_ids)}
        )
        return [stored_change(row) for row in rows]


async def outbox_position(session: AsyncSession) -> int:
    """An outbox id at or below that of every outbox row written from now on."""
    return int(await session.scalar(_POSITION) or 0)


async def forget_relayed(
    session: AsyncSession, tenant_id: int, relayed: Sequence[tuple[int, int]], written_from: int
) -> None:
    """Delete the outbox rows of these (product id, version)s, written at or after the outbox
    position `written_from`: their replica rows are written (by whoever held the products as
    written: an import). A later write has a newer version; its row stays. The position keeps the
    search to the newest rows (the outbox holds many deleted ones until it is vacuumed)."""
    product_ids, versions = zip(*relayed, strict=True) if relayed else ((), ())
    parameters = {
        "tenant_id": tenant_id,
        "written_from": written_from,
        "product_ids": list(product_ids),
        "versions": list(versions),
    }
    await session.execute(_FORGET_RELAYED, parameters)


def stored_change(row: Row[Any]) -> ProductChange:
    """A product row (`PRODUCT_COLUMNS`) as the change the replica takes."""
    return ProductChange(row.tenant_id, row.id, row.sku, row.version, row._asdict())


async def tenant_fields(session: AsyncSession, tenants: Sequence[int]) -> dict[int, TenantFields]:
    """Each tenant's field types and epoch (none for a tenant that is gone)."""
    rows = await session.execute(_FIELDS, {"tenant_ids": list(tenants)})
    found = {tenant: TenantFields({}, 0) for tenant in tenants}
    for tenant_id, fields, epoch in rows:
        found[tenant_id] = TenantFields({field["name"]: field["type"] for field in fields}, epoch)
    return found


_TAKE = text(
    "SELECT tenant_id, id, product_id, sku, version, deleted FROM pim.product_outbox "
    "ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED"
)
_FORGET = text(
    "DELETE FROM pim.product_outbox o USING unnest(CAST(:tenant_ids AS bigint[]), CAST(:ids AS bigint[])) "
    "AS t(tenant_id, id) WHERE o.tenant_id = t.tenant_id AND o.id = t.id"
)
_FORGET_RELAYED = text(
    "DELETE FROM pim.product_outbox o "
    "USING unnest(CAST(:product_ids AS bigint[]), CAST(:versions AS bigint[])) AS r(product_id, version) "
    "WHERE o.tenant_id = :tenant_id AND o.id >= :written_from "
    "AND o.product_id = r.product_id AND o.version = r.version AND NOT o.deleted"
)
_POSITION = text("SELECT last_value FROM pim.product_outbox_id_seq")
# What the replica takes of a product (segdsl.replica_row reads the PIM's shape).
PRODUCT_COLUMNS = (
    "p.tenant_id, p.id, p.sku, p.name, p.data, p.source, p.ai_readability_score, "
    "p.created_at, p.updated_at, p.version"
)
_STORED = text(
    f"SELECT {PRODUCT_COLUMNS} "  # noqa: S608  (constant columns)
    "FROM unnest(CAST(:tenant_ids AS bigint[]), CAST(:product_ids AS bigint[])) AS k(tenant_id, id) "
    "JOIN pim.products p ON p.tenant_id = k.tenant_id AND p.id = k.id"
)
_FIELDS = text(
    "SELECT tenant_id, fields, replica_epoch FROM pim.product_schemas WHERE tenant_id = ANY(:tenant_ids)"
)
