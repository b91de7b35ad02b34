"""A batch of import rows committed the way the bulk upsert writes: one upsert by SKU for the
batch, each row's data merged into the stored product's; with the rows' problems and the job's
counts, in the caller's transaction (all of it, or none of it, commits).

A SKU that repeats in the file is written in file order (the later row's values win); within a
batch its rows are merged first, as one statement cannot write a row twice.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.imports.repository import ImportRunRepository
from pim_api.imports.rows import ImportRow, RowProblem, RowReader
from pim_api.outbox.reader import outbox_position
from pim_api.products.counts import ValueCounts
from pim_api.products.data import missing_required
from pim_api.products.repository import Created, ProductRepository, UpsertBatch
from pim_api.products.scored_upsert import upsert_scored
from pim_api.readability.score import scorer_for
from pim_api.readability.writes import ReadabilityWrites, Subject
from segdsl import FieldType


@dataclass
class Batch:
    """Consecutive records of the file, read: the rows to write, and the problems of the others."""

    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: int = 0  # records with problems

    @property
    def records(self) -> int:
        return len(self.rows) + self.rejected


@dataclass(frozen=True)
class Written:
    """What a committed batch did to the catalog: the products it created, in the PIM's shape with
    their data as the import coerced it to `types` (so the replica can take them as they are), and
    how many stored products it changed."""

    created: list[dict[str, Any]]
    updated: int
    types: Mapping[str, FieldType]
    outbox_from: int  # the batch's outbox rows are at or above this position


@dataclass
class _Merged:
    row: ImportRow
    lines: list[int]


class BatchWriter:
    def __init__(self, session: AsyncSession, tenant_id: int, job_id: int, attempt: int, reader: RowReader):
        self.session = session
        self.tenant_id = tenant_id
        self.job_id = job_id
        self.attempt = attempt
        self.reader = reader

    async def write(self, batch: Batch) -> Written | None:
        """Write the batch; None (and nothing is to be committed) when the run was superseded."""
        merged = _merge_repeats(batch.rows)
        products = ProductRepository(self.session)
        counts = ValueCounts(self.session)
        counted_fields = await counts.count_inserts_here(self.tenant_id)
        # Every stored product of the batch, locked: its data merged with the row's is checked and scored.
        stored = await products.lock_by_skus(self.tenant_id, list(merged)) if merged else {}
        problems = list(batch.problems)
        rejected = batch.rejected
        skus: list[str] = []
        names: list[str] = []
        patches: list[dict[str, Any]] = []
        subjects: list[Subject] = []
        for sku, entry in merged.items():
            current = stored.get(sku)
            name = entry.row.name or (current.name if current else None)
            data = {**current.data, **entry.row.values} if current else entry.row.values
            found = self._whole_row_problems(entry.row, name, data)
            if found or name is None:  # (a missing name is among those found)
                problems += found
                rejected += len(entry.lines)
                continue
            skus.append(sku)
            names.append(name)
            patches.append(entry.row.values)  # merged into the stored data by the upsert
            subjects.append(Subject(sku, name, data, current.description_fingerprint if current else None))
        scoring = ReadabilityWrites(self.session, self.tenant_id, scorer_for(self.reader.schema.types))
        outbox_from = await outbox_position(self.session)
        scores: dict[str, float] = {}  # for the replica rows of the products created

        async def write(batch: UpsertBatch) -> tuple[list[Created], int]:
            scores.update(zip(batch.skus, batch.readability.scores, strict=True))
            return await products.upsert_many_written(self.tenant_id, batch)

        chunks = await upsert_scored(scoring, skus, names, patches, subjects, write)
        created = [product for chunk, _ in chunks for product in chunk]
        updated = sum(count for _, count in chunks)
        new = [sku for sku in skus if sku not in stored]
        if len(created) < len(new):  # another writer created some of them meanwhile
            await scoring.rescore_skus(new)
        # A created product's data is its patch (a stored one's is the merge: the relay reads it).
        written = {sku: index for index, sku in enumerate(skus)}
        await counts.add_inserted(
            self.tenant_id, counted_fields, (patches[written[product.sku]] for product in created)
        )
        if problems:
            await self._record(problems)
        still_ours = await ImportRunRepository(self.session).beat(
            self.tenant_id,
            self.job_id,
            self.attempt,
            imported=batch.records - rejected,
            rejected=rejected,
            errors=len(problems),
        )
        if not still_ours:
            return None
        created_products = [
            {
                **product._asdict(),
                "data": patches[written[product.sku]],
                "ai_readability_score": scores[product.sku],
            }
            for product in created
        ]
        return Written(created_products, updated, self.reader.schema.types, outbox_from)

    def _whole_row_problems(self, row: ImportRow, name: str | None, data: dict[str, Any]) -> list[RowProblem]:
        """What only the stored product tells: a new product without a name, a required field unset."""
        header_of = self.reader.header_of
        problems = [
            RowProblem(row.line, header_of.get(error["path"]), "", error["message"])
            for error in missing_required(data, self.reader.schema, "")
        ]
        if name is None:
            message = "a new product needs a name" + (
                "" if "name" in header_of else " (no column maps to name)"
            )
            problems.insert(0, RowProblem(row.line, header_of.get("name"), "", message))
        return problems

    async def _record(self, problems: list[RowProblem]) -> None:
        await self.session.execute(
            _RECORD,
            {
                "job_id": self.job_id,
                "lines": [problem.line for problem in problems],
                "columns": [problem.column for problem in problems],
                "values": [problem.value for problem in problems],
                "messages": [problem.message for problem in problems],
            },
        )


def _merge_repeats(rows: list[ImportRow]) -> dict[str, _Merged]:
    """The batch's rows by SKU, a repeated SKU's rows merged in file order (reported at its last line)."""
    merged: dict[str, _Merged] = {}
    for row in rows:
        earlier = merged.get(row.sku)
        if earlier is None:
            merged[row.sku] = _Merged(row, [row.line])
            continue
        values = {**earlier.row.values, **row.values}
        earlier.row = ImportRow(row.line, row.sku, row.name or earlier.row.name, values)
        earlier.lines.append(row.line)
    return merged


_RECORD = text(
    """
    INSERT INTO pim.import_errors (job_id, line, "column", value, message)
    SELECT :job_id, line, "column", value, message
    FROM unnest(CAST(:lines AS bigint[]), CAST(:columns AS text[]), CAST(:values AS text[]),
                CAST(:messages AS text[])) AS e(line, "column", value, message)
    """
)
