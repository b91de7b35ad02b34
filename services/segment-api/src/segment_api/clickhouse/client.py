"""aiochclient over a shared httpx client (no server-side parameters: 18.16 has none)."""

import json
from collections.abc import Awaitable, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar

import httpx
from aiochclient import ChClient
from pydantic_core import from_json, to_json

from segdsl import query_settings
from segops_platform.errors import ServiceUnavailable

T = TypeVar("T")

# Rows are sent as UTF-8 text, as segdsl.json_each_row writes them: `\u` escapes of characters
# outside the BMP (surrogate pairs) are not something to rely on 18.16 to read back. pydantic-core's
# encoder takes a third of json.dumps's time; rows hold no float (numbers travel as their bits).
_JSON = SimpleNamespace(dumps=to_json, loads=json.loads)


def create_clickhouse_client(url: str, database: str, http: httpx.AsyncClient, **settings: int) -> ChClient:
    """`settings` go along with every query of this client (e.g. segdsl's `query_settings`)."""
    return ChClient(http, url=url, database=database, json=_JSON, **settings)


class QueryRunner:
    """Runs segdsl's compiled queries with their settings; ClickHouse out of reach is a 503."""

    def __init__(self, http: httpx.AsyncClient, url: str, database: str) -> None:
        self.http = http
        self.url = url
        self.database = database

    async def execute(self, sql: str) -> None:
        await self._run(self._client(sql).execute(sql))

    async def insert(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """`INSERT … VALUES` of these rows."""
        await self._run(self._client(sql).execute(sql, *rows))

    async def fetch(self, sql: str) -> list[Any]:
        return list(await self._run(self._client(sql).fetch(sql)))

    async def fetchrow(self, sql: str) -> Any:
        return await self._run(self._client(sql).fetchrow(sql))

    async def fetchval(self, sql: str) -> Any:
        return await self._run(self._client(sql).fetchval(sql))

    async def json_rows(self, sql: str) -> list[dict[str, Any]]:
        """The rows of a SELECT, read as JSON, past aiochclient: it parses every query with
        sqlparse, which refuses one of more than 10,000 tokens (a few thousand SKUs in an IN list)."""
        response = await self.open(f"{sql} FORMAT JSONEachRow")
        try:
            return [from_json(line) for line in (await response.aread()).splitlines() if line]
        finally:
            await response.aclose()

    async def open(self, sql: str) -> httpx.Response:
        """The answer to `sql` (its FORMAT clause says how it is written), open to be read as it
        arrives; the caller closes it. ClickHouse out of reach or refusing the query: 503."""
        params: dict[str, str | int] = {"database": self.database, **query_settings(sql)}
        request = self.http.build_request("POST", self.url, params=params, content=sql.encode())
        try:
            response = await self.http.send(request, stream=True)
        except httpx.TransportError as error:
            raise ServiceUnavailable(
                f"ClickHouse is unavailable ({type(error).__name__}); retry the request shortly"
            ) from error
        if response.status_code != 200:
            refusal = (await response.aread()).decode(errors="replace")[:500]
            await response.aclose()
            raise ServiceUnavailable(f"ClickHouse could not answer ({response.status_code}): {refusal}")
        return response

    def _client(self, sql: str) -> ChClient:
        # Compiled SQL can be longer than ClickHouse parses by default: its settings go along.
        return create_clickhouse_client(self.url, self.database, self.http, **query_settings(sql))

    async def _run(self, query: Awaitable[T]) -> T:
        try:
            return await query
        except httpx.TransportError as error:
            raise ServiceUnavailable(
                f"ClickHouse is unavailable ({type(error).__name__}); retry the request shortly"
            ) from error
