"""Segment rules: definitions validated against the tenant's schema, stored in canonical form, and
previewed on the replica."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from segdsl import Definition, DefinitionError, compile_preview, validate_definition
from segment_api.clickhouse.segment_queries import SegmentQueries
from segment_api.pim_client import PimClient
from segment_api.segments.models import SegmentRow
from segment_api.segments.repository import SegmentRepository
from segment_api.segments.schemas import Preview, SegmentCreate, SegmentPatch
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import BadRequest, NotFound


async def checked_definition(pim: PimClient, tenant: Tenant, raw: object, at: str) -> Definition:
    """The typed definition, checked against the tenant's schema; every problem located under `at`."""
    try:
        return validate_definition(raw, await pim.field_types(tenant.id))
    except DefinitionError as error:
        problems = [
            {"path": _under(at, problem["path"]), "message": problem["message"]} for problem in error.problems
        ]
        raise BadRequest.at(problems) from None


async def preview(pim: PimClient, queries: SegmentQueries, tenant: Tenant, raw: object) -> Preview:
    """The exact count of the products a definition selects now, the first SKUs, and the SQL."""
    definition = await checked_definition(pim, tenant, raw, "")
    sql = compile_preview(
        definition, tenant_id=tenant.id, database=queries.database, today=datetime.now(UTC).date()
    )
    count, skus = await queries.preview(sql)
    return Preview(matched_count=count, sample_skus=skus, sql=sql.sample_sql)


class SegmentService:
    def __init__(self, session: AsyncSession, pim: PimClient) -> None:
        self.segments = SegmentRepository(session)
        self.pim = pim

    async def list(self, tenant: Tenant) -> list[SegmentRow]:
        return await self.segments.list(tenant.id)

    async def get(self, tenant: Tenant, segment_id: int) -> SegmentRow:
        row = await self.segments.get(tenant.id, segment_id)
        if row is None:
            raise NotFound(f"segment {segment_id} not found")
        return row

    async def create(self, tenant: Tenant, body: SegmentCreate) -> SegmentRow:
        values = body.model_dump(exclude={"definition"})
        values["definition"] = _canonical(
            await checked_definition(self.pim, tenant, body.definition, "definition")
        )
        return await self.segments.insert(tenant.id, values)

    async def update(self, tenant: Tenant, segment_id: int, patch: SegmentPatch) -> SegmentRow:
        values: dict[str, Any] = patch.model_dump(exclude={"definition"}, exclude_none=True)
        if patch.definition is not None:
            definition = await checked_definition(self.pim, tenant, patch.definition, "definition")
            values["definition"] = _canonical(definition)
        row = await self.segments.update(tenant.id, segment_id, values)
        if row is None:
            raise NotFound(f"segment {segment_id} not found")
        return row

    async def delete(self, tenant: Tenant, segment_id: int) -> None:
        if not await self.segments.delete(tenant.id, segment_id):
            raise NotFound(f"segment {segment_id} not found")


def _canonical(definition: Definition) -> dict[str, Any]:
    canonical: dict[str, Any] = definition.model_dump(mode="json")
    return canonical


def _under(at: str, path: str) -> str:
    """A problem's path inside the body: segdsl's paths are relative to the definition ("" is itself)."""
    if not at:
        return path or "$"
    return f"{at}.{path}" if path else at
