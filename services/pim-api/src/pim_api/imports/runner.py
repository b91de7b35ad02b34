"""An import run: a confirmed upload read back from Postgres and written in batches, resumable.

Each batch commits its products, its rows' problems and the job's counts together, so the counts
say exactly how many records of the file are done. A run that stops (a killed worker, a lost
database) leaves the job `importing` with a heartbeat that goes stale; the worker's watchdog then
queues the job again, and the next run skips the records already done. Every write of a run is
fenced by its attempt number, so a run the watchdog gave up on cannot write after its successor.

Parsing runs in a thread, one batch ahead of the batch being written; what follows a committed
batch (its replica rows) runs while the next one is written; the file's records are counted, for the
progress, beside it all.
"""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pim_api.imports.confirm import BUILT_IN_TARGETS
from pim_api.imports.csv_format import CsvFormat
from pim_api.imports.models import ImportJobRow
from pim_api.imports.records import ChunkStream, Record, records
from pim_api.imports.repository import ImportJobRepository, ImportRunRepository
from pim_api.imports.rows import ImportRow, RowReader
from pim_api.imports.writer import Batch, BatchWriter, Written
from pim_api.products.data import SchemaView
from pim_api.schema.repository import ProductSchemaRepository

CHUNK_WAIT_SECONDS = 300.0
GC_YOUNG_OBJECTS = 50_000
T = TypeVar("T")
FileRecords = Callable[[], Iterator[Record]]  # a new pass over the upload's records
AfterBatch = Callable[[Written], Coroutine[Any, Any, None]]  # follows each committed batch
log = structlog.get_logger()


@dataclass(frozen=True)
class RunSettings:
    batch_rows: int = 5_000
    heartbeat_seconds: float = 5.0
    stale_seconds: float = 30.0  # a run silent this long is taken over
    max_attempts: int = 5


class ImportFailed(Exception):
    """The import cannot go on; the message tells a person what to do."""


async def run_import(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant_id: int,
    job_id: int,
    settings: RunSettings,
    after_batch: AfterBatch,
) -> None:
    """Run (or resume) the import of a confirmed job; `after_batch` follows each committed batch."""
    async with sessionmaker.begin() as session:
        attempt = await ImportRunRepository(session).claim(tenant_id, job_id, settings.stale_seconds)
    if attempt is None:
        log.info("import_not_claimed", tenant_id=tenant_id, import_job=job_id)
        return
    run = _Run(sessionmaker, tenant_id, job_id, attempt, settings)
    young = gc.get_threshold()
    try:
        if attempt > settings.max_attempts:
            raise ImportFailed(
                f"the import stopped {settings.max_attempts} times before finishing (the worker's log has "
                f"the reasons, under import job {job_id}); the rows imported so far stay: upload the file "
                "again to import the rest"
            )
        # Collect the young generation after 50,000 new container objects, not Python's 700, while
        # the import runs: it makes ~40 containers a row, and at 700 the collector took up to half
        # of the parsing time. Process-wide, so only for the run.
        gc.set_threshold(GC_YOUNG_OBJECTS, *young[1:])
        await run.run(after_batch)
    except ImportFailed as failure:
        await run.end("failed", str(failure))
    finally:
        gc.set_threshold(*young)


class _Run:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        tenant_id: int,
        job_id: int,
        attempt: int,
        settings: RunSettings,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.tenant_id = tenant_id
        self.job_id = job_id
        self.attempt = attempt
        self.settings = settings

    async def run(self, after_batch: AfterBatch) -> None:
        job, reader = await self._prepare()
        done = job.imported_count + job.rejected_count
        async with (
            self._heartbeat(),
            self._file(job, reader) as file,
            _running(self._count_rows(job, reader)) as counting,
        ):
            batches = _batches(file(), reader, self.settings.batch_rows, skipped=done)
            written = await self._write(batches, reader, after_batch)
            if written is None:
                log.warning("import_superseded", import_job=self.job_id, attempt=self.attempt)
                return
            await counting
        await self.end("done")
        log.info("import_done", import_job=self.job_id, attempt=self.attempt, records=written)

    async def _write(
        self, batches: Iterator[Batch], reader: RowReader, after_batch: AfterBatch
    ) -> int | None:
        """Write the batches in order, each in a transaction of its own; how many records they held,
        or None when the run was superseded. The next batch is parsed (in a thread) while one is
        written, and a batch's `after_batch` runs while the next one is written."""
        records = 0
        upcoming = asyncio.create_task(asyncio.to_thread(next, batches, None))
        following: asyncio.Task[None] | None = None
        try:
            while (batch := await upcoming) is not None:
                upcoming = asyncio.create_task(asyncio.to_thread(next, batches, None))
                async with self.sessionmaker.begin() as session:
                    written = await BatchWriter(
                        session, self.tenant_id, self.job_id, self.attempt, reader
                    ).write(batch)
                    if following is not None:
                        await following  # this batch commits only once the previous one's succeeded
                    if written is None:
                        await session.rollback()
                        return None
                records += batch.records
                following = asyncio.create_task(after_batch(written))
            if following is not None:
                await following
        finally:
            upcoming.cancel()
            if following is not None:
                following.cancel()
        return records

    @contextlib.asynccontextmanager
    async def _file(self, job: ImportJobRow, reader: RowReader) -> AsyncIterator[FileRecords]:
        """The upload's records, read in a worker thread through a session of their own."""
        loop = asyncio.get_running_loop()
        async with self.sessionmaker() as chunks:

            def fetch(seq: int) -> bytes:
                read = ImportJobRepository(chunks).chunk(self.job_id, seq)
                return asyncio.run_coroutine_threadsafe(read, loop).result(CHUNK_WAIT_SECONDS)

            yield lambda: records(ChunkStream(fetch, job.chunk_count), reader.csv_format)

    async def _count_rows(self, job: ImportJobRow, reader: RowReader) -> None:
        """The file's record count, for the progress (once per job): counted beside the import, not
        before it."""
        if job.row_count is not None:
            return
        async with self._file(job, reader) as file:
            row_count = await asyncio.to_thread(lambda: sum(1 for _ in file()))
        async with self.sessionmaker.begin() as session:
            runs = ImportRunRepository(session)
            await runs.set_row_count(self.tenant_id, self.job_id, self.attempt, row_count)

    async def _prepare(self) -> tuple[ImportJobRow, RowReader]:
        async with self.sessionmaker() as session:
            job = await ImportJobRepository(session).get(self.tenant_id, self.job_id)
            schema = await ProductSchemaRepository(session).get(self.tenant_id)
        if job is None or schema is None or job.mapping is None:
            raise ImportFailed("the job or its tenant is gone")
        if job.chunk_count == 0:
            raise ImportFailed("the uploaded file is no longer stored; upload it again")
        view = SchemaView.of(schema)
        gone = sorted(
            target
            for target in job.mapping.values()
            if target is not None and target not in BUILT_IN_TARGETS and target not in view.types
        )
        if gone:
            raise ImportFailed(
                f"the schema no longer has the mapped field(s) {', '.join(gone)}: it changed after the "
                "confirmation; upload the file again and confirm a mapping onto the current schema"
            )
        csv_format = CsvFormat(job.encoding, job.delimiter, job.headers, [])
        return job, RowReader(csv_format, job.mapping, view)

    @contextlib.asynccontextmanager
    async def _heartbeat(self) -> AsyncIterator[None]:
        async def beat() -> None:
            while True:
                await asyncio.sleep(self.settings.heartbeat_seconds)
                async with self.sessionmaker.begin() as session:
                    await ImportRunRepository(session).beat(self.tenant_id, self.job_id, self.attempt)

        task = asyncio.create_task(beat())
        try:
            yield
        finally:
            task.cancel()

    async def end(self, status: str, message: str = "") -> None:
        async with self.sessionmaker.begin() as session:
            await ImportRunRepository(session).end(self.tenant_id, self.job_id, self.attempt, status, message)
        log.info("import_ended", import_job=self.job_id, status=status, message=message)


@contextlib.asynccontextmanager
async def _running(work: Coroutine[Any, Any, T]) -> AsyncIterator["asyncio.Task[T]"]:
    """`work` as a task, cancelled if the block is left before it finished."""
    task = asyncio.create_task(work)
    try:
        yield task
    finally:
        task.cancel()


def _batches(source: Iterator[Record], reader: RowReader, size: int, skipped: int) -> Iterator[Batch]:
    """The records after the first `skipped` (done by an earlier run) read into batches of `size`."""
    for record in islice(source, skipped):
        reader.skip(record)
    while chunk := list(islice(source, size)):
        batch = Batch()
        for record in chunk:
            read = reader.read(record)
            if isinstance(read, ImportRow):
                batch.rows.append(read)
            else:
                batch.problems += read
                batch.rejected += 1
        yield batch
