"""readability stored on products, with kept counts by score and gaps

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:00:00

Every write stores the product's `ai_readability_score`, its gaps (a bitmask of what it lacks:
`readability.score.GAPS`) and its description's fingerprint, indexed to count the products that
share a description (boilerplate). `pim.readability_counts` keeps, per tenant, how many products
have each (score, gaps) pair: score filters and the catalog summary add up a few hundred rows
instead of reading the catalog. Statement-level triggers keep it, like the value counts (0003):
one aggregated upsert per statement, in key order. An unscored product counts as score_tenths -1.

`product_schemas.readability_epoch` is the replica epoch (the field types) the tenant's scores were
computed under; the worker rescores a tenant whose epoch moved on (all of them, after this
migration: their products have no score yet).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DELTA_SOURCE = """
    SELECT tenant_id, coalesce(round(ai_readability_score * 10)::smallint, -1) AS score_tenths,
           coalesce(readability_gaps, 0) AS gaps, {sign} AS delta
    FROM {rows}
"""
_TRIGGERS = {  # event -> its transition tables, with the sign of their rows
    "INSERT": {"new_rows": 1},
    "UPDATE": {"new_rows": 1, "old_rows": -1},
    "DELETE": {"old_rows": -1},
}


def _trigger_sql(event: str) -> list[str]:
    tables = _TRIGGERS[event]
    sources = " UNION ALL ".join(_DELTA_SOURCE.format(rows=rows, sign=sign) for rows, sign in tables.items())
    function = f"pim.count_readability_after_{event.lower()}"
    referencing = " ".join(f"{'NEW' if rows == 'new_rows' else 'OLD'} TABLE AS {rows}" for rows in tables)
    return [
        f"""
        CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO pim.readability_counts AS c (tenant_id, score_tenths, gaps, count)
            SELECT tenant_id, score_tenths, gaps, sum(delta)
            FROM ({sources}) AS changes
            GROUP BY tenant_id, score_tenths, gaps
            HAVING sum(delta) <> 0
            ORDER BY tenant_id, score_tenths, gaps
            ON CONFLICT (tenant_id, score_tenths, gaps) DO UPDATE SET count = c.count + EXCLUDED.count;
            RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER count_readability_after_{event.lower()} AFTER {event} ON pim.products
        REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()
        """,
    ]


def upgrade() -> None:
    op.execute(
        "ALTER TABLE pim.products ADD COLUMN readability_gaps integer, "
        "ADD COLUMN description_fingerprint bigint"
    )
    op.execute(
        "CREATE INDEX ix_products_description_fingerprint ON pim.products (tenant_id, description_fingerprint) "
        "WHERE description_fingerprint IS NOT NULL"
    )
    # Existing tenants: stale (null); a new tenant has no products to score (0).
    op.execute("ALTER TABLE pim.product_schemas ADD COLUMN readability_epoch integer")
    op.execute("ALTER TABLE pim.product_schemas ALTER COLUMN readability_epoch SET DEFAULT 0")
    op.execute(
        """
        CREATE TABLE pim.readability_counts (
            tenant_id bigint NOT NULL,
            score_tenths smallint NOT NULL,
            gaps integer NOT NULL,
            count bigint NOT NULL,
            CONSTRAINT pk_readability_counts PRIMARY KEY (tenant_id, score_tenths, gaps)
        )
        """
    )
    for event in _TRIGGERS:
        for statement in _trigger_sql(event):
            op.execute(statement)
    op.execute(  # the products written before this migration, unscored until the worker scores them
        f"""
        INSERT INTO pim.readability_counts (tenant_id, score_tenths, gaps, count)
        SELECT tenant_id, score_tenths, gaps, sum(delta) FROM ({_DELTA_SOURCE.format(rows="pim.products", sign=1)}) AS p
        GROUP BY 1, 2, 3
        """  # noqa: S608  (constant)
    )


def downgrade() -> None:
    for event in _TRIGGERS:
        op.execute(f"DROP TRIGGER count_readability_after_{event.lower()} ON pim.products")
        op.execute(f"DROP FUNCTION pim.count_readability_after_{event.lower()}()")
    op.execute("DROP TABLE pim.readability_counts")
    op.execute("ALTER TABLE pim.product_schemas DROP COLUMN readability_epoch")
    op.execute("DROP INDEX pim.ix_products_description_fingerprint")
    op.execute("ALTER TABLE pim.products DROP COLUMN readability_gaps, DROP COLUMN description_fingerprint")
