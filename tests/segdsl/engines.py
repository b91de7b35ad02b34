"""The two ClickHouse engines the compiled SQL must run on: an 18.16 server over HTTP, and chdb."""

from typing import Any, Protocol

import httpx

from segdsl import query_settings

DATABASE = "segdsl_test"


class EngineError(Exception):
    """ClickHouse refused a query."""


class Engine(Protocol):
    name: str

    def execute(self, sql: str, body: str | None = None) -> str:
        """Run one statement (with an inline body for INSERT … FORMAT); the TabSeparated result."""
        ...


class ServerEngine:
    """A ClickHouse server (18.16 here) over its HTTP interface."""

    name = "clickhouse-18.16"

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=120)

    def execute(self, sql: str, body: str | None = None) -> str:
        content = sql if body is None else f"{sql}\n{body}"
        response = self.client.post("/", params=query_settings(sql), content=content.encode())
        if response.status_code != 200:
            raise EngineError(f"{self.name}: {response.text.strip()}\n--- query ---\n{sql[:2000]}")
        return response.text

    def close(self) -> None:
        self.client.close()


class ChdbEngine:
    """Current ClickHouse in-process (chdb); one session per test run."""

    name = "chdb"

    def __init__(self, path: str) -> None:
        from chdb import session

        session_class: Any = session.Session  # chdb has no type hints
        self.session = session_class(path)
        self.execute("SET max_query_size = 1073741824")  # SET lasts for the session; see query_settings

    def execute(self, sql: str, body: str | None = None) -> str:
        content = sql if body is None else f"{sql}\n{body}"
        try:
            return str(self.session.query(content, "TabSeparated"))
        except Exception as error:
            raise EngineError(f"{self.name}: {error}\n--- query ---\n{sql[:2000]}") from error

    def close(self) -> None:
        self.session.close()
