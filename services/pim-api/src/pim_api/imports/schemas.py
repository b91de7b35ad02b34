"""HTTP shapes of CSV imports, as in the API reference, plus what the reference leaves out:
how the file was read (encoding, delimiter, renamed headers) and how sure each suggestion is."""

from datetime import datetime
from typing import Literal

from fastapi import UploadFile
from pydantic import BaseModel, ConfigDict, Field, RootModel

from pim_api.schema.schemas import MAX_FIELDS, CurrencyCode, Locale, SchemaField, SchemaFieldIn
from segops_platform.json_body import RequestBody
from segops_platform.text_rules import NO_NUL_PATTERN, Text

MAX_COLUMNS = 2_000  # headers of a file the API takes

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
    imported_count: int = Field(description="Rows committed as products (created or updated)")
    rejected_count: int = Field(description="Rows not imported; `errors/` says why, by line and column")
    error_count: int = Field(description="The problems of the rejected rows (a row may have several)")
    rows_per_second: float | None = Field(
        description="Rows imported or rejected per second since the import started; null before"
    )
    mapping: dict[str, str | None] | None
    error_message: str
    created_at: datetime
    confirmed_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None


class ImportJobList(RootModel[list[ImportJobOut]]):
    """The tenant's import jobs, newest first."""


class ImportConfirm(RequestBody):
    """`POST /api/pim/import/{job_id}/confirm/`: the mapping to import with, and the schema to save."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "mapping": {"Product ID": "sku", "Title": "name", "Brand": "brand", "Notes": None},
                    "schema": [{"name": "brand", "type": "string", "required": False, "description": ""}],
                    "default_currency": "USD",
                    "default_locale": "en_US",
                }
            ]
        }
    )

    mapping: dict[str, Text | None] = Field(
        max_length=MAX_COLUMNS,
        json_schema_extra={"propertyNames": {"pattern": NO_NUL_PATTERN}},
        description="Header → `sku`, `name`, a field of `schema`, or null to skip; "
        "headers left out are skipped. Exactly one header maps to `sku`.",
    )
    fields: list[SchemaFieldIn] = Field(
        alias="schema", max_length=MAX_FIELDS, description="The schema to save: replaces the tenant's fields"
    )
    default_currency: CurrencyCode | None = None
    default_locale: Locale | None = None


class ImportConfirmed(BaseModel):
    job_id: int
    status: ImportStatus


class ImportErrorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line: int = Field(description="The row's first line in the file (the header is line 1)")
    column: str | None = Field(description="The header of the column at fault; null for the row as a whole")
    value: str = Field(description="The value as it is in the file")
    message: str


class ImportErrorPage(BaseModel):
    count: int = Field(description="How many errors the job has recorded so far")
    next: str | None
    previous: str | None
    results: list[ImportErrorOut]
