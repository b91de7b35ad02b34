"""Exact counts kept on write by triggers (migration 0003): the tenant's total, and per counted
field (the string, array and boolean fields) how many products hold each value.

They answer the product list's count when it has no `q` and at most one single-valued filter on
a counted field, and facets when nothing narrows them; everything else is counted live.
"""

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.products.query import ProductFilter

COUNTED_TYPES = ("string", "array", "boolean")
MAX_COUNTED_LENGTH = 200  # longer values are not counted (descriptions would bloat the table)

_RECOUNT = text(
    """
    INSERT INTO pim.product_value_counts (tenant_id, field, kind, value, count)
    SELECT p.tenant_id, e.field, e.kind, e.value, count(*)
    FROM pim.products AS p CROSS JOIN LATERAL pim.counted_entries(p.data, :fields) AS e
    WHERE p.tenant_id = :tenant_id AND e.field <> ''
    GROUP BY 1, 2, 3, 4
    """
)
_TOP_VALUES = text(
    """
    SELECT field, value, count FROM (
        SELECT field, value, count,
               row_number() OVER (PARTITION BY field ORDER BY count DESC, value) AS rank
        FROM pim.product_value_counts
        WHERE tenant_id = :tenant_id AND count > 0
          AND ((kind = 's' AND field = ANY(:string_fields)) OR (kind = 'a' AND field = ANY(:array_fields)))
    ) AS ranked
    WHERE rank <= :top
    ORDER BY field, value
    """
)


_COUNT_INSERTS_HERE = text(
    "SELECT pg_advisory_xact_lock_shared(:tenant_id), set_config('pim.writer_counts_inserts', 'on', true)"
)
# A statement of its own, after the lock: its snapshot sees a schema change that held the lock.
_COUNTED_FIELDS = text("SELECT counted_fields FROM pim.product_schemas WHERE tenant_id = :tenant_id")
# In key order, as the triggers write, so that concurrent writers do not deadlock.
_ADD = text(
    """
    INSERT INTO pim.product_value_counts AS c (tenant_id, field, kind, value, count)
    SELECT :tenant_id, field, kind::"char", value, delta
    FROM unnest(CAST(:fields AS text[]), CAST(:kinds AS text[]), CAST(:values AS text[]),
                CAST(:deltas AS bigint[])) AS d(field, kind, value, delta)
    ORDER BY field, kind, value
    ON CONFLICT (tenant_id, field, kind, value) DO UPDATE SET count = c.count + EXCLUDED.count
    """
)


def _kind_of(document: dict[str, Any]) -> tuple[str, str, str] | None:
    """(field, kind, value) of a one-key containment document, when its count is kept."""
    [(field, value)] = document.items()
    if isinstance(value, bool):
        return field, "b", "true" if value else "false"
    if isinstance(value, str) and len(value) <= MAX_COUNTED_LENGTH:
        return field, "s", value
    if isinstance(value, list) and len(value) == 1 and len(value[0]) <= MAX_COUNTED_LENGTH:
        return field, "a", value[0]
    return None


def counted_entries(data: Mapping[str, Any], fields: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """The (field, kind, value) entries a product adds to the counts, its data as segdsl coerces it
    (arrays of strings): the SQL function pim.counted_entries (migration 0003) that the triggers
    count with, for a writer that counts its inserts itself. A test holds the two equal."""
    yield "", "t", ""
    for field in fields:
        value = data.get(field)
        if isinstance(value, bool):
            yield field, "b", "true" if value else "false"
        elif isinstance(value, str):
            if len(value) <= MAX_COUNTED_LENGTH:
                yield field, "s", value
        elif isinstance(value, list):
            for element in dict.fromkeys(value):
                if len(element) <= MAX_COUNTED_LENGTH:
                    yield field, "a", element


class ValueCounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def exact_count(self, tenant_id: int, where: ProductFilter, counted: Collection[str]) -> int | None:
        """The count of products `where` selects, when the kept counts answer it; else None."""
        if where.q or where.scores:
            return None
        if not where.containments:
            key: tuple[str, str, str] | None = ("", "t", "")
        elif len(where.containments) == 1:
            [documents] = where.containments.values()
            key = _kind_of(documents[0]) if len(documents) == 1 else None
            if key and key[0] not in counted:
                key = None
        else:
            key = None
        if key is None:
            return None
        count = await self.session.scalar(
            text(
                "SELECT count FROM pim.product_value_counts "
                "WHERE tenant_id = :tenant_id AND field = :field AND kind = :kind AND value = :value"
            ),
            # asyncpg sends a "char" parameter as bytes
            {"tenant_id": tenant_id, "field": key[0], "kind": key[1].encode(), "value": key[2]},
        )
        return int(count or 0)

    async def top_values(
        self, tenant_id: int, string_fields: list[str], array_fields: list[str], top: int
    ) -> list[tuple[str, str, int]]:
        rows = await self.session.execute(
            _TOP_VALUES,
            {
                "tenant_id": tenant_id,
                "string_fields": string_fields,
                "array_fields": array_fields,
                "top": top,
            },
        )
        return [(field, value, count) for field, value, count in rows]

    async def count_inserts_here(self, tenant_id: int) -> list[str]:
        """For the rest of the transaction, its inserts are counted by `add_inserted`, not by the
        trigger; the tenant's counted fields (read under its counting lock, held shared as the
        trigger holds it)."""
        await self.session.execute(_COUNT_INSERTS_HERE, {"tenant_id": tenant_id})
        fields = await self.session.scalar(_COUNTED_FIELDS, {"tenant_id": tenant_id})
        return list(fields or [])

    async def add_inserted(
        self, tenant_id: int, fields: Collection[str], inserted: Iterable[Mapping[str, Any]]
    ) -> None:
        """Count the data of the products this transaction inserted (after `count_inserts_here`)."""
        counts = Counter(entry for data in inserted for entry in counted_entries(data, fields))
        if not counts:
            return
        keys, deltas = zip(*sorted(counts.items()), strict=True)
        names, kinds, values = zip(*keys, strict=True)
        await self.session.execute(
            _ADD,
            {
                "tenant_id": tenant_id,
                "fields": list(names),
                "kinds": list(kinds),
                "values": list(values),
                "deltas": list(deltas),
            },
        )

    async def recount(self, tenant_id: int, added: Collection[str], removed: Collection[str]) -> None:
        """After `counted_fields` changed: drop the counts of removed fields, count added ones.

        Holds the tenant's counting lock exclusively: writers in flight finish first, and those
        that follow count with the new fields (they take the lock shared in the trigger).
        """
        await self.session.execute(text("SELECT pg_advisory_xact_lock(:tenant_id)"), {"tenant_id": tenant_id})
        changed = list({*added, *removed})
        await self.session.execute(
            text("DELETE FROM pim.product_value_counts WHERE tenant_id = :tenant_id AND field = ANY(:f)"),
            {"tenant_id": tenant_id, "f": changed},
        )
        if added:
            await self.session.execute(_RECOUNT, {"tenant_id": tenant_id, "fields": list(added)})
