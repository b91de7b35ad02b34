"""`/api/pim/schema/`: the tenant's product schema."""

from fastapi import BackgroundTasks, Request

from pim_api.outbox.wake import queue_resync
from pim_api.readability.rescore import RESCORE_JOB
from pim_api.schema.schemas import (
    IncompatibleValues,
    ProductSchemaIn,
    ProductSchemaOut,
    ProductSchemaReplaced,
)
from pim_api.schema.service import ProductSchemaService
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import SessionDep
from segops_platform.jobs import wake
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(prefix="/api/pim/schema", tags=["product schema"], responses=problems(401, 503))


@router.get("/", summary="The tenant's product schema", response_model=ProductSchemaOut)
async def schema_get(tenant: CurrentTenant, session: SessionDep) -> ProductSchemaOut:
    """Empty `fields` until a schema is defined."""
    return ProductSchemaOut.model_validate(await ProductSchemaService(session).get(tenant))


@router.put(
    "/",
    summary="Replace the tenant's product schema",
    response_model=ProductSchemaReplaced,
    responses=problems((400, "Invalid schema; `errors` names each bad field"), 409, 413),
)
async def schema_replace(
    body: ProductSchemaIn,
    tenant: CurrentTenant,
    session: SessionDep,
    request: Request,
    background: BackgroundTasks,
) -> ProductSchemaReplaced:
    """Replaces `fields`; `default_currency` / `default_locale` keep their value when omitted.

    A changed field type never rewrites stored values: `incompatible_values` counts those that
    don't fit the new type (they are kept, and read as not set until the product is written).
    Segments see the new types once the worker has rewritten the tenant's replica, and products
    their `ai_readability_score` under the new types once it has rescored them (both in the
    background)."""
    row, incompatible, retyped = await ProductSchemaService(session).replace(tenant, body)
    if retyped:  # queued after the response, so after the commit
        background.add_task(queue_resync, request.app.state.redis, tenant.id)
        background.add_task(wake, request.app.state.redis, RESCORE_JOB)
    return ProductSchemaReplaced.model_validate(
        {
            **ProductSchemaOut.model_validate(row).model_dump(),
            "incompatible_values": [IncompatibleValues.model_validate(item) for item in incompatible],
        }
    )
