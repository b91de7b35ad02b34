"""Result files and the summary table: ratio direction, pass/fail, rows kept across runs."""

import json
from pathlib import Path

import pytest

from bench import results
from bench.results import Figure, Result, Target, write_summary


def result(name: str, project: list[float], baseline: list[float], higher_is_better: bool = True) -> Result:
    return Result(
        name=name,
        description="d",
        scale="10k",
        project=Figure("project", "req/s" if higher_is_better else "ms", project),
        baseline=Figure("baseline", "req/s" if higher_is_better else "ms", baseline),
        target=Target(min_ratio=0.5, text=">= 0.5x"),
        higher_is_better=higher_is_better,
    )


def test_ratio_is_above_one_when_the_project_does_better_in_either_direction() -> None:
    assert result("rps", [300, 200, 100], [100, 100, 100]).ratio == 2.0
    assert result("latency", [5, 5, 9], [10, 10, 10], higher_is_better=False).ratio == 2.0
    assert result("latency", [40, 40, 40], [10, 10, 10], higher_is_better=False).ratio == 0.25


def test_median_min_and_max_are_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    path = result("a", [3, 1, 2], [1, 1, 1]).write({"cores": 2})
    body = json.loads(path.read_text())
    assert (body["project"]["min"], body["project"]["median"], body["project"]["max"]) == (1, 2, 3)
    assert body["pass"] is True
    assert body["machine"] == {"cores": 2}


def test_summary_has_a_row_per_result_with_its_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    result("fast", [100], [100]).write({"cores": 2})
    result("slow", [10], [100]).write({"cores": 2})
    summary = write_summary().read_text()
    rows = [line for line in summary.splitlines() if line.startswith("| fast") or line.startswith("| slow")]
    assert len(rows) == 2
    assert rows[0].endswith("| pass |")
    assert rows[1].endswith("| FAIL |")
    assert "| 0.10 |" in rows[1]


def test_an_absolute_target_bounds_the_projects_median() -> None:
    latency = Result(
        name="list",
        description="d",
        scale="1m",
        project=Figure("project", "ms p95", [40, 45, 60]),
        baseline=Figure("naive SQL", "ms p95", [30]),
        target=Target(max_project=50, text="p95 <= 50 ms"),
        higher_is_better=False,
    )
    assert latency.passed  # median 45 ms, although slower than the baseline
    latency.project.runs = [55, 56, 57]
    assert not latency.passed
