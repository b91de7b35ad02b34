"""Every table of the `pim` schema, imported in one place for Alembic and the metadata."""

from pim_api.imports.models import ImportChunkRow, ImportJobRow
from pim_api.outbox.models import ProductOutboxRow
from pim_api.products.models import ProductNameRow, ProductRow
from pim_api.schema.models import ProductSchemaRow
from pim_api.tenancy.models import ApiKeyRow, TenantRow

__all__ = [
    "ApiKeyRow",
    "ImportChunkRow",
    "ImportJobRow",
    "ProductNameRow",
    "ProductOutboxRow",
    "ProductRow",
    "ProductSchemaRow",
    "TenantRow",
]
