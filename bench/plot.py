"""A PNG per scaling benchmark: project and baseline against catalog size, log-log."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless
import matplotlib.pyplot as plt

from bench.catalog import SCALES
from bench.results import RESULTS


def plot_scaling(name: str, unit: str, series: dict[str, dict[str, Any]]) -> Path:
    """`series` maps a scale ("10k", …) to {"project": value, "baseline": value}."""
    scales = sorted(series, key=SCALES.__getitem__)
    sizes = [SCALES[scale] for scale in scales]
    figure, axes = plt.subplots(figsize=(6, 4), dpi=100)
    for side, style in (("project", "o-"), ("baseline", "s--")):
        axes.plot(sizes, [series[scale][side] for scale in scales], style, label=side)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sizes, scales)
    axes.set_xlabel("products in the catalog")
    axes.set_ylabel(unit)
    axes.set_title(name)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    figure.savefig(path)
    plt.close(figure)
    return path
