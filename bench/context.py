from dataclasses import dataclass

from bench.catalog import SCALES


@dataclass(frozen=True)
class BenchContext:
    """What every benchmark gets: the largest scale asked for and the bench environment."""

    scale: str
    env: dict[str, str]

    @property
    def scales(self) -> list[str]:
        """Every scale up to the one asked for, smallest first (10k → 100k → 1m)."""
        return [scale for scale, size in SCALES.items() if size <= SCALES[self.scale]]
