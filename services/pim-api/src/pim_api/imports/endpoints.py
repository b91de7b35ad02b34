"""`/api/pim/import/`: CSV uploads with suggested schema and mapping, and the import jobs."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import BackgroundTasks, Form, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.imports.confirm import confirm_import, queue_import
from pim_api.imports.models import ImportJobRow
from pim_api.imports.repository import ImportJobRepository
from pim_api.imports.schemas import (
    CsvUpload,
    ImportConfirm,
    ImportConfirmed,
    ImportErrorOut,
    ImportErrorPage,
    ImportJobList,
    ImportJobOut,
    UploadOut,
)
from pim_api.imports.upload import store_upload
from pim_api.outbox.wake import queue_resync
from pim_api.products.query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from pim_api.schema.schemas import SchemaField
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import MAX_BIGINT, SessionDep
from segops_platform.errors import NotFound
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

PREFIX = "/api/pim/import"
UPLOAD_PATH = f"{PREFIX}/csv/"
FRAMING_BYTES = 1 << 20  # room for the multipart framing around a file of the largest size
router = ServiceRouter(prefix=PREFIX, tags=["csv import"], responses=problems(401, 503))
JobId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The import job's id")]
NOT_FOUND = (404, "No such import job for this tenant")


@router.post(
    "/csv/",
    name="import_upload",
    summary="Upload a CSV file: the job, the suggested schema and mapping",
    response_model=UploadOut,
    responses=problems((400, "Not a CSV file this API can read (`errors[0].message` says why)"), 413),
)
async def import_upload(
    request: Request,
    tenant: CurrentTenant,
    session: SessionDep,
    form: Annotated[CsvUpload, Form(media_type="multipart/form-data")],
) -> UploadOut:
    """Answers within seconds whatever the size (up to the upload limit, 1 GiB by default): the
    format and the suggestions come from the file's first MiB; the job waits in `mapping` for a
    confirmation. Delimiter (`,` `;` tab `|`) and encoding are detected and reported."""
    upload = await store_upload(
        session, tenant, form.file, form.file.filename or "", request.app.state.settings.import_max_bytes
    )
    return UploadOut(
        job_id=upload.job.id,
        status="mapping",
        filename=upload.job.filename,
        encoding=upload.csv_format.encoding,
        delimiter=upload.csv_format.delimiter,
        headers=upload.csv_format.headers,
        renamed_headers=upload.job.renamed_headers,
        sample_rows=upload.sample_rows,
        suggested_schema=[SchemaField.model_validate(field) for field in upload.suggestion.schema()],
        suggested_mapping=upload.suggestion.mapping(),
        confidence=upload.suggestion.confidence(),
    )


@router.get(
    "/",
    name="import_list",
    summary="The tenant's import jobs, newest first",
    response_model=ImportJobList,
)
async def import_list(tenant: CurrentTenant, session: SessionDep) -> ImportJobList:
    rows = await ImportJobRepository(session).of_tenant(tenant.id)
    return ImportJobList([ImportJobOut.model_validate(row) for row in rows])


@router.get(
    "/{job_id:int}/",
    name="import_get",
    summary="An import job: status and progress",
    response_model=ImportJobOut,
    responses=problems((400, "The job id is not a number a job can have"), NOT_FOUND),
)
async def import_get(job_id: JobId, tenant: CurrentTenant, session: SessionDep) -> ImportJobOut:
    return ImportJobOut.model_validate(await _job(session, tenant.id, job_id))


@router.post(
    "/{job_id:int}/confirm/",
    name="import_confirm",
    summary="Confirm the mapping and schema: the import starts",
    response_model=ImportConfirmed,
    responses=problems(
        (400, "The job is past `mapping`, or the mapping or schema is invalid (`errors` locates each)"),
        NOT_FOUND,
        413,
    ),
)
async def import_confirm(
    job_id: JobId,
    body: ImportConfirm,
    tenant: CurrentTenant,
    session: SessionDep,
    request: Request,
    background: BackgroundTasks,
) -> ImportConfirmed:
    """Saves `schema` as the tenant's fields (as `PUT /api/pim/schema/` does) and the defaults when
    given; the worker then imports the file (`pending` → `importing` → `done` | `failed`).

    Rows are upserted by SKU as the bulk upsert does: a mapped cell sets its field, an empty cell
    leaves it as stored; a new product needs a name. Rows that cannot be imported are listed by
    `GET /api/pim/import/{job_id}/errors/`."""
    job, retyped = await confirm_import(session, tenant, job_id, body)
    redis = request.app.state.redis
    if retyped:  # queued after the response, so after the commit
        background.add_task(queue_resync, redis, tenant.id)
    background.add_task(queue_import, redis, tenant.id, job.id)
    return ImportConfirmed(job_id=job.id, status="pending")


@router.get(
    "/{job_id:int}/errors/",
    name="import_errors",
    summary="The rows an import job could not import, and why",
    response_model=ImportErrorPage,
    responses=problems((400, "The job id or a paging parameter is out of range"), NOT_FOUND),
)
async def import_errors(
    job_id: JobId,
    tenant: CurrentTenant,
    session: SessionDep,
    request: Request,
    page: Annotated[int, Query(ge=1, le=MAX_BIGINT // MAX_PAGE_SIZE, description="Page number, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> ImportErrorPage:
    """In file order (`line`: the header is line 1), paged like the product list. The list grows
    while the job is `importing`."""
    job = await _job(session, tenant.id, job_id)
    rows = await ImportJobRepository(session).errors_page(job.id, (page - 1) * page_size, page_size)

    def link(to: int) -> str:
        return f"{request.url.path}?{urlencode({'page': to, 'page_size': page_size})}"

    return ImportErrorPage(
        count=job.error_count,
        next=link(page + 1) if page * page_size < job.error_count else None,
        previous=link(page - 1) if page > 1 else None,
        results=[ImportErrorOut.model_validate(row) for row in rows],
    )


async def _job(session: AsyncSession, tenant_id: int, job_id: int) -> ImportJobRow:
    row = await ImportJobRepository(session).get(tenant_id, job_id)
    if row is None:
        raise NotFound(f"import job {job_id} not found")
    return row
