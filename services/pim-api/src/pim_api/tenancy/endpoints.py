"""Internal routes other services use: credentials, tenants and their field types (not routed by the
gateway)."""

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel

from pim_api.schema.service import ProductSchemaService
from pim_api.tenancy.service import TenancyService
from segdsl import FieldType
from segops_platform.auth.dependencies import InternalCaller
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.database import MAX_BIGINT, SessionDep
from segops_platform.errors import NotFound
from segops_platform.json_body import RequestBody
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(
    prefix="/internal/tenants",
    tags=["internal"],
    dependencies=[InternalCaller],
    responses=problems(400, 401, 503),
)


class ApiKeyLookup(RequestBody):
    api_key: str


class TenantRef(BaseModel):
    tenant_id: int


@router.post(
    "/resolve-api-key",
    summary="The tenant of an active API key",
    responses=problems((404, "Unknown or revoked key")),
)
async def tenants_resolve_api_key(body: ApiKeyLookup, session: SessionDep) -> TenantRef:
    """Uncached on purpose: the caller's own cache is the only delay before a revocation bites."""
    tenant_id = await TenancyService(session).tenant_for_api_key(body.api_key)
    if tenant_id is None:
        raise NotFound("unknown or revoked API key")
    return TenantRef(tenant_id=tenant_id)


TenantId = Annotated[int, Path(ge=1, le=MAX_BIGINT)]


class FieldTypes(BaseModel):
    """A tenant's schema fields and their types, as segment definitions are checked against them."""

    fields: dict[str, FieldType]


@router.get(
    "/{tenant_id}",
    summary="Whether a tenant exists",
    responses=problems((404, "No such tenant")),
)
async def tenants_get(tenant_id: TenantId, session: SessionDep) -> TenantRef:
    if not await TenancyService(session).tenant_exists(tenant_id):
        raise NotFound(f"tenant {tenant_id} does not exist")
    return TenantRef(tenant_id=tenant_id)


@router.get(
    "/{tenant_id}/field-types",
    summary="A tenant's schema fields and their types",
    responses=problems((404, "No such tenant")),
)
async def tenants_field_types(tenant_id: TenantId, session: SessionDep) -> FieldTypes:
    schema = await ProductSchemaService(session).get(Tenant(tenant_id))
    return FieldTypes(fields={field["name"]: field["type"] for field in schema.fields})
