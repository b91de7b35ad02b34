"""outbox rows written by triggers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 10:25:00

Every write to pim.products writes its outbox rows in the same statement, whichever code (or
SQL) made it: statement-level triggers with transition tables, one INSERT per statement. A write
records the product's new version; a delete records a tombstone versioned above every write
before it (the same sequence).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RECORD = {
    "INSERT": (
        "NEW TABLE AS changed_rows",
        "INSERT INTO pim.product_outbox (tenant_id, product_id, sku, version) "
        "SELECT tenant_id, id, sku, version FROM changed_rows",
    ),
    "UPDATE": (
        "NEW TABLE AS changed_rows",
        "INSERT INTO pim.product_outbox (tenant_id, product_id, sku, version) "
        "SELECT tenant_id, id, sku, version FROM changed_rows",
    ),
    "DELETE": (
        "OLD TABLE AS changed_rows",
        "INSERT INTO pim.product_outbox (tenant_id, product_id, sku, version, deleted) "
        "SELECT tenant_id, id, sku, nextval('pim.product_version_seq'), true FROM changed_rows",
    ),
}


def upgrade() -> None:
    for event, (referencing, statement) in _RECORD.items():
        function = f"pim.outbox_after_{event.lower()}"
        op.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {statement}; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER outbox_after_{event.lower()} AFTER {event} ON pim.products "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    for event in _RECORD:
        op.execute(f"DROP TRIGGER outbox_after_{event.lower()} ON pim.products")
        op.execute(f"DROP FUNCTION pim.outbox_after_{event.lower()}()")
