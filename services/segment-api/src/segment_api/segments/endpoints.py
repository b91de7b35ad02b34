"""`/api/product-segments/`: segment definitions, and previews of what a definition selects."""

from typing import Annotated

from fastapi import Body, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from segdsl.export import ExportFormat
from segment_api.segments.schemas import (
    ChangeList,
    ComputeQueued,
    MemberPage,
    Preview,
    ProductSegments,
    RawDefinition,
    SegmentCreate,
    SegmentList,
    SegmentOut,
    SegmentPatch,
)
from segment_api.segments.service import SegmentService, preview
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import MAX_BIGINT, SessionDep
from segops_platform.openapi import Responses, problems
from segops_platform.routing import ServiceRouter
from segops_platform.text_rules import Text

PREFIX = "/api/product-segments"
router = ServiceRouter(prefix=PREFIX, tags=["segments"], responses=problems(401, 503))
NO_SUCH_SEGMENT = (404, "No such segment for this tenant")
ITEM_PATH = "/{segment_id:int}/"
MAX_SKU_LENGTH = 255  # as pim-api's
MAX_EXPORT_FIELDS_LENGTH = 2_000  # within the gateway's URL limit
_MEDIA_TYPES: dict[ExportFormat, str] = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
SegmentId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The segment's id")]
INVALID_DEFINITION = (400, "Invalid input; `errors` names each problem of the definition by its JSON path")
_ITEM_LINKS = {
    f"{verb}Segment": {
        "operationId": f"segments_{verb.lower()}",
        "parameters": {"segment_id": "$response.body#/id"},
    }
    for verb in ("Get", "Update", "Delete")
}
EXPORTED: Responses = {
    200: {
        "description": "The current run's members in SKU order (CSV: a header of the field names first)",
        "content": {
            _MEDIA_TYPES["csv"]: {
                "schema": {
                    "title": "MembersCsv",
                    "type": "string",
                    "description": "CSV: a header of the field names, then one line per member",
                }
            },
            _MEDIA_TYPES["ndjson"]: {
                "schema": {
                    "title": "MembersNdjson",
                    "type": "string",
                    "description": "One JSON object per member and line, keyed by the field names",
                }
            },
        },
    }
}
CREATED: Responses = {
    201: {
        "description": "The segment, as stored",
        "headers": {"Location": {"description": "The segment's URL", "schema": {"type": "string"}}},
        "links": _ITEM_LINKS,
    }
}


def segments(request: Request, session: SessionDep) -> SegmentService:
    return SegmentService(session, request.app.state.pim)


@router.get("/", name="list", summary="List segments", response_model=SegmentList)
async def segments_list(tenant: CurrentTenant, request: Request, session: SessionDep) -> SegmentList:
    rows = await segments(request, session).list(tenant)
    return SegmentList([SegmentOut.model_validate(row) for row in rows])


@router.post(
    "/",
    name="create",
    summary="Create a segment",
    status_code=201,
    response_model=SegmentOut,
    responses=CREATED | problems(INVALID_DEFINITION, 409, 413),
)
async def segments_create(
    body: SegmentCreate, tenant: CurrentTenant, request: Request, session: SessionDep, response: Response
) -> SegmentOut:
    """The definition is checked against the tenant's product schema."""
    segment = SegmentOut.model_validate(await segments(request, session).create(tenant, body))
    response.headers["Location"] = f"{PREFIX}/{segment.id}/"
    return segment


@router.post(
    "/preview/",
    name="preview",
    summary="Preview a definition",
    response_model=Preview,
    responses=problems(INVALID_DEFINITION, 413),
)
async def segments_preview(
    definition: Annotated[RawDefinition, Body()], tenant: CurrentTenant, request: Request
) -> Preview:
    """What the definition selects now, without saving it: the exact count, the first SKUs, the SQL."""
    return await preview(request.app.state.pim, request.app.state.segment_queries, tenant, definition)


@router.get(
    "/membership/",
    name="membership",
    summary="The segments that hold a product",
    response_model=ProductSegments,
    responses=problems(400),
)
async def segments_membership(
    tenant: CurrentTenant,
    request: Request,
    session: SessionDep,
    sku: Annotated[
        Text | None, Query(min_length=1, max_length=MAX_SKU_LENGTH, description="The product's SKU")
    ] = None,
    product_id: Annotated[int | None, Query(ge=1, le=MAX_BIGINT, description="Or the product's id")] = None,
) -> ProductSegments:
    """Give `sku`, `product_id`, or both (then they must name the same product). Each segment
    answers by its current run's members (a segment never computed holds nothing)."""
    memberships = request.app.state.memberships
    return await segments(request, session).holding(tenant, sku, product_id, memberships)


@router.get(
    ITEM_PATH,
    name="get",
    summary="Get a segment",
    response_model=SegmentOut,
    responses=problems(400, NO_SUCH_SEGMENT),
)
async def segments_get(
    segment_id: SegmentId, tenant: CurrentTenant, request: Request, session: SessionDep
) -> SegmentOut:
    return SegmentOut.model_validate(await segments(request, session).get(tenant, segment_id))


@router.patch(
    ITEM_PATH,
    name="update",
    summary="Update a segment",
    response_model=SegmentOut,
    responses=problems(INVALID_DEFINITION, NO_SUCH_SEGMENT, 409, 413),
)
async def segments_update(
    segment_id: SegmentId, body: SegmentPatch, tenant: CurrentTenant, request: Request, session: SessionDep
) -> SegmentOut:
    """Fields given replace theirs; a new definition is checked as on creation."""
    return SegmentOut.model_validate(await segments(request, session).update(tenant, segment_id, body))


@router.delete(
    ITEM_PATH,
    name="delete",
    summary="Delete a segment",
    status_code=204,
    responses=problems(400, NO_SUCH_SEGMENT, 409),
)
async def segments_delete(
    segment_id: SegmentId, tenant: CurrentTenant, request: Request, session: SessionDep
) -> Response:
    await segments(request, session).delete(tenant, segment_id)
    return Response(status_code=204)


@router.post(
    f"{ITEM_PATH}compute/",
    name="compute",
    summary="Queue a computation",
    response_model=ComputeQueued,
    responses=problems(400, NO_SUCH_SEGMENT),
)
async def segments_compute(
    segment_id: SegmentId, tenant: CurrentTenant, request: Request, session: SessionDep
) -> ComputeQueued:
    """Answers at once; the worker computes the members as a new run, then sets `computed_count` and
    `last_computed_at` (poll the segment to see it land)."""
    return await segments(request, session).queue_compute(tenant, segment_id, request.app.state.redis)


@router.get(
    f"{ITEM_PATH}members/",
    name="members",
    summary="Members of the segment, a page at a time",
    response_model=MemberPage,
    responses=problems(400, (404, "No such segment for this tenant, or the run asked for is no longer kept")),
)
async def segments_members(
    segment_id: SegmentId,
    tenant: CurrentTenant,
    request: Request,
    session: SessionDep,
    cursor: Annotated[int, Query(ge=0, le=MAX_BIGINT, description="The offset: 0, then `next_cursor`")] = 0,
    run_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_BIGINT, description="The run to page through (default: the current one)"),
    ] = None,
) -> MemberPage:
    """One run's members in SKU order, 50 a page, each with its product's name and data."""
    memberships = request.app.state.memberships
    return await segments(request, session).members(tenant, segment_id, cursor, run_id, memberships)


@router.get(
    f"{ITEM_PATH}members/export/",
    name="members_export",
    summary="Every member, streamed as CSV or NDJSON",
    response_class=StreamingResponse,
    responses=EXPORTED | problems(400, NO_SUCH_SEGMENT),
)
async def segments_members_export(
    segment_id: SegmentId,
    tenant: CurrentTenant,
    request: Request,
    session: SessionDep,
    export_format: Annotated[ExportFormat, Query(alias="format", description="csv or ndjson")] = "csv",
    fields: Annotated[
        Text,
        Query(
            min_length=1,
            max_length=MAX_EXPORT_FIELDS_LENGTH,
            description="Comma-separated: sku, name, and schema fields by name",
        ),
    ] = "sku,name",
) -> StreamingResponse:
    """Streamed in constant memory; in CSV, a text cell that a spreadsheet would run as a formula
    (starting with =, +, -, @, tab or CR) starts with a `'`. A segment never computed has no members."""
    memberships = request.app.state.memberships
    chunks = await segments(request, session).export(tenant, segment_id, export_format, fields, memberships)
    filename = f"segment-{segment_id}.{export_format}"
    return StreamingResponse(
        chunks,
        media_type=_MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    f"{ITEM_PATH}changes/",
    name="changes",
    summary="What entered and left the segment, run by run and live",
    response_model=ChangeList,
    responses=problems(400, NO_SUCH_SEGMENT),
)
async def segments_changes(
    segment_id: SegmentId,
    tenant: CurrentTenant,
    request: Request,
    session: SessionDep,
    cursor: Annotated[
        int, Query(ge=0, le=MAX_BIGINT, description="The live changes after this one: 0, then `next_cursor`")
    ] = 0,
) -> ChangeList:
    """Run by run (the last 20), and live: each SKU that a product write made enter or leave the
    segment between runs, in order, once; poll with `cursor` to get every change exactly once."""
    return await segments(request, session).changes(tenant, segment_id, cursor)
