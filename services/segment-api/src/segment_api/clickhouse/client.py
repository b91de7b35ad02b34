"""aiochclient over a shared httpx client (no server-side parameters: 18.16 has none)."""

import httpx
from aiochclient import ChClient


def create_clickhouse_client(url: str, database: str, http: httpx.AsyncClient) -> ChClient:
    return ChClient(http, url=url, database=database)
