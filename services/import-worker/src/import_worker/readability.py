"""Readability scores of tenants whose field types changed: queued by the schema change, and swept
for in case that wake-up was lost (Postgres records which tenants are stale)."""

import structlog

from import_worker.context import Context, resources
from pim_api.readability.rescore import rescore_tenant, stale_tenants
from segops_platform.jobs import job

log = structlog.get_logger()


@job
async def rescore_readability(ctx: Context) -> int:
    """Rescore every stale tenant (one at a time; a tenant another worker holds is skipped); how
    many scores changed."""
    sessionmaker = resources(ctx).sessionmaker
    async with sessionmaker() as session:
        tenants = await stale_tenants(session)
    changed = 0
    for tenant_id in tenants:
        rescored = await rescore_tenant(sessionmaker, tenant_id)
        if rescored is not None:
            log.info("readability_rescored", tenant_id=tenant_id, changed=rescored)
            changed += rescored
    return changed
