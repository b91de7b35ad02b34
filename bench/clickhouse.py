"""ClickHouse over its HTTP interface, for the benchmarks' hand-written queries and direct writes."""

import httpx


class ClickHouse:
    def __init__(self, url: str, database: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=300)
        self.database = database

    async def run(self, sql: str, body: str = "") -> str:
        """The statement's output as text (tab-separated); `body` follows the statement (INSERT data)."""
        response = await self.http.post("/", content=f"{sql}\n{body}" if body else sql)
        if response.status_code != 200:
            raise SystemExit(
                f"ClickHouse answered {response.status_code} to {sql[:200]!r}: {response.text[:500]}"
            )
        return response.text

    async def value(self, sql: str) -> int:
        return int(await self.run(sql))

    async def column(self, sql: str) -> list[str]:
        return (await self.run(sql)).splitlines()

    async def aclose(self) -> None:
        await self.http.aclose()
