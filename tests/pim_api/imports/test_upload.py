"""`POST /api/pim/import/csv/`: real-world files read right, defects a clear 400, the upload stored
in chunks, the job in `mapping`, listed newest first, another tenant's a 404."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from pim_api.imports.endpoints import FRAMING_BYTES
from pim_api.imports.upload import CHUNK_BYTES
from pim_api.tenancy.service import IssuedKey
from tests.support import TenantFactory, auth

UPLOAD = "/api/pim/import/csv/"
CATALOGS = Path(__file__).resolve().parents[4] / "shared" / "data" / "real-catalogs"


@pytest.fixture
async def tenant(make_tenant: TenantFactory) -> IssuedKey:
    return await make_tenant()


async def upload(
    pim: httpx.AsyncClient, tenant: IssuedKey, content: bytes, name: str = "f.csv"
) -> httpx.Response:
    return await pim.post(UPLOAD, files={"file": (name, content, "text/csv")}, headers=auth(tenant.key))


async def uploaded(pim: httpx.AsyncClient, tenant: IssuedKey, content: bytes) -> dict[str, Any]:
    response = await upload(pim, tenant, content)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_upload_answers_the_job_the_file_as_read_and_the_suggestions(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    content = b"Product ID,Title,Brand,Sale Price,Stock\n" + b"".join(
        b"SHOE-%03d,Air Max %d,Nike,129.99,%d\n" % (i, i, i) for i in range(8)
    )
    body = await uploaded(pim, tenant, content)
    assert body["status"] == "mapping" and body["filename"] == "f.csv"
    assert (body["encoding"], body["delimiter"]) == ("utf-8", ",")
    assert body["headers"] == ["Product ID", "Title", "Brand", "Sale Price", "Stock"]
    assert body["sample_rows"][0] == {
        "Product ID": "SHOE-000",
        "Title": "Air Max 0",
        "Brand": "Nike",
        "Sale Price": "129.99",
        "Stock": "0",
    }
    assert len(body["sample_rows"]) == 5
    assert body["suggested_mapping"] == {
        "Product ID": "sku",
        "Title": "name",
        "Brand": "brand",
        "Sale Price": "price",
        "Stock": "inventory_count",
    }
    types = {field["name"]: field["type"] for field in body["suggested_schema"]}
    assert types == {"brand": "string", "price": "price", "inventory_count": "number"}
    assert set(body["confidence"]) == set(body["headers"])
    job = (await pim.get(f"/api/pim/import/{body['job_id']}/", headers=auth(tenant.key))).json()
    assert (job["status"], job["size_bytes"], job["row_count"], job["imported_count"]) == (
        "mapping",
        len(content),
        None,
        0,
    )


@pytest.mark.parametrize(
    ("content", "encoding", "delimiter"),
    [
        ("\ufeffsku;name;Prix\nA;Crème brûlée;3,50\n".encode(), "utf-8-sig", ";"),
        ("sku\tname\nA\t“Quoted” \u2013 €5\n".encode("cp1252"), "cp1252", "\t"),
        ("sku|name\nA|Ærøskøbing\x81\n".encode("latin-1"), "latin-1", "|"),
        ("sku,name\r\nA,Ünïcode\r\n".encode("utf-16"), "utf-16", ","),
    ],
)
async def test_encodings_and_delimiters_are_detected_and_decoded(
    pim: httpx.AsyncClient, tenant: IssuedKey, content: bytes, encoding: str, delimiter: str
) -> None:
    body = await uploaded(pim, tenant, content)
    assert (body["encoding"], body["delimiter"]) == (encoding, delimiter)
    expected = content.decode(encoding).lstrip("\ufeff").splitlines()[1].split(delimiter)[1]
    assert body["sample_rows"][0]["name"] == expected


async def test_a_quoted_field_with_newlines_is_one_cell(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    body = await uploaded(pim, tenant, b'sku,description\nA,"line one\nline two, with comma"\nB,plain\n')
    assert [row["description"] for row in body["sample_rows"]] == ["line one\nline two, with comma", "plain"]


async def test_blank_and_repeated_headers_are_renamed_and_reported(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    body = await uploaded(pim, tenant, b"sku,Price,,Price\nA,1,x,2\n")
    assert body["headers"] == ["sku", "Price", "column_3", "Price (2)"]
    assert body["renamed_headers"] == [
        {"column": 3, "original": "", "renamed": "column_3", "reason": "blank header"},
        {"column": 4, "original": "Price", "renamed": "Price (2)", "reason": "repeated header"},
    ]
    assert body["sample_rows"][0] == {"sku": "A", "Price": "1", "column_3": "x", "Price (2)": "2"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\r\n \n", "the file is empty"),
        (b"sku,name\n", "the file has a header but no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is binary"),
        (b",,\nA,B,C\n", "the first line (the header) names no column"),
    ],
)
async def test_what_is_no_csv_is_a_400_saying_why(
    pim: httpx.AsyncClient, tenant: IssuedKey, content: bytes, message: str
) -> None:
    response = await upload(pim, tenant, content)
    assert response.status_code == 400, response.text
    problem = response.json()["errors"][0]
    assert problem["path"] == "file" and problem["message"].startswith(message)


async def test_a_missing_file_part_is_a_400_naming_it(pim: httpx.AsyncClient, tenant: IssuedKey) -> None:
    response = await pim.post(UPLOAD, data={"other": "x"}, headers=auth(tenant.key))
    assert response.status_code == 400, response.text
    assert "file" in response.json()["errors"][0]["path"]


async def test_an_upload_over_the_limit_is_refused_with_413_before_it_is_read(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    too_large = str((1 << 30) + FRAMING_BYTES + 1)  # over 1 GiB (the default limit) and its framing
    response = await pim.post(
        UPLOAD,
        content=b"--x--",
        headers={
            **auth(tenant.key),
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": too_large,
        },
    )
    assert response.status_code == 413
    assert "1025 MB" in response.json()["detail"]


async def test_a_file_of_1_gib_and_1_byte_is_refused_with_413_and_nothing_stored(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    header, piece = b"sku,name\n", b"A,a\n" * (1 << 18)  # 1 MiB of rows
    size = (1 << 30) + 1

    async def body() -> AsyncIterator[bytes]:  # streamed: no Content-Length to refuse it by
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n' + header
        for _ in range(1023):
            yield piece
        yield piece[: size - len(header) - 1023 * len(piece)]
        yield b"\r\n--x--\r\n"

    jobs_before = (await pim.get("/api/pim/import/", headers=auth(tenant.key))).json()
    response = await pim.post(
        UPLOAD,
        content=body(),
        headers={**auth(tenant.key), "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413, response.text
    assert "upload limit" in response.json()["detail"]
    assert (await pim.get("/api/pim/import/", headers=auth(tenant.key))).json() == jobs_before


async def test_the_upload_is_stored_in_chunks_that_rebuild_the_file(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    rows = b"".join(b"SKU-%07d,Product %d,%s\n" % (i, i, b"x" * 40) for i in range(150_000))
    content = b"sku,name,notes\n" + rows
    assert len(content) > 2 * CHUNK_BYTES
    body = await uploaded(pim, tenant, content)
    async with pim_app.state.sessionmaker() as session:
        chunks = (
            await session.execute(
                text("SELECT data FROM pim.import_chunks WHERE job_id = :job ORDER BY seq"),
                {"job": body["job_id"]},
            )
        ).scalars()
        assert b"".join(chunks) == content


async def test_jobs_are_listed_newest_first_and_only_to_their_tenant(
    pim: httpx.AsyncClient, tenant: IssuedKey, make_tenant: TenantFactory
) -> None:
    first = await uploaded(pim, tenant, b"sku,name\nA,a\n")
    second = await uploaded(pim, tenant, b"sku,name\nB,b\n")
    listed = (await pim.get("/api/pim/import/", headers=auth(tenant.key))).json()
    assert [job["id"] for job in listed] == [second["job_id"], first["job_id"]]
    other = await make_tenant()
    assert (await pim.get("/api/pim/import/", headers=auth(other.key))).json() == []
    assert (await pim.get(f"/api/pim/import/{first['job_id']}/", headers=auth(other.key))).status_code == 404


@pytest.mark.skipif(not CATALOGS.is_dir(), reason="the real catalogs are not on this machine")
@pytest.mark.parametrize("path", sorted(CATALOGS.glob("*.csv")), ids=lambda path: path.stem)
async def test_every_real_export_uploads_with_one_sku_and_one_name_column(
    pim: httpx.AsyncClient, tenant: IssuedKey, path: Path
) -> None:
    body = await uploaded(pim, tenant, await asyncio.to_thread(path.read_bytes))
    targets = list(body["suggested_mapping"].values())
    assert targets.count("sku") == 1 and targets.count("name") == 1, body["suggested_mapping"]
    assert len(body["sample_rows"]) == (3 if path.name.startswith("odoo") else 5)  # odoo's has 3 rows
