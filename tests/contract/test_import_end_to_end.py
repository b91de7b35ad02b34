"""CSV import end to end, through the gateway on the real stack: upload, confirm, a worker killed
mid-import and restarted (the job resumes: no row lost, none twice), the products in a preview."""

import httpx

from pim_api.tenancy.service import IssuedKey
from tests.contract.conftest import RunningStack
from tests.contract.test_segments_end_to_end import PREVIEW, brand_is, eventually
from tests.support import auth

ROWS = 60_000


async def test_an_import_killed_midway_resumes_exactly_and_its_products_reach_previews(
    running_stack: RunningStack, stack_tenant: IssuedKey
) -> None:
    headers = auth(stack_tenant.key)
    content = b"Handle,Title,Vendor,Variant Price\n" + b"".join(
        b"KILL-%05d,Shirt %d,%s,%d.99\n" % (index, index, b"Acme" if index % 3 else b"Zenith", index % 90)
        for index in range(ROWS)
    )
    async with httpx.AsyncClient(base_url=running_stack.gateway, timeout=30) as gateway:
        upload = await gateway.post(
            "/api/pim/import/csv/", files={"file": ("shirts.csv", content, "text/csv")}, headers=headers
        )
        assert upload.status_code == 200, upload.text
        suggested = upload.json()
        assert suggested["suggested_mapping"]["Handle"] == "sku"
        job_url = f"/api/pim/import/{suggested['job_id']}/"
        body = {"mapping": suggested["suggested_mapping"], "schema": suggested["suggested_schema"]}
        assert (await gateway.post(f"{job_url}confirm/", json=body, headers=headers)).status_code == 200

        async def job() -> dict[str, int | str | None]:
            answer: dict[str, int | str | None] = (await gateway.get(job_url, headers=headers)).json()
            return answer

        async def midway() -> bool:
            return 0 < int((await job())["imported_count"] or 0) < ROWS

        await eventually(midway, 30, "the import commits its first batches")
        running_stack.worker.kill()
        stopped_at = (await job())["imported_count"]
        assert stopped_at is not None and 0 < int(stopped_at) < ROWS
        running_stack.worker.start()

        async def done() -> bool:
            return (await job())["status"] == "done"

        await eventually(done, 60, "the restarted worker finishes the import")
        finished = await job()
        assert (finished["row_count"], finished["imported_count"], finished["rejected_count"]) == (
            ROWS,
            ROWS,
            0,
        )
        listed = await gateway.get("/api/pim/products/", params={"page_size": 1}, headers=headers)
        assert listed.json()["count"] == ROWS

        async def previewed() -> bool:
            preview = await gateway.post(PREVIEW, json=brand_is("Zenith"), headers=headers)
            return bool(preview.json()["matched_count"] == ROWS // 3)

        await eventually(previewed, 30, "the imported products reach previews")
