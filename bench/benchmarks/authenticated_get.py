"""An authenticated read (API key → tenant → its schema from Postgres) against bare FastAPI.

The full request path every PIM read pays: middleware, credential check (cached), a Postgres
round trip. The baseline is a bare FastAPI endpoint returning a constant JSON, same uvicorn
settings, one process each.
"""

import sys

from bench.context import BenchContext
from bench.http_load import LoadResult, run_load
from bench.results import Figure, Result, Target
from bench.servers import free_port, serving, venv_command

RUNS = 3


def _figure(label: str, loads: list[LoadResult]) -> Figure:
    return Figure(
        label=label,
        unit="req/s",
        runs=[load.requests_per_second for load in loads],
        details={
            "p50_ms": [load.p50_ms for load in loads],
            "p95_ms": [load.p95_ms for load in loads],
            "p99_ms": [load.p99_ms for load in loads],
            "failures": sum(load.failures for load in loads),
        },
    )


def run(context: BenchContext) -> list[Result]:
    pim_port, baseline_port = free_port(), free_port()
    pim_url = f"http://127.0.0.1:{pim_port}"
    baseline_url = f"http://127.0.0.1:{baseline_port}"
    project: list[LoadResult] = []
    baseline: list[LoadResult] = []
    with (
        serving(
            [venv_command("segops-pim-api")],
            f"{pim_url}/healthz",
            {**context.env, "PIM_API_PORT": str(pim_port)},
        ),
        serving([sys.executable, "-m", "bench.baseline_app", str(baseline_port)], f"{baseline_url}/constant"),
    ):
        headers = {"X-API-Key": context.tenant.api_key}
        run_load(f"{pim_url}/api/pim/schema/", headers, seconds=2)  # warm-up: pools, caches
        for _ in range(RUNS):  # interleaved, so drift hits both sides alike
            project.append(run_load(f"{pim_url}/api/pim/schema/", headers))
            baseline.append(run_load(f"{baseline_url}/constant", {}))
    failures = sum(load.failures for load in project + baseline)
    if failures:
        raise SystemExit(f"authenticated_get: {failures} failed requests; the figures would lie")
    return [
        Result(
            name="authenticated_get",
            description=__doc__.splitlines()[0] if __doc__ else "",
            scale="-",
            project=_figure("GET /api/pim/schema/ with X-API-Key", project),
            baseline=_figure("bare FastAPI constant JSON", baseline),
            target=Target(min_ratio=0.5, text="≥ 0.5x baseline req/s"),
        )
    ]
