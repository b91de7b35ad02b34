"""`/api/pim/import/`: CSV uploads with suggested schema and mapping, and the import jobs."""

from typing import Annotated

from fastapi import Form, Path, Request

from pim_api.imports.repository import ImportJobRepository
from pim_api.imports.schemas import CsvUpload, ImportJobList, ImportJobOut, UploadOut
from pim_api.imports.upload import store_upload
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
    rows = await ImportJobRepository(session).list(tenant.id)
    return ImportJobList([ImportJobOut.model_validate(row) for row in rows])


@router.get(
    "/{job_id:int}/",
    name="import_get",
    summary="An import job: status and progress",
    response_model=ImportJobOut,
    responses=problems(
        (400, "The job id is not a number a job can have"), (404, "No such import job for this tenant")
    ),
)
async def import_get(job_id: JobId, tenant: CurrentTenant, session: SessionDep) -> ImportJobOut:
    row = await ImportJobRepository(session).get(tenant.id, job_id)
    if row is None:
        raise NotFound(f"import job {job_id} not found")
    return ImportJobOut.model_validate(row)
