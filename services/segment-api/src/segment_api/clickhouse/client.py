"""aiochclient over a shared httpx client (no server-side parameters: 18.16 has none)."""

import json
from types import SimpleNamespace

import httpx
from aiochclient import ChClient

# Rows are sent as UTF-8 text, as segdsl.json_each_row writes them: `\u` escapes of characters
# outside the BMP (surrogate pairs) are not something to rely on 18.16 to read back.
_JSON = SimpleNamespace(
    dumps=lambda value: json.dumps(value, ensure_ascii=False, allow_nan=False), loads=json.loads
)


def create_clickhouse_client(url: str, database: str, http: httpx.AsyncClient, **settings: int) -> ChClient:
    """`settings` go along with every query of this client (e.g. segdsl's `query_settings`)."""
    return ChClient(http, url=url, database=database, json=_JSON, **settings)
