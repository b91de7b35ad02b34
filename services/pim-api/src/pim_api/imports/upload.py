"""A CSV upload: its format told and its columns suggested from the head, its bytes stored in
Postgres chunks (which a worker on any machine reads back), all in one transaction.

The upload streams through: the head (1 MiB) is kept for the suggestion, the rest passes on in
4 MiB chunks, so a 1 GiB file never sits in memory.
"""

from dataclasses import asdict, dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.imports.csv_format import CsvFormat, CsvFormatError, read_head
from pim_api.imports.models import ImportJobRow
from pim_api.imports.repository import ImportJobRepository
from pim_api.imports.suggestions import Suggestion, suggest_columns
from pim_api.schema.repository import ProductSchemaRepository
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.errors import BadRequest, PayloadTooLarge

HEAD_BYTES = 1 << 20
CHUNK_BYTES = 4 << 20
SAMPLE_ROWS_SHOWN = 5
SAMPLE_ROWS_SUGGESTED_FROM = 1_000


class Readable(Protocol):
    size: int | None

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Upload:
    job: ImportJobRow
    csv_format: CsvFormat
    sample_rows: list[dict[str, str]]
    suggestion: Suggestion


async def store_upload(
    session: AsyncSession, tenant: Tenant, file: Readable, filename: str, max_bytes: int
) -> Upload:
    too_large = PayloadTooLarge(f"the file exceeds the upload limit of {max_bytes:,} bytes")
    if file.size is not None and file.size > max_bytes:  # known when the upload was spooled first
        raise too_large
    head = await file.read(HEAD_BYTES)
    following = await file.read(CHUNK_BYTES)
    complete = not following
    try:
        csv_head = read_head(head, complete, SAMPLE_ROWS_SUGGESTED_FROM)
    except CsvFormatError as error:
        raise BadRequest.at([{"path": "file", "message": str(error)}]) from None
    csv_format, records = csv_head.csv_format, csv_head.records
    schema = await ProductSchemaRepository(session).get(tenant.id)
    suggestion = suggest_columns(
        csv_format.headers,
        records,
        existing_fields={field["name"]: field["type"] for field in schema.fields} if schema else {},
        default_currency=schema.default_currency if schema else None,
        default_locale=schema.default_locale if schema else None,
    )
    jobs = ImportJobRepository(session)
    job = await jobs.create(
        tenant.id,
        filename=filename,
        size_bytes=0,
        chunk_count=0,
        encoding=csv_format.encoding,
        delimiter=csv_format.delimiter,
        headers=csv_format.headers,
        renamed_headers=[asdict(rename) for rename in csv_format.renamed],
    )
    chunk, size, seq = head + following, 0, 0
    while chunk:
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        await jobs.add_chunk(job.id, seq, chunk)
        chunk, seq = await file.read(CHUNK_BYTES), seq + 1
    job.size_bytes, job.chunk_count = size, seq
    await session.flush()
    return Upload(
        job,
        csv_format,
        [_as_row(csv_format.headers, record) for record in records[:SAMPLE_ROWS_SHOWN]],
        suggestion,
    )


def _as_row(headers: list[str], record: list[str]) -> dict[str, str]:
    """A record by header; a short record's missing cells read as empty."""
    return {header: record[index] if index < len(record) else "" for index, header in enumerate(headers)}
