"""The stack as clients meet it: pim-api and segment-api as processes behind the nginx gateway, on
the test run's databases and free ports, started once for these tests."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from redis import Redis

from pim_api.tenancy.service import IssuedKey
from tests.support import TenantFactory

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))  # stack.py's library renders the gateway config

from stacklib.application import AppPorts, render_gateway_config  # noqa: E402
from stacklib.packages import find_program  # noqa: E402

START_TIMEOUT_SECONDS = 30.0
STACK_REDIS_URL = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class RunningStack:
    gateway: str
    pim_api: str
    segment_api: str
    worker: "WorkerProcess"


class Processes:
    """Processes started for the tests, each logging to a file, stopped at the end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.cleanups: list[Callable[[], object]] = []

    def on_stop(self, cleanup: Callable[[], object]) -> None:
        self.cleanups.append(cleanup)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = self.logs / f"{name}.log"
        with open(log, "ab") as out:
            process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        self.started.append((process, log))
        return process

    def wait_until_answering(self, urls: list[str]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        pending = list(urls)
        while pending:
            for process, log in self.started:
                if process.poll() not in (None, -signal.SIGKILL):
                    raise RuntimeError(f"{process.args!r} exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(pending[0], timeout=1).status_code == 200:
                    pending.pop(0)
                    continue
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no 200 from {pending[0]} within {START_TIMEOUT_SECONDS:g} s")
            time.sleep(0.1)

    def stop(self) -> None:
        for process, _ in self.started:
            process.terminate()
        for process, _ in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for cleanup in self.cleanups:
            cleanup()


class WorkerProcess:
    """The stack's worker, which a test may kill (SIGKILL, as a crash) and start again."""

    def __init__(self, processes: Processes, env: dict[str, str]) -> None:
        self.processes = processes
        self.env = env
        self.health = f"http://127.0.0.1:{env['WORKER_HEALTH_PORT']}/healthz"
        self.process = self.start()

    def start(self) -> subprocess.Popen[bytes]:
        self.process = self.processes.start(
            "worker", [str(Path(sys.executable).with_name("segops-worker"))], self.env
        )
        self.processes.wait_until_answering([self.health])
        return self.process

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def start_gateway(processes: Processes, ports: AppPorts, upstream_timeout: int = 60) -> str:
    # Not under pytest's temporary directory: nginx's workers (user nobody) spool large bodies into
    # this one, and pytest's directories are the owner's alone.
    nginx_dir = Path(tempfile.mkdtemp(prefix="segops-nginx-"))
    nginx_dir.chmod(0o755)
    processes.on_stop(lambda: shutil.rmtree(nginx_dir, ignore_errors=True))
    config = render_gateway_config(ports, nginx_dir, upstream_timeout)  # installs nginx when missing
    argv = [str(find_program("nginx")), "-c", str(config), "-e", "stderr", "-g", "daemon off;"]
    processes.start(f"nginx-{ports.gateway}", argv, {})
    return f"http://127.0.0.1:{ports.gateway}"


# Package scope: the stack's worker sweeps the outbox every 10 s, which the other tests' exact
# counts of outbox rows would feel; it stops when the tests of this folder end.
@pytest.fixture(scope="package")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    ports = AppPorts(gateway=free_port(), pim_api=free_port(), segment_api=free_port())
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PIM_API_PORT": str(ports.pim_api),
        "SEGMENT_API_PORT": str(ports.segment_api),
        "PIM_API_URL": f"http://127.0.0.1:{ports.pim_api}",
        "WORKER_HEALTH_PORT": str(free_port()),
        # A Redis database of its own: the tests' in-process workers must not take its jobs, nor it theirs.
        "REDIS_URL": STACK_REDIS_URL,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        # An import whose worker was killed is resumed within seconds, not the default half minute.
        "IMPORT_HEARTBEAT_SECONDS": "0.5",
        "IMPORT_STALE_SECONDS": "2",
        "IMPORT_BATCH_ROWS": "2000",
    }
    Redis.from_url(STACK_REDIS_URL).flushdb()
    processes = Processes(tmp_path_factory.mktemp("stack-logs"))
    try:
        processes.start("pim-api", [str(bin_dir / "segops-pim-api")], env)
        processes.start("segment-api", [str(bin_dir / "segops-segment-api")], env)
        gateway = start_gateway(processes, ports)
        processes.wait_until_answering(
            [f"{gateway}/api/pim/healthz", f"{gateway}/api/product-segments/healthz"]
        )
        yield RunningStack(
            gateway=gateway,
            pim_api=f"http://127.0.0.1:{ports.pim_api}",
            segment_api=f"http://127.0.0.1:{ports.segment_api}",
            worker=WorkerProcess(processes, env),
        )
    finally:
        processes.stop()


@pytest.fixture
async def stack_tenant(running_stack: RunningStack, make_tenant: TenantFactory) -> IssuedKey:
    """A new tenant of the running stack (it shares the test run's database)."""
    return await make_tenant()


@pytest.fixture
def stack_key(stack_tenant: IssuedKey) -> str:
    return stack_tenant.key
