from dataclasses import dataclass

from bench.environment import BenchTenant


@dataclass(frozen=True)
class BenchContext:
    """What every benchmark gets: the scale asked for, the environment and a tenant."""

    scale: str
    env: dict[str, str]
    tenant: BenchTenant
