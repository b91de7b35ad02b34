"""Segment rules: definitions validated against the tenant's schema, stored in canonical form, and
previewed on the replica."""

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

from arq.connections import ArqRedis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from segdsl import Definition, DefinitionError, FieldType, compile_preview, validate_definition
from segdsl.export import BUILT_IN_FIELDS, ExportFormat, export_header
from segment_api.clickhouse.membership_store import MembershipStore
from segment_api.clickhouse.segment_queries import SegmentQueries
from segment_api.pim_client import PimClient
from segment_api.runs.jobs import COMPUTE_JOB
from segment_api.runs.repository import RunRepository
from segment_api.segments.models import SegmentRow
from segment_api.segments.repository import SegmentRepository
from segment_api.segments.schemas import (
    ChangeList,
    ComputeQueued,
    LiveChange,
    Member,
    MemberPage,
    Preview,
    ProductSegments,
    RunChange,
    SegmentCreate,
    SegmentPatch,
    SegmentRef,
)
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import BadRequest, NotFound, ServiceUnavailable
from segops_platform.jobs import enqueue


async def checked_definition(pim: PimClient, tenant: Tenant, raw: object, at: str) -> Definition:
    """The typed definition, checked against the tenant's schema; every problem located under `at`."""
    return _checked(raw, await pim.field_types(tenant.id), at)


def _checked(raw: object, field_types: Mapping[str, FieldType], at: str) -> Definition:
    try:
        return validate_definition(raw, field_types)
    except DefinitionError as error:
        problems = [
            {"path": _under(at, problem["path"]), "message": problem["message"]} for problem in error.problems
        ]
        raise BadRequest.at(problems) from None


async def preview(pim: PimClient, queries: SegmentQueries, tenant: Tenant, raw: object) -> Preview:
    """The exact count of the products a definition selects now, the first SKUs, and the SQL."""
    field_types = await pim.field_types(tenant.id)
    sql = compile_preview(
        _checked(raw, field_types, ""),
        tenant_id=tenant.id,
        database=queries.database,
        today=datetime.now(UTC).date(),
        field_types=field_types,
    )
    count, skus = await queries.preview(sql)
    return Preview(matched_count=count, sample_skus=skus, sql=sql.sample_sql)


MEMBERS_PAGE = 50
CHANGES_SHOWN = 20
LIVE_CHANGES_SHOWN = 1_000


class SegmentService:
    def __init__(self, session: AsyncSession, pim: PimClient) -> None:
        self.segments = SegmentRepository(session)
        self.runs = RunRepository(session)
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
        await self.runs.abandon(tenant.id, segment_id)

    async def queue_compute(self, tenant: Tenant, segment_id: int, redis: ArqRedis) -> ComputeQueued:
        await self.get(tenant, segment_id)
        try:
            await enqueue(redis, COMPUTE_JOB, tenant.id, segment_id)
        except (RedisError, OSError) as error:
            raise ServiceUnavailable(
                f"cannot queue the computation: Redis is unreachable ({error})"
            ) from error
        return ComputeQueued(status="queued", segment_id=segment_id)

    async def members(
        self, tenant: Tenant, segment_id: int, cursor: int, run_id: int | None, memberships: MembershipStore
    ) -> MemberPage:
        """A page of one run's members (the current run unless `run_id` names another still kept)."""
        segment = await self.get(tenant, segment_id)
        run_id = run_id or segment.current_run_id
        if run_id is None:
            return MemberPage(count=0, results=[], next_cursor=None, run_id=None)
        run = await self.runs.kept(tenant.id, segment_id, run_id)
        if run is None or run.member_count is None:
            raise NotFound(f"run {run_id} of segment {segment_id} is not kept; page again without run_id")
        skus = await memberships.page(tenant.id, segment_id, run_id, cursor, MEMBERS_PAGE)
        products = await self.pim.products(tenant.id, skus)
        results = [
            Member(sku=sku, name=products[sku]["name"], data=products[sku]["data"])
            if sku in products
            else Member(sku=sku, name=None, data=None)
            for sku in skus
        ]
        following = cursor + MEMBERS_PAGE
        return MemberPage(
            count=run.member_count,
            results=results,
            next_cursor=following if following < run.member_count else None,
            run_id=run_id,
        )

    async def holding(
        self, tenant: Tenant, sku: str | None, product_id: int | None, memberships: MembershipStore
    ) -> ProductSegments:
        """The segments that hold a product now (as of each one's current run): by SKU, by id, or
        by both (then they must name the same product)."""
        if sku is None and product_id is None:
            raise BadRequest.at([{"path": "sku", "message": "give the product's sku or its product_id"}])
        rows = await self.segments.list(tenant.id)
        current_runs = {row.id: row.current_run_id for row in rows if row.current_run_id is not None}
        skus = [] if sku is None else [sku]
        held = await memberships.holding(tenant.id, current_runs, skus=skus, product_id=product_id)
        return ProductSegments(
            results=[SegmentRef(id=row.id, name=row.name) for row in rows if row.id in held]
        )

    async def export(
        self,
        tenant: Tenant,
        segment_id: int,
        export_format: ExportFormat,
        fields: str,
        memberships: MembershipStore,
    ) -> AsyncIterator[bytes]:
        """Every member of the current run with the fields named (comma-separated: `sku`, `name`,
        the tenant's schema fields), in SKU order, as the chunks of a CSV or NDJSON document."""
        types = await self.pim.field_types(tenant.id)
        names = [name.strip() for name in fields.split(",")]
        unknown = [name for name in names if name not in BUILT_IN_FIELDS and name not in types]
        if unknown or len(set(names)) != len(names):
            message = (
                f"unknown field {unknown[0]!r}: name sku, name or the schema's fields"
                if unknown
                else "a field is named twice"
            )
            raise BadRequest.at([{"path": "fields", "message": message}])
        segment = await self.get(tenant, segment_id)
        columns = [(name, None if name in BUILT_IN_FIELDS else types[name]) for name in names]
        if segment.current_run_id is None:  # never computed: no members
            return _once(export_header(names) if export_format == "csv" else b"")
        return await memberships.export(tenant.id, segment_id, segment.current_run_id, columns, export_format)

    async def changes(self, tenant: Tenant, segment_id: int, cursor: int) -> ChangeList:
        """The last runs' changes, and the live changes after `cursor` (ids given in commit order
        per segment: a cursor never skips one)."""
        await self.get(tenant, segment_id)
        runs = await self.runs.latest(tenant.id, segment_id, CHANGES_SHOWN)
        live = await self.segments.live_changes(tenant.id, segment_id, cursor, LIVE_CHANGES_SHOWN)
        return ChangeList(
            results=[
                RunChange(
                    run_id=run.id,
                    computed_at=run.computed_at,
                    entered_count=run.entered_count,
                    exited_count=run.exited_count,
                    entered=run.entered,
                    exited=run.exited,
                )
                for run in runs
            ],
            live=[
                LiveChange(
                    id=change.id,
                    sku=change.sku,
                    change="entered" if change.entered else "exited",
                    run_id=change.run_id,
                    product_version=change.product_version,
                    changed_at=change.changed_at,
                )
                for change in live
            ],
            next_cursor=live[-1].id if live else cursor,
        )


async def _once(chunk: bytes) -> AsyncIterator[bytes]:
    yield chunk


def _canonical(definition: Definition) -> dict[str, Any]:
    canonical: dict[str, Any] = definition.model_dump(mode="json")
    return canonical


def _under(at: str, path: str) -> str:
    """A problem's path inside the body: segdsl's paths are relative to the definition ("" is itself)."""
    if not at:
        return path or "$"
    return f"{at}.{path}" if path else at
