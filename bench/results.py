"""Benchmark results: one JSON file per benchmark and one SUMMARY.md table over all of them."""

import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


@dataclass
class Figure:
    """Repeated measurements of one side (project or baseline), in one unit."""

    label: str
    unit: str
    runs: list[float]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "min": min(self.runs),
            "median": self.median,
            "max": max(self.runs),
        }


@dataclass
class Target:
    """What passes: a ratio against the baseline, or an absolute bound on the project's median."""

    text: str
    min_ratio: float | None = None
    max_project: float | None = None

    def met(self, ratio: float, project: float) -> bool:
        ratio_ok = self.min_ratio is None or ratio >= self.min_ratio
        return ratio_ok and (self.max_project is None or project <= self.max_project)


@dataclass
class Result:
    name: str
    description: str
    scale: str
    project: Figure
    baseline: Figure
    target: Target
    higher_is_better: bool = True
    series: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """How the project compares, >1 meaning better whatever the unit's direction."""
        if self.higher_is_better:
            return self.project.median / self.baseline.median
        return self.baseline.median / self.project.median

    @property
    def passed(self) -> bool:
        return self.target.met(self.ratio, self.project.median)

    def write(self, machine: dict[str, Any]) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        body = {
            "name": self.name,
            "description": self.description,
            "scale": self.scale,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "project": self.project.as_dict(),
            "baseline": self.baseline.as_dict(),
            "ratio": round(self.ratio, 3),
            "ratio_meaning": "project vs baseline; above 1 means the project does better",
            "target": asdict(self.target),
            "pass": self.passed,
            "series": self.series,
            "machine": machine,
        }
        path.write_text(json.dumps(body, indent=2) + "\n")
        return path


def _figure(figure: dict[str, Any]) -> str:
    return f"{figure['median']:,.1f} {figure['unit']} ({figure['label']})"


def write_summary() -> Path:
    """Rebuild SUMMARY.md from every result file, so that partial runs keep earlier rows."""
    rows = [json.loads(path.read_text()) for path in sorted(RESULTS.glob("*.json"))]
    lines = [
        "# Benchmark summary",
        "",
        "Each row: the project and its baseline measured in the same run on the same data (median of",
        "the runs; min/max in the JSON). Ratio: above 1 means the project does better than the",
        "baseline, whatever the unit. `make bench SCALE=…` rewrites the rows it runs.",
        "",
        "| benchmark | scale | project | baseline | ratio | target | pass |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = "pass" if row["pass"] else "FAIL"
        lines.append(
            f"| {row['name']} | {row['scale']} | {_figure(row['project'])} | {_figure(row['baseline'])} "
            f"| {row['ratio']:.2f} | {row['target']['text']} | {verdict} |"
        )
    machine = rows[-1]["machine"] if rows else {}
    if machine:
        lines += ["", "Machine: " + ", ".join(f"{key} {value}" for key, value in machine.items())]
    path = RESULTS / "SUMMARY.md"
    RESULTS.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path
