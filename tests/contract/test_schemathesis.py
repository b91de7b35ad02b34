"""Schemathesis, all checks and phases, against each service's public document through the gateway.

Bounded in time: fuzzing and stateful testing repeat until a run's budget is spent. Any failure or
error fails the test, with schemathesis's report (and the curl to reproduce each failure) shown.
"""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from pim_api.tenancy.service import IssuedKey
from tests.contract.conftest import RunningStack

CONFIG = Path(__file__).with_name("schemathesis.toml")
ST = Path(sys.executable).with_name("st")
# One worker: CPython 3.11.7's `ast.parse` is not safe in two threads at once (it counts its recursion
# per interpreter), and hypothesis parses sources to describe strategies; with two workers, runs
# failed now and then with "AST constructor recursion depth mismatch".
WORKERS = "1"
# Now and then (1 run in 3, measured) hypothesis draws a segment definition whose recursive groups
# (up to 200 items at each level) grow until schemathesis holds 23 GB and the kernel's OOM killer
# ends it, or another process. Capped, such a run runs out of memory (and dies, or spins until
# stopped) without harming the rest: it is run again, with a new seed, once. A run that finishes
# is never run again, whatever it reports.
MEMORY_LIMIT_BYTES = 6 << 30
STUCK_AFTER_SECONDS = 120  # past the run's own time budget
RUNS = 2


def _capped_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def _run(
    argv: list[str], env: dict[str, str], cwd: Path, seconds: int
) -> subprocess.CompletedProcess[str] | None:
    """Schemathesis's run, or None when it failed itself: out of memory, or stuck past its time."""
    try:
        result = subprocess.run(
            argv,
            env=env,
            capture_output=True,
            text=True,
            cwd=cwd,
            preexec_fn=_capped_memory,
            timeout=seconds + STUCK_AFTER_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    return None if result.returncode < 0 or "MemoryError" in result.stdout + result.stderr else result


def schemathesis(document: str, api_key: str, seconds: int, *options: str, cwd: Path) -> None:
    argv = [str(ST), "--config-file", str(CONFIG), "--no-color", "run", document, "--checks", "all"]
    argv += ["--max-time", str(seconds), "--workers", WORKERS, *options]
    env = {**os.environ, "SEGOPS_API_KEY": api_key}
    for _ in range(RUNS):
        if (result := _run(argv, env, cwd, seconds)) is not None:
            break
        print("schemathesis ran out of memory or got stuck; running it again")
    else:
        pytest.fail(f"schemathesis ran out of memory or got stuck in each of {RUNS} runs")
    sections = [result.stdout.find(title) for title in ("= ERRORS =", "= FAILURES =")]
    report = result.stdout[min([at for at in sections if at >= 0], default=0) :]
    assert result.returncode == 0, report[:60_000] + result.stderr[-5_000:]


def test_pim_api(running_stack: RunningStack, stack_tenant: IssuedKey, tmp_path: Path) -> None:
    """Everything but the schema's replacement, with a tenant whose schema stays empty: its products'
    `data` is free-form, so the document says all that makes a write valid."""
    document = f"{running_stack.gateway}/api/pim/openapi.json"
    schemathesis(document, stack_tenant.key, 90, "--exclude-operation-id", "pim_schema_replace", cwd=tmp_path)


@pytest.mark.parametrize("phases", ["examples,coverage,fuzzing"])  # no links among these two: no stateful
def test_pim_api_schema(
    running_stack: RunningStack, stack_tenant: IssuedKey, tmp_path: Path, phases: str
) -> None:
    """The schema's replacement, on a tenant of its own (random required fields would make the
    other operations' valid requests 400s)."""
    document = f"{running_stack.gateway}/api/pim/openapi.json"
    include = ["--include-operation-id", "pim_schema_replace", "--include-operation-id", "pim_schema_get"]
    schemathesis(document, stack_tenant.key, 30, *include, "--phases", phases, cwd=tmp_path)


def test_segment_api(running_stack: RunningStack, stack_tenant: IssuedKey, tmp_path: Path) -> None:
    document = f"{running_stack.gateway}/api/product-segments/openapi.json"
    schemathesis(document, stack_tenant.key, 40, cwd=tmp_path)
