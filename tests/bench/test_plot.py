from pathlib import Path

import pytest

from bench import plot


def test_a_scaling_plot_is_a_png_per_benchmark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plot, "RESULTS", tmp_path)
    series = {"100k": {"project": 40.0, "baseline": 20.0}, "10k": {"project": 5.0, "baseline": 3.0}}
    path = plot.plot_scaling("preview_count", "ms", series)
    assert path == tmp_path / "preview_count.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 5_000
