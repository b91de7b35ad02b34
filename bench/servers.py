"""Start a service under test in its own process and wait until it answers."""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

LOGS = Path(__file__).parent / ".cache" / "logs"  # each service's log of the last run


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Run in the child before it starts: the kernel sends it SIGTERM when the bench process dies,
    however it dies, so that a killed bench leaves no service behind to take the next run's jobs."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    command: list[str], health_url: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    # The log goes to a file: a pipe nobody reads fills up and then blocks the service's next write.
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{Path(command[0]).name}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log,
        preexec_fn=_die_with_parent,  # safe here: the bench starts its services before any thread
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(health_url, timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = log_path.read_text(errors="replace")
                raise SystemExit(f"{command[0]} did not start:\n{stderr[-2000:]}")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def venv_command(name: str) -> str:
    return os.path.join(os.path.dirname(sys.executable), name)


@dataclass(frozen=True)
class Stack:
    pim_url: str
    segment_url: str
    segment_api: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]


@contextmanager
def stack(env: dict[str, str]) -> Iterator[Stack]:
    """pim-api, segment-api and the worker as processes."""
    pim_port, segment_port, worker_port = free_port(), free_port(), free_port()
    pim_url, segment_url = f"http://127.0.0.1:{pim_port}", f"http://127.0.0.1:{segment_port}"
    env = {
        **env,
        "PIM_API_PORT": str(pim_port),
        "SEGMENT_API_PORT": str(segment_port),
        "WORKER_HEALTH_PORT": str(worker_port),
        "PIM_API_URL": pim_url,
    }
    with ExitStack() as processes:
        processes.enter_context(serving([venv_command("segops-pim-api")], f"{pim_url}/healthz", env))
        segment_api = processes.enter_context(
            serving([venv_command("segops-segment-api")], f"{segment_url}/healthz", env)
        )
        worker = processes.enter_context(
            serving([venv_command("segops-worker")], f"http://127.0.0.1:{worker_port}/healthz", env)
        )
        yield Stack(pim_url, segment_url, segment_api, worker)
