"""HTTP shapes of CSV imports, as in the API reference, plus what the reference leaves out:
how the file was read (encoding, delimiter, renamed headers) and how sure each suggestion is."""

from datetime import datetime
from typing import Literal

from fastapi import UploadFile
from pydantic import BaseModel, ConfigDict, Field, RootModel

from pim_api.schema.schemas import SchemaField

ImportStatus = Literal["mapping", "pending", "importing", "done", "failed"]


class CsvUpload(BaseModel):
    """`POST /api/pim/import/csv/`: a multipart form with the file, nothing else."""

    model_config = ConfigDict(extra="forbid")

    file: UploadFile = Field(description="The CSV file: UTF-8 (or cp1252, Latin-1, UTF-16)")


class HeaderRenamed(BaseModel):
    column: int = Field(description="1-based position of the column")
    original: str
    renamed: str = Field(description="The name the column goes by in `headers` and the mapping")
    reason: Literal["blank header", "repeated header"]


class UploadOut(BaseModel):
    """`POST /api/pim/import/csv/`: the job (in `mapping`), the file as read, and the suggestions."""

    job_id: int
    status: ImportStatus
    filename: str
    encoding: str = Field(
        description="How the file was decoded: utf-8, utf-8-sig (BOM), utf-16, cp1252, latin-1"
    )
    delimiter: str
    headers: list[str]
    renamed_headers: list[HeaderRenamed]
    sample_rows: list[dict[str, str]] = Field(description="The first 5 data rows, by header")
    suggested_schema: list[SchemaField]
    suggested_mapping: dict[str, str | None] = Field(
        description="Header → `sku`, `name`, a field of `suggested_schema`, or null to skip the column"
    )
    confidence: dict[str, float] = Field(description="Header → how sure its suggestion is, 0 to 1")


class ImportJobOut(BaseModel):
    """An import job, as `GET /api/pim/import/{job_id}/` shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: ImportStatus
    filename: str
    size_bytes: int
    encoding: str
    delimiter: str
    headers: list[str]
    row_count: int | None = Field(description="Data rows in the file; null until the import counted them")
    imported_count: int
    error_count: int
    mapping: dict[str, str | None] | None
    error_message: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


class ImportJobList(RootModel[list[ImportJobOut]]):
    """The tenant's import jobs, newest first."""
