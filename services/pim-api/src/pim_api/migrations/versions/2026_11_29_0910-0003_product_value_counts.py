"""product value counts maintained on write

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:10:00

Exact counts for the product list and facets without scanning a large catalog. Per tenant, how
many products hold each value of each counted field (`product_schemas.counted_fields`: the
string, array and boolean fields; kind s = string, b = boolean, a = an array's element; values
over 200 characters are not counted), and the tenant's product total (field '', kind t).

Statement-level triggers with transition tables keep the counts in the writing transaction: one
aggregated upsert per statement (a 10,000-row bulk upsert costs one), in key order, so that
concurrent writers do not deadlock. A writer holds the tenant's counting lock shared; a schema
change that changes `counted_fields` takes it exclusively while it recounts (see the service).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED_ENTRIES = """
CREATE FUNCTION pim.counted_entries(data jsonb, fields text[]) RETURNS TABLE (field text, kind "char", value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '', 't'::"char", ''
    UNION ALL
    SELECT f.name, left(jsonb_typeof(data -> f.name), 1)::"char", data ->> f.name
    FROM unnest(fields) AS f(name)
    WHERE jsonb_typeof(data -> f.name) IN ('string', 'boolean') AND length(data ->> f.name) <= 200
    UNION ALL
    SELECT DISTINCT f.name, 'a'::"char", element.value
    FROM unnest(fields) AS f(name)
    CROSS JOIN LATERAL jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(data -> f.name) = 'array' THEN data -> f.name ELSE '[]'::jsonb END
    ) AS element(value)
    WHERE length(element.value) <= 200
$$
"""

_DELTA_SOURCE = """
    SELECT r.tenant_id, e.field, e.kind, e.value, {sign} AS delta
    FROM {rows} AS r
    JOIN pim.product_schemas AS s ON s.tenant_id = r.tenant_id
    CROSS JOIN LATERAL pim.counted_entries(r.data, s.counted_fields) AS e
"""
_TRIGGERS = {  # event -> its transition tables, with the sign of their rows
    "INSERT": {"new_rows": 1},
    "UPDATE": {"new_rows": 1, "old_rows": -1},
    "DELETE": {"old_rows": -1},
}


def _trigger_sql(event: str) -> list[str]:
    tables = _TRIGGERS[event]
    sources = " UNION ALL ".join(_DELTA_SOURCE.format(rows=rows, sign=sign) for rows, sign in tables.items())
    any_rows = next(iter(tables))
    function = f"pim.count_values_after_{event.lower()}"
    referencing = " ".join(f"{'NEW' if rows == 'new_rows' else 'OLD'} TABLE AS {rows}" for rows in tables)
    return [
        f"""
        CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- The tenant's counting lock, shared, before reading counted_fields (own statement,
            -- so that the upsert below sees a schema change that held the lock).
            PERFORM pg_advisory_xact_lock_shared(tenant_id)
            FROM (SELECT DISTINCT tenant_id FROM {any_rows} ORDER BY tenant_id) AS tenants;
            INSERT INTO pim.product_value_counts AS c (tenant_id, field, kind, value, count)
            SELECT tenant_id, field, kind, value, sum(delta)
            FROM ({sources}) AS changes
            GROUP BY tenant_id, field, kind, value
            HAVING sum(delta) <> 0
            ORDER BY tenant_id, field, kind, value
            ON CONFLICT (tenant_id, field, kind, value) DO UPDATE SET count = c.count + EXCLUDED.count;
            RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER count_values_after_{event.lower()} AFTER {event} ON pim.products
        REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()
        """,
    ]


def upgrade() -> None:
    op.execute("ALTER TABLE pim.product_schemas ADD COLUMN counted_fields text[] NOT NULL DEFAULT '{}'")
    op.execute(
        """
        UPDATE pim.product_schemas SET counted_fields = ARRAY(
            SELECT f ->> 'name' FROM jsonb_array_elements(fields) AS f
            WHERE f ->> 'type' IN ('string', 'array', 'boolean')
        )
        """
    )
    op.execute(
        """
        CREATE TABLE pim.product_value_counts (
            tenant_id bigint NOT NULL,
            field text NOT NULL,
            kind "char" NOT NULL,
            value text NOT NULL,
            count bigint NOT NULL,
            CONSTRAINT pk_product_value_counts PRIMARY KEY (tenant_id, field, kind, value)
        )
        """
    )
    op.execute(COUNTED_ENTRIES)
    for event in _TRIGGERS:
        for statement in _trigger_sql(event):
            op.execute(statement)
    op.execute(  # counts of the products written before this migration
        """
        INSERT INTO pim.product_value_counts (tenant_id, field, kind, value, count)
        SELECT p.tenant_id, e.field, e.kind, e.value, count(*)
        FROM pim.products AS p
        JOIN pim.product_schemas AS s ON s.tenant_id = p.tenant_id
        CROSS JOIN LATERAL pim.counted_entries(p.data, s.counted_fields) AS e
        GROUP BY 1, 2, 3, 4
        """
    )


def downgrade() -> None:
    for event in _TRIGGERS:
        op.execute(f"DROP TRIGGER count_values_after_{event.lower()} ON pim.products")
        op.execute(f"DROP FUNCTION pim.count_values_after_{event.lower()}()")
    op.execute("DROP FUNCTION pim.counted_entries(jsonb, text[])")
    op.execute("DROP TABLE pim.product_value_counts")
    op.execute("ALTER TABLE pim.product_schemas DROP COLUMN counted_fields")
