"""Engines for the segdsl execution tests: database `segdsl_test` on the 18.16 server and in chdb."""

import os
from collections.abc import Iterator

import pytest

from segdsl import replica_ddl
from tests.segdsl.engines import DATABASE, ChdbEngine, Engine, ServerEngine

ENGINE_NAMES = ("clickhouse-18.16", "chdb")


def _prepare(engine: Engine) -> None:
    engine.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    engine.execute(f"CREATE DATABASE {DATABASE}")
    for statement in replica_ddl(DATABASE):
        engine.execute(statement)


@pytest.fixture(scope="session")
def server_engine() -> Iterator[ServerEngine]:
    engine = ServerEngine(os.environ.get("CLICKHOUSE_URL", "http://127.0.0.1:8123"))
    _prepare(engine)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def chdb_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChdbEngine]:
    try:
        import chdb  # noqa: F401
    except ImportError:
        pytest.fail(
            "chdb is not installed: the conformance tests need it (chdb is pinned in constraints.txt)"
        )
    engine = ChdbEngine(str(tmp_path_factory.mktemp("chdb")))
    _prepare(engine)
    yield engine
    engine.close()


@pytest.fixture(scope="session", params=ENGINE_NAMES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each execution test runs once on ClickHouse 18.16 and once on current ClickHouse (chdb)."""
    fixture = "server_engine" if request.param == "clickhouse-18.16" else "chdb_engine"
    found: Engine = request.getfixturevalue(fixture)
    return found
