"""A process's memory as Linux reports it (/proc/<pid>/status)."""

from pathlib import Path


def memory_mb(pid: int, figure: str) -> float:
    """`VmRSS` (resident now) or `VmHWM` (its peak so far) of the process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{figure}:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no {figure} for process {pid}")
