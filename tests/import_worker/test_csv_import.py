"""CSV imports run by the worker on the real servers: rows upserted by SKU with the bulk upsert's
merge rules, each bad row reported by line and column, counts exact; a stopped run resumed from its
last committed batch, a superseded one fenced off; stalled jobs found, old uploads purged."""

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from fastapi import FastAPI
from sqlalchemy import text

from import_worker.context import Context, resources
from import_worker.imports import purge_uploads, watch_imports
from pim_api.imports.csv_format import CsvFormat
from pim_api.imports.repository import ImportRunRepository
from pim_api.imports.rows import RowReader
from pim_api.imports.runner import RunSettings, run_import
from pim_api.imports.writer import Batch, BatchWriter, Written
from pim_api.products.data import SchemaView
from pim_api.tenancy.service import IssuedKey
from tests.import_worker.test_relay import live, outbox_size, replica, stored
from tests.pim_api.imports.test_upload import CATALOGS, uploaded
from tests.pim_api.test_readability_stored import assert_scores_current
from tests.pim_api.test_value_counts import assert_counts_match
from tests.support import SchemaTenantFactory, TenantFactory, auth

FIELDS = [
    {"name": "brand", "type": "string"},
    {"name": "price", "type": "price"},
    {"name": "published", "type": "boolean"},
    {"name": "tags", "type": "array"},
    {"name": "description", "type": "text"},
]
MAPPING = {
    "SKU": "sku",
    "Title": "name",
    "Brand": "brand",
    "Price": "price",
    "Published": "published",
    "Body": "description",
    "Notes": None,
}
HEADER = b"SKU,Title,Brand,Price,Published,Body,Notes\n"
# Line numbers as a person sees them in an editor: the header is line 1.
DEFECTS = HEADER + (
    b"A-1,Alpha,Acme,12.50,yes,plain,x\n"  # 2
    b'A-2,Beta,Acme,7,no,"two\nlines",y\n'  # 3-4: a quoted newline
    b",Nameless,Acme,1,yes,,z\n"  # 5: no SKU
    b"A-3,Gamma,Acme,abc,yes,,z\n"  # 6: not a price
    b"A-4,Delta,Acme\n"  # 7: ragged
    b"\n"  # 8: blank, no record
    b"A-5,,Acme,3,no,,q\n"  # 9: a new product without a name
    b"A-1,,Zeta,,,,\n"  # 10: A-1 again: brand changed, the rest as stored
    b"A-6,Eps,Acme,4,maybe,,q\n"  # 11: not a boolean
)


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def confirmed(pim: httpx.AsyncClient, tenant: IssuedKey, content: bytes) -> int:
    job_id: int = (await uploaded(pim, tenant, content))["job_id"]
    body = {"mapping": MAPPING, "schema": FIELDS}
    response = await pim.post(f"/api/pim/import/{job_id}/confirm/", json=body, headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    return job_id


async def job_of(pim: httpx.AsyncClient, tenant: IssuedKey, job_id: int) -> dict[str, Any]:
    response = await pim.get(f"/api/pim/import/{job_id}/", headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    job: dict[str, Any] = response.json()
    return job


async def products_of(pim: httpx.AsyncClient, tenant: IssuedKey) -> dict[str, dict[str, Any]]:
    page = await pim.get("/api/pim/products/?page_size=200", headers=auth(tenant.key))
    return {product["sku"]: product for product in page.json()["results"]}


async def errors_of(pim: httpx.AsyncClient, tenant: IssuedKey, job_id: int) -> list[tuple[Any, ...]]:
    page = (await pim.get(f"/api/pim/import/{job_id}/errors/", headers=auth(tenant.key))).json()
    return [(e["line"], e["column"], e["value"], e["message"]) for e in page["results"]]


async def test_rows_are_upserted_by_sku_and_each_bad_row_is_reported_where_it_is(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, run_worker: Callable[[], Awaitable[None]]
) -> None:
    existing = {"sku": "A-2", "name": "Old beta", "data": {"brand": "Old", "tags": ["kept"]}}
    assert (await pim.post("/api/pim/products/", json=existing, headers=auth(tenant.key))).status_code == 201
    job_id = await confirmed(pim, tenant, DEFECTS)
    await run_worker()
    job = await job_of(pim, tenant, job_id)
    assert job["status"] == "done" and job["error_message"] == ""
    assert (job["row_count"], job["imported_count"], job["rejected_count"], job["error_count"]) == (
        8,
        3,
        5,
        5,
    )
    assert job["completed_at"] is not None and job["rows_per_second"] > 0
    products = await products_of(pim, tenant)
    assert set(products) == {"A-1", "A-2"}
    assert products["A-1"]["name"] == "Alpha"  # line 10 gave no name: the stored one stays
    assert products["A-1"]["data"] == {
        "brand": "Zeta",
        "price": "12.50",
        "published": True,
        "description": "plain",
    }
    assert products["A-2"]["name"] == "Beta"
    assert products["A-2"]["data"] == {
        "brand": "Acme",
        "price": "7.00",
        "published": False,
        "description": "two\nlines",
        "tags": ["kept"],  # not in the file: as stored
    }
    assert await errors_of(pim, tenant, job_id) == [
        (5, "SKU", "", "no SKU: every row needs one"),
        (
            6,
            "Price",
            "abc",
            "'abc' is not a valid price: not a price (expected an amount such as 1299.00, optionally "
            "with a currency)",
        ),
        (7, None, "A-4,Delta,Acme", "has 3 fields where the header has 7"),
        (9, "Title", "", "a new product needs a name"),
        (11, "Published", "maybe", "'maybe' is not a valid boolean: expected true/false, yes/no, y/n or 1/0"),
    ]
    await assert_counts_match(pim_app, tenant)  # the import counted what it created, the trigger the rest
    # A-1 was created by the import, which wrote its replica row; A-2 was updated: the relay's.
    rows = await replica(tenant.tenant_id)
    assert live(rows) == await stored(pim_app, tenant.tenant_id)
    assert (rows["A-1"]["str_vals"], rows["A-1"]["num_vals"]) == (["Zeta"], [12.5])
    assert await outbox_size(pim_app, tenant.tenant_id) == 0
    await assert_scores_current(pim_app, tenant.tenant_id)  # created and merged rows scored on write
    for sku in ("A-1", "A-2"):  # the import's replica rows and the relay's carry the score
        assert rows[sku]["ai_readability_score"] == products[sku]["ai_readability_score"] is not None


async def test_errors_are_paged_in_file_order_and_another_tenants_job_is_not_found(
    pim: httpx.AsyncClient,
    tenant: IssuedKey,
    make_schema_tenant: SchemaTenantFactory,
    run_worker: Callable[[], Awaitable[None]],
) -> None:
    content = HEADER + b"".join(b",Nameless %d,Acme,1,yes,,\n" % index for index in range(7))
    job_id = await confirmed(pim, tenant, content)
    await run_worker()
    path = f"/api/pim/import/{job_id}/errors/"
    first = (await pim.get(path, params={"page_size": 3}, headers=auth(tenant.key))).json()
    assert (first["count"], first["previous"]) == (7, None)
    assert [error["line"] for error in first["results"]] == [2, 3, 4]
    last = (await pim.get(f"{path}?page=3&page_size=3", headers=auth(tenant.key))).json()
    assert [error["line"] for error in last["results"]] == [8]
    assert last["next"] is None and last["previous"] == f"{path}?page=2&page_size=3"
    other = await make_schema_tenant(FIELDS)
    assert (await pim.get(path, headers=auth(other.key))).status_code == 404


async def test_a_stopped_run_resumes_after_its_last_committed_batch_and_an_old_run_is_fenced_off(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    rows = [b"R-%02d,Row %d,Acme,%d,yes,,\n" % (index, index, index) for index in range(20)]
    rows[7] = b"R-07,Row 7,Acme,not a price,yes,,\n"
    job_id = await confirmed(pim, tenant, HEADER + b"".join(rows))
    sessionmaker = pim_app.state.sessionmaker
    settings = RunSettings(batch_rows=3, heartbeat_seconds=60, stale_seconds=3_600)
    batches = 0

    async def crash_after_two_batches(_: Written) -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise RuntimeError("the worker dies")

    with pytest.raises(RuntimeError):
        await run_import(sessionmaker, tenant.tenant_id, job_id, settings, crash_after_two_batches)
    job = await job_of(pim, tenant, job_id)
    assert (job["status"], job["row_count"], job["imported_count"], job["rejected_count"]) == (
        "importing",
        20,
        6,
        0,
    )
    # While its run is fresh, the job is not taken over.
    await run_import(sessionmaker, tenant.tenant_id, job_id, settings, crash_after_two_batches)
    assert (await job_of(pim, tenant, job_id))["imported_count"] == 6

    # Another run takes the job over (attempt 2): the first one's batches no longer commit.
    reader = RowReader(
        CsvFormat("utf-8", ",", list(MAPPING), []), MAPPING, SchemaView({}, frozenset(), frozenset())
    )
    async with sessionmaker.begin() as session:
        assert await ImportRunRepository(session).claim(tenant.tenant_id, job_id, stale_seconds=0) == 2
    async with sessionmaker.begin() as session:
        assert await BatchWriter(session, tenant.tenant_id, job_id, 1, reader).write(Batch()) is None
        assert await BatchWriter(session, tenant.tenant_id, job_id, 2, reader).write(Batch()) is not None

    async def nothing(_: Written) -> None:
        pass

    await run_import(
        sessionmaker, tenant.tenant_id, job_id, RunSettings(batch_rows=3, stale_seconds=0), nothing
    )
    job = await job_of(pim, tenant, job_id)
    assert (job["status"], job["imported_count"], job["rejected_count"], job["error_count"]) == (
        "done",
        19,
        1,
        1,
    )
    assert [error[0] for error in await errors_of(pim, tenant, job_id)] == [9]
    assert len(await products_of(pim, tenant)) == 19


async def test_the_watchdog_queues_a_confirmed_job_whose_run_was_lost(
    pim: httpx.AsyncClient,
    pim_app: FastAPI,
    tenant: IssuedKey,
    redis: ArqRedis,
    worker_context: Context,
    run_worker: Callable[[], Awaitable[None]],
) -> None:
    job_id = await confirmed(pim, tenant, DEFECTS)
    await redis.delete(f"arq:job:import_csv:{job_id}:confirmed")  # the queued run is lost
    await redis.zrem("arq:queue", f"import_csv:{job_id}:confirmed")
    async with pim_app.state.sessionmaker.begin() as session:
        await session.execute(
            text("UPDATE pim.import_jobs SET confirmed_at = now() - interval '1 hour' WHERE id = :id"),
            {"id": job_id},
        )
    assert await watch_imports(worker_context) >= 1  # an hour is past the stale time (30 s)
    assert [key async for key in redis.scan_iter(f"arq:job:import_csv:{job_id}:stalled-*")]
    await run_worker()
    assert (await job_of(pim, tenant, job_id))["status"] == "done"


async def test_uploads_past_the_retention_are_deleted_and_unconfirmed_jobs_say_so(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, worker_context: Context
) -> None:
    finished = await confirmed(pim, tenant, DEFECTS)
    forgotten = (await uploaded(pim, tenant, DEFECTS))["job_id"]
    recent = (await uploaded(pim, tenant, DEFECTS))["job_id"]
    days = resources(worker_context).settings.import_retention_days
    async with pim_app.state.sessionmaker.begin() as session:
        await session.execute(
            text(
                "UPDATE pim.import_jobs SET status = 'done', "
                "completed_at = now() - make_interval(days => :days + 1) WHERE id = :id"
            ),
            {"id": finished, "days": days},
        )
        await session.execute(
            text(
                "UPDATE pim.import_jobs SET created_at = now() - make_interval(days => :days + 1) "
                "WHERE id = :id"
            ),
            {"id": forgotten, "days": days},
        )
    assert await purge_uploads(worker_context) >= 2
    async with pim_app.state.sessionmaker() as session:
        chunks = dict(
            (
                await session.execute(
                    text(
                        "SELECT job_id, count(*) FROM pim.import_chunks "
                        "WHERE job_id = ANY(:ids) GROUP BY job_id"
                    ),
                    {"ids": [finished, forgotten, recent]},
                )
            ).all()
        )
    assert chunks == {recent: 1}
    job = await job_of(pim, tenant, forgotten)
    assert job["status"] == "failed"
    assert job["error_message"] == "never confirmed: the upload was deleted after the retention period"
    assert (await job_of(pim, tenant, finished))["status"] == "done"


@pytest.mark.skipif(not CATALOGS.is_dir(), reason="the real catalogs are not on this machine")
@pytest.mark.parametrize("path", sorted(CATALOGS.glob("*.csv")), ids=lambda path: path.stem)
async def test_every_real_export_imports_with_every_row_imported_or_reported(
    pim: httpx.AsyncClient,
    make_tenant: TenantFactory,
    run_worker: Callable[[], Awaitable[None]],
    path: Path,
) -> None:
    """Confirmed as suggested, without hand edits."""
    tenant = await make_tenant()
    content = await asyncio.to_thread(path.read_bytes)
    suggested = await uploaded(pim, tenant, content)
    body = {"mapping": suggested["suggested_mapping"], "schema": suggested["suggested_schema"]}
    job_url = f"/api/pim/import/{suggested['job_id']}/"
    assert (await pim.post(f"{job_url}confirm/", json=body, headers=auth(tenant.key))).status_code == 200
    await run_worker()
    job = (await pim.get(job_url, headers=auth(tenant.key))).json()
    text_rows = csv.reader(
        io.StringIO(content.decode(suggested["encoding"]), newline=""), delimiter=suggested["delimiter"]
    )
    records = sum(1 for record in text_rows if record) - 1
    assert job["status"] == "done", job["error_message"]
    assert job["row_count"] == records == job["imported_count"] + job["rejected_count"]
    assert job["imported_count"] > 0
    errors = (await pim.get(f"{job_url}errors/", headers=auth(tenant.key))).json()
    assert errors["count"] == job["error_count"] >= job["rejected_count"]
    stored = (await pim.get("/api/pim/products/", params={"page_size": 1}, headers=auth(tenant.key))).json()
    assert 0 < stored["count"] <= job["imported_count"]  # a SKU repeated in the file is one product


async def test_a_run_resumed_inside_a_variant_group_still_fills_its_rows_from_the_product_row(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    content = b"Handle,Variant SKU,Title,Brand\nshirt,S-1,Shirt,Acme\nshirt,S-2,,\nshirt,S-3,,\n"
    job_id: int = (await uploaded(pim, tenant, content))["job_id"]
    mapping = {"Handle": None, "Variant SKU": "sku", "Title": "name", "Brand": "brand"}
    confirm = await pim.post(
        f"/api/pim/import/{job_id}/confirm/",
        json={"mapping": mapping, "schema": FIELDS},
        headers=auth(tenant.key),
    )
    assert confirm.status_code == 200, confirm.text

    async def crash(_: Written) -> None:
        raise RuntimeError("the worker dies after the first batch")

    sessionmaker = pim_app.state.sessionmaker
    with pytest.raises(RuntimeError):
        await run_import(sessionmaker, tenant.tenant_id, job_id, RunSettings(batch_rows=2), crash)

    async def nothing(_: Written) -> None:
        pass

    await run_import(
        sessionmaker, tenant.tenant_id, job_id, RunSettings(batch_rows=2, stale_seconds=0), nothing
    )
    job = await job_of(pim, tenant, job_id)
    assert (job["status"], job["imported_count"], job["rejected_count"]) == ("done", 3, 0)
    products = await products_of(pim, tenant)
    assert {sku: (product["name"], product["data"]) for sku, product in products.items()} == {
        sku: ("Shirt", {"brand": "Acme"}) for sku in ("S-1", "S-2", "S-3")
    }
