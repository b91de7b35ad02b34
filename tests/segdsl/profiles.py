"""Hypothesis profiles for the engine tests: `segdsl` in every run, `segdsl-long` with SEGDSL_LONG=1."""

import os

from hypothesis import HealthCheck, settings

# Every run checks the same 60 scenarios (reproducible CI); the nightly run explores 1,000 new ones.
settings.register_profile(
    "segdsl",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
settings.register_profile(
    "segdsl-long", parent=settings.get_profile("segdsl"), max_examples=1000, derandomize=False
)

LONG = os.environ.get("SEGDSL_LONG") == "1"
ENGINE_PROFILE = settings.get_profile("segdsl-long" if LONG else "segdsl")
