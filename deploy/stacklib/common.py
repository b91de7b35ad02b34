"""Paths, errors, messages, addresses and templates every part of stack.py shares."""

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DATA = ROOT / ".data"
LOGS = DATA / "logs"
PIDS = DATA / "pids"
VENV_BIN = ROOT / ".venv" / "bin"

LOCAL_HOSTS = ("127.0.0.1", "localhost")
LISTEN_HOST = "127.0.0.1"
PLACEHOLDER = re.compile(r"@[A-Z][A-Z_]*@")  # in the templates under deploy/


class StackError(Exception):
    """A failure the operator can act on; reported without a traceback."""


def say(message: str) -> None:
    print(f"stack.py: {message}", file=sys.stderr, flush=True)


def shown(path: Path) -> str:
    """A path as the operator best reads it: relative to the repo root when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS


def endpoint_of(url: str, default_port: int) -> Endpoint:
    parts = urllib.parse.urlsplit(url)
    return Endpoint(parts.hostname or LISTEN_HOST, parts.port or default_port)


def env_port(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    if not value.isdigit():
        raise StackError(f"{name}={value!r} is not a port number")
    return int(value)


def port_open(endpoint: Endpoint) -> bool:
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=1.0):
            return True
    except OSError:
        return False


def http_get(endpoint: Endpoint, path: str) -> bytes | None:
    """The body of a 200 answer to GET http://ENDPOINT/PATH, or None for anything else."""
    try:
        with urllib.request.urlopen(f"http://{endpoint}{path}", timeout=2.0) as response:
            body: bytes = response.read()
            return body if response.status == HTTPStatus.OK else None
    except (urllib.error.URLError, OSError):
        return None


def run_checked(
    argv: Sequence[str], what: str, *, cwd: Path = ROOT, env: Mapping[str, str] | None = None
) -> None:
    if subprocess.run(argv, cwd=cwd, env=env, check=False).returncode != 0:
        raise StackError(f"{what} failed: {' '.join(argv)}")


def venv_program(name: str) -> str:
    path = VENV_BIN / name
    if not path.exists():
        raise StackError(f"{shown(path)} is missing; run `make venv` first")
    return str(path)


def render(template: Path, target: Path, values: Mapping[str, str]) -> Path:
    """Write TEMPLATE to TARGET with each @NAME@ in it replaced by values[NAME]."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    if leftover := PLACEHOLDER.search(text):
        raise StackError(f"{shown(template)}: no value for {leftover.group()}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target
