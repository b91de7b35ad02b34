"""HTTP load from a separate process on loopback: wrk, bounded in time, percentiles via Lua."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    failures: int


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    return path


def random_id_paths(prefix: str, low: int, high: int) -> str:
    """A wrk `request` function asking for `{prefix}{id}/` with a random id in [low, high].

    Seeded per run: unseeded, wrk's Lua repeats one sequence in every run, and a later run would
    mostly ask for what the service cached during the earlier ones.
    """
    return (
        "init = function(args)\n"
        "  math.randomseed(os.time())\n"
        "end\n"
        "request = function()\n"
        f'  return wrk.format(nil, "{prefix}" .. math.random({low}, {high}) .. "/")\n'
        "end\n"
    )


def run_load(
    url: str, headers: dict[str, str], seconds: int = 5, connections: int = 16, request_script: str = ""
) -> LoadResult:
    """One bounded wrk run (one thread: the service under test needs the other core)."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(request_script + _REPORT)
        command = [
            wrk_path(),
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK-JSON "))
    report = json.loads(line.removeprefix("WRK-JSON "))
    return LoadResult(
        requests_per_second=report["requests"] / (report["duration_us"] / 1e6),
        p50_ms=report["p50_ms"],
        p95_ms=report["p95_ms"],
        p99_ms=report["p99_ms"],
        requests=report["requests"],
        failures=report["errors"] + report["non2xx"],
    )
