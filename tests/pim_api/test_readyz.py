"""pim-api's /readyz against a real Redis that is stopped mid-test."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from pim_api.main import create_app
from pim_api.settings import PimSettings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def throwaway_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test's own, so that stopping it disturbs nobody."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is installed by `make test`"
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    process.kill()
    process.wait()


async def test_readyz_reports_a_stopped_dependency(
    throwaway_redis: tuple[str, subprocess.Popen[bytes]],
) -> None:
    redis_url, redis_process = throwaway_redis
    app = create_app(PimSettings(redis_url=redis_url))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://p") as client,
    ):
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"postgres": "ok", "redis": "ok"}

        redis_process.kill()
        redis_process.wait()
        down = await client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["detail"] == "not ready: redis is unreachable"
        assert down.json()["checks"]["postgres"] == "ok"
        assert (await client.get("/healthz")).status_code == 200  # alive, just not ready
