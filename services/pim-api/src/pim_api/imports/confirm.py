"""Confirming an upload: its mapping checked against the file and the submitted schema, the schema
saved (as `PUT /api/pim/schema/` saves it), and the job handed over to the worker (`pending`)."""

from collections.abc import Collection, Mapping

from arq.connections import ArqRedis
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.imports.models import ImportJobRow
from pim_api.imports.repository import ImportJobRepository
from pim_api.imports.schemas import ImportConfirm
from pim_api.imports.suggestions.vocabulary import NAME, SKU
from pim_api.schema.schemas import ProductSchemaIn
from pim_api.schema.service import ProductSchemaService, duplicate_names
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import BadRequest, NotFound
from segops_platform.jobs import enqueue_hint

IMPORT_JOB = "import_csv"
BUILT_IN_TARGETS = (SKU, NAME)  # the product's own columns; every other target is a schema field


async def queue_import(redis: ArqRedis, tenant_id: int, job_id: int, occasion: str = "confirmed") -> None:
    """Queue a run of the job, once per occasion (the job id says which: its confirmation, or the
    stall the watchdog saw); a lost one is found by the watchdog."""
    await enqueue_hint(redis, IMPORT_JOB, tenant_id, job_id, _job_id=f"{IMPORT_JOB}:{job_id}:{occasion}")


def mapping_problems(
    mapping: Mapping[str, str | None], headers: Collection[str], fields: Collection[str]
) -> list[dict[str, str]]:
    """What is wrong with a mapping of the file's `headers` onto `sku`, `name` and `fields`."""
    errors: list[dict[str, str]] = []
    sources: dict[str, str] = {}  # target → the first header mapped to it
    for header, target in mapping.items():
        path = f"mapping.{header}"
        if header not in headers:
            errors.append({"path": path, "message": f"{header!r} is not a header of the file"})
        elif target is None:
            continue
        elif target not in BUILT_IN_TARGETS and target not in fields:
            errors.append(
                {"path": path, "message": f"{target!r} is neither sku, name nor a field of `schema`"}
            )
        elif target in sources:
            message = f"{target!r} already takes the column {sources[target]!r}; a target takes one column"
            errors.append({"path": path, "message": message})
        else:
            sources[target] = header
    if "sku" not in sources:
        errors.append(
            {"path": "mapping", "message": "no header maps to 'sku': one must (rows are upserted by SKU)"}
        )
    return errors


async def confirm_import(
    session: AsyncSession, tenant: Tenant, job_id: int, body: ImportConfirm
) -> tuple[ImportJobRow, bool]:
    """The job, now `pending`; and whether the field types changed (the replica is to be rewritten)."""
    job = await ImportJobRepository(session).get(tenant.id, job_id, for_update=True)
    if job is None:
        raise NotFound(f"import job {job_id} not found")
    if job.status != "mapping":
        raise BadRequest(f"import job {job_id} is {job.status}: only a job in 'mapping' can be confirmed")
    field_names = {field.name for field in body.fields}
    errors = mapping_problems(body.mapping, job.headers, field_names) + duplicate_names(body.fields, "schema")
    if errors:
        raise BadRequest.at(errors)
    schema = ProductSchemaIn(
        fields=body.fields, default_currency=body.default_currency, default_locale=body.default_locale
    )
    _, _, retyped = await ProductSchemaService(session).replace(tenant, schema)
    job.mapping = {header: body.mapping.get(header) for header in job.headers}
    job.status = "pending"
    job.confirmed_at = func.now()
    await session.flush()
    await session.refresh(job, ["confirmed_at"])
    return job, retyped
