"""What a result was measured on: cores, memory, and the versions of the servers and Python."""

import os
import platform
import subprocess
from typing import Any

import httpx


def _run(*command: str) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return ""
    return result.stdout


def _postgres_version() -> str:
    return (
        _run("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version").strip() or "unknown"
    )


def _redis_version() -> str:
    for line in _run("redis-cli", "-h", "127.0.0.1", "INFO", "server").splitlines():
        if line.startswith("redis_version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _clickhouse_version(url: str) -> str:
    try:
        return httpx.post(url, content="SELECT version()", timeout=5).text.strip()
    except httpx.HTTPError:
        return "unreachable"


def _memory_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    return round(kib / 1024 / 1024, 1)


def describe(clickhouse_url: str) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "postgresql": _postgres_version(),
        "clickhouse": _clickhouse_version(clickhouse_url),
        "redis": _redis_version(),
    }
