"""Every write stores the readability a fresh scoring gives, on the real Postgres: creates,
patches, bulk upserts and deletes, with boilerplate settled across the products that share a
description; the counts kept by score and gaps; the score filters, the catalog summary, and the
rescore after the field types change."""

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from import_worker.context import Context
from import_worker.readability import rescore_readability
from pim_api.products.scored_upsert import CHUNK_ROWS
from pim_api.readability.rescore import rescore_tenant, stale_tenants
from pim_api.readability.score import fingerprint, scorer_for
from pim_api.tenancy.service import IssuedKey
from tests.pim_api.test_readability_api import FIELDS, create, readability
from tests.pim_api.test_readability_score import COMPLETE, DESCRIPTION, TITLE
from tests.support import SchemaTenantFactory, admin, auth

_PRODUCTS = text(
    "SELECT name, data, ai_readability_score, readability_gaps, description_fingerprint "
    "FROM pim.products WHERE tenant_id = :t"
)
_KEPT = text(
    "SELECT score_tenths, gaps, count FROM pim.readability_counts WHERE tenant_id = :t AND count <> 0"
)


async def assert_scores_current(pim_app: FastAPI, tenant_id: int) -> None:
    """Each product holds the score, gaps and fingerprint that its data and the tenant's catalog
    give it now; the kept counts hold the products by (score, gaps)."""
    async with pim_app.state.sessionmaker() as session:
        products = (await session.execute(_PRODUCTS, {"t": tenant_id})).all()
        kept = {
            (tenths, gaps): count for tenths, gaps, count in await session.execute(_KEPT, {"t": tenant_id})
        }
        fields = await session.scalar(
            text("SELECT fields FROM pim.product_schemas WHERE tenant_id = :t"), {"t": tenant_id}
        )
    scorer = scorer_for({field["name"]: field["type"] for field in fields})
    sharing = Counter(each for *_, each in products if each is not None)
    for name, data, score, gaps, each in products:
        description = scorer.description(data)
        assert each == (fingerprint(description) if description else None)
        assert (score, gaps) == scorer.assess(name, data, sharing.get(each, 1)), (name, data)
    assert kept == Counter((round(score * 10), gaps) for _, _, score, gaps, _ in products)


@pytest.fixture
async def tenant(make_schema_tenant: SchemaTenantFactory) -> IssuedKey:
    return await make_schema_tenant(FIELDS)


async def stored_score(pim: httpx.AsyncClient, tenant: IssuedKey, product_id: int) -> float:
    response = await pim.get(f"/api/pim/products/{product_id}/", headers=auth(tenant.key))
    score: float = response.json()["ai_readability_score"]
    return score


async def test_each_write_stores_its_score(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    key = auth(tenant.key)
    response = await pim.post(
        "/api/pim/products/", json={"sku": "A", "name": TITLE, "data": COMPLETE}, headers=key
    )
    assert response.json()["ai_readability_score"] == 100.0
    product_id = response.json()["id"]
    patched = await pim.patch(
        f"/api/pim/products/{product_id}/", json={"data": {"gtin": None, "image_url": None}}, headers=key
    )
    assert (
        patched.json()["ai_readability_score"]
        == 84.0
        == (await readability(pim, tenant, product_id))["score"]
    )
    bulk = [
        {"sku": "A", "gtin": "4006381333931"},  # merged into the stored product: back to full marks
        {"sku": "B", "name": "Shoe"},
        *({"sku": f"C{index}", "name": TITLE, **COMPLETE} for index in range(3)),
    ]
    assert (
        await pim.post("/api/pim/products/bulk/", json={"products": bulk}, headers=key)
    ).status_code == 200
    assert await stored_score(pim, tenant, product_id) == 91.1  # no image link: 100 - 0.2 x 35 - 15 / 8
    await assert_scores_current(pim_app, tenant.tenant_id)
    listed = (await pim.get("/api/pim/products/?q=shoe&page_size=50", headers=key)).json()["results"]
    for product in listed:
        assert product["ai_readability_score"] == (await readability(pim, tenant, product["id"]))["score"]
    assert (await pim.delete(f"/api/pim/products/{product_id}/", headers=key)).status_code == 204
    await assert_scores_current(pim_app, tenant.tenant_id)


async def test_products_sharing_a_description_are_rescored_when_it_becomes_boilerplate(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, make_schema_tenant: SchemaTenantFactory
) -> None:
    key = auth(tenant.key)
    other = await make_schema_tenant(FIELDS)  # another tenant's products never count
    for index in range(4):
        await create(pim, other, f"O{index}", TITLE, COMPLETE)
    ids = [await create(pim, tenant, f"S{index}", TITLE, COMPLETE) for index in range(4)]
    assert [await stored_score(pim, tenant, each) for each in ids] == [100.0] * 4
    ids.append(await create(pim, tenant, "S4", TITLE, {**COMPLETE, "description": DESCRIPTION.upper()}))
    assert [await stored_score(pim, tenant, each) for each in ids] == [96.0] * 5  # the 5th tipped them all
    await assert_scores_current(pim_app, tenant.tenant_id)
    assert (await pim.delete(f"/api/pim/products/{ids[0]}/", headers=key)).status_code == 204
    assert [await stored_score(pim, tenant, each) for each in ids[1:]] == [100.0] * 4
    back = [{"sku": "S0", "name": TITLE, **COMPLETE}, {"sku": "S1", "description": "A new one. " * 30}]
    assert (
        await pim.post("/api/pim/products/bulk/", json={"products": back}, headers=key)
    ).status_code == 200
    await assert_scores_current(pim_app, tenant.tenant_id)  # S1 left as S0 came back: still 4
    assert await stored_score(pim, tenant, ids[2]) == 100.0
    await pim.patch(f"/api/pim/products/{ids[1]}/", json={"data": {"description": DESCRIPTION}}, headers=key)
    assert await stored_score(pim, tenant, ids[2]) == 96.0
    await assert_scores_current(pim_app, tenant.tenant_id)
    assert (
        await stored_score(
            pim,
            other,
            (await pim.get("/api/pim/products/", headers=auth(other.key))).json()["results"][0]["id"],
        )
        == 100.0
    )


async def catalog(pim: httpx.AsyncClient, tenant: IssuedKey) -> list[dict[str, Any]]:
    """Products of every grade: full marks down to a bare name."""
    items = [
        {"sku": "FULL", "name": TITLE, **COMPLETE},
        {"sku": "NO-GTIN", "name": TITLE, **{**COMPLETE, "gtin": None}},
        {"sku": "BARE", "name": "Shoe"},
        {"sku": "CAPS", "name": TITLE.upper(), **{**COMPLETE, "image_url": None, "gtin": None}},
        *(
            {"sku": f"R{index}", "name": f"Runner {index}", "brand": "Nike", "color": "red"}
            for index in range(6)
        ),
    ]
    items = [{key: value for key, value in item.items() if value is not None} for item in items]
    response = await pim.post("/api/pim/products/bulk/", json={"products": items}, headers=auth(tenant.key))
    assert response.status_code == 200, response.text
    page = await pim.get("/api/pim/products/?page_size=200", headers=auth(tenant.key))
    products: list[dict[str, Any]] = page.json()["results"]
    return products


@pytest.mark.parametrize(
    ("query", "keeps"),
    [
        ("ai_readability_score__lt=40", lambda score: score < 40),
        ("ai_readability_score__lte=84", lambda score: score <= 84),
        ("ai_readability_score__gt=84", lambda score: score > 84),
        ("ai_readability_score__gte=40&ai_readability_score__lt=90.5", lambda score: 40 <= score < 90.5),
    ],
)
async def test_score_filters_count_from_the_kept_counts_and_combine_with_the_others(
    pim: httpx.AsyncClient, tenant: IssuedKey, query: str, keeps: Any
) -> None:
    products = await catalog(pim, tenant)
    key = auth(tenant.key)
    expected = sorted(product["sku"] for product in products if keeps(product["ai_readability_score"]))
    assert expected and len(expected) < len(products)  # the filter narrows
    found = (await pim.get(f"/api/pim/products/?{query}&page_size=200", headers=key)).json()
    assert found["count"] == len(expected)
    assert sorted(product["sku"] for product in found["results"]) == expected
    red = [sku for sku in expected if sku.startswith("R")]
    with_field = (await pim.get(f"/api/pim/products/?{query}&color=red", headers=key)).json()
    assert (with_field["count"], sorted(p["sku"] for p in with_field["results"])) == (len(red), red)
    searched = (await pim.get(f"/api/pim/products/?{query}&q=runner%201", headers=key)).json()
    assert searched["count"] == len([sku for sku in red if sku == "R1"])
    facets = (await pim.get(f"/api/pim/facets/?{query}&counts=true", headers=key)).json()
    colored = [product for product in products if product["sku"] in expected and "color" in product["data"]]
    assert sum(value["count"] for value in facets["color"]) == len(colored)


async def test_a_score_filter_that_is_not_a_number_is_a_400(
    pim: httpx.AsyncClient, tenant: IssuedKey
) -> None:
    for value in ("abc", "nan", "inf", ""):
        response = await pim.get(
            f"/api/pim/products/?ai_readability_score__gt={value}", headers=auth(tenant.key)
        )
        assert response.status_code == 400, value
        assert response.json()["errors"] == [
            {"path": "ai_readability_score__gt", "message": f"{value!r} is not a number"}
        ]
    response = await pim.get("/api/pim/products/?ai_readability_score__below=3", headers=auth(tenant.key))
    assert response.status_code == 400  # not a filter: an unknown parameter


async def test_the_summary_counts_grades_and_gaps(
    pim: httpx.AsyncClient, tenant: IssuedKey, make_schema_tenant: SchemaTenantFactory
) -> None:
    products = await catalog(pim, tenant)
    await catalog(pim, await make_schema_tenant(FIELDS))  # another tenant's catalog is not summed
    summary = (await pim.get("/api/pim/readability/summary/", headers=auth(tenant.key))).json()
    scores = [product["ai_readability_score"] for product in products]
    assert summary["scored"] == len(products) and summary["unscored"] == 0
    assert summary["average_score"] == round(sum(scores) / len(scores), 1)
    grades = Counter(
        "A" if s >= 90 else "B" if s >= 80 else "C" if s >= 70 else "D" if s >= 60 else "E" for s in scores
    )
    assert summary["grades"] == {grade: grades.get(grade, 0) for grade in "ABCDE"}
    suggestions = {item["gap"]: (item["suggestion"], item["products"]) for item in summary["suggestions"]}
    assert suggestions["feed_fields.gtin"] == ("add a GTIN (gtin)", len(products) - 1)  # all but FULL
    assert suggestions["title.capitals"] == ("stop writing names in capitals", 1)
    counts = [item["products"] for item in summary["suggestions"]]
    assert counts == sorted(counts, reverse=True)
    assert "consistency.gtin" not in suggestions  # no product has the gap


async def test_a_change_of_field_types_rescores_the_catalog_in_the_background(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey, worker_context: Context
) -> None:
    products = await catalog(pim, tenant)
    key = auth(tenant.key)
    retyped = [{**field, "type": "number"} if field["name"] == "color" else field for field in FIELDS]
    assert (await pim.put("/api/pim/schema/", json={"fields": retyped}, headers=key)).status_code == 200
    async with pim_app.state.sessionmaker() as session:
        assert tenant.tenant_id in await stale_tenants(session)
    assert await rescore_tenant(pim_app.state.sessionmaker, tenant.tenant_id) == sum(
        1 for product in products if "color" in product["data"]
    )
    await assert_scores_current(pim_app, tenant.tenant_id)  # "red" no longer fits a number
    await rescore_readability(worker_context)  # what the worker runs: every stale tenant
    async with pim_app.state.sessionmaker() as session:
        assert await stale_tenants(session) == []


async def test_a_write_does_not_wait_for_a_sharing_product_another_transaction_holds(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    ids = [await create(pim, tenant, f"S{index}", TITLE, COMPLETE) for index in range(4)]
    async with pim_app.state.sessionmaker() as blocker, blocker.begin():
        await blocker.execute(  # as a write of S0 would, while it waits for its own turn
            text("SELECT 1 FROM pim.products WHERE tenant_id = :t AND id = :id FOR UPDATE"),
            {"t": tenant.tenant_id, "id": ids[0]},
        )
        fifth = await asyncio.wait_for(create(pim, tenant, "S4", TITLE, COMPLETE), timeout=10)
    assert await stored_score(pim, tenant, fifth) == 96.0
    assert [await stored_score(pim, tenant, each) for each in ids[1:]] == [96.0] * 3
    assert await stored_score(pim, tenant, ids[0]) == 100.0  # held: left to its own writer


async def test_segops_admin_rescore_brings_old_scores_up_to_the_rules(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    products = await catalog(pim, tenant)
    async with pim_app.state.sessionmaker() as session, session.begin():  # as older rules scored them
        await session.execute(
            text(
                "UPDATE pim.products SET ai_readability_score = 50, readability_gaps = 0 WHERE tenant_id = :t"
            ),
            {"t": tenant.tenant_id},
        )
    rescored = admin("rescore", "--tenant", str(tenant.tenant_id))
    assert rescored.returncode == 0, rescored.stderr
    assert rescored.stdout.strip() == f"tenant {tenant.tenant_id}: {len(products)} scores changed"
    await assert_scores_current(pim_app, tenant.tenant_id)
    again = admin("rescore", "--tenant", str(tenant.tenant_id))
    assert again.stdout.strip() == f"tenant {tenant.tenant_id}: 0 scores changed"


async def test_a_bulk_upsert_of_several_chunks_scores_every_product(
    pim: httpx.AsyncClient, pim_app: FastAPI, tenant: IssuedKey
) -> None:
    count = 2 * CHUNK_ROWS + 7  # three statements, each scored while the one before is written
    items = [
        {
            "sku": f"K{index:05d}",
            "name": f"Nike runner {index}",
            "brand": "Nike",
            "color": ["red", "blue"][index % 2],
        }
        for index in range(count)
    ]
    items[-1] |= {"description": DESCRIPTION}  # the last chunk shares the first's description
    items[0] |= {"description": DESCRIPTION}
    response = await pim.post(
        "/api/pim/products/bulk/", json={"products": items[::-1]}, headers=auth(tenant.key)
    )
    assert response.json() == {"created": count, "updated": 0}
    await assert_scores_current(pim_app, tenant.tenant_id)
