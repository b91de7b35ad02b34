"""product change notifications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 09:50:00

Every UPDATE or DELETE statement on pim.products notifies `pim_product_changes` with the
`tenant:id` keys it touched, in payloads of at most 400 keys (NOTIFY takes under 8,000 bytes).
Notifications are delivered at commit, so the processes caching products by id (pim_api.products
.cache) evict exactly what changed. Inserts need none: a product is cached only once it exists.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTIFY = """
CREATE FUNCTION pim.notify_product_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('pim_product_changes', keys)
    FROM (
        SELECT string_agg(tenant_id || ':' || id, ',') AS keys
        FROM (SELECT tenant_id, id, (row_number() OVER ()) / 400 AS part FROM changed_rows) AS numbered
        GROUP BY part
    ) AS payloads;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute(NOTIFY)
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"""
            CREATE TRIGGER notify_product_changes_after_{event.lower()} AFTER {event} ON pim.products
            REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT
            EXECUTE FUNCTION pim.notify_product_changes()
            """
        )


def downgrade() -> None:
    for event in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER notify_product_changes_after_{event.lower()} ON pim.products")
    op.execute("DROP FUNCTION pim.notify_product_changes()")
