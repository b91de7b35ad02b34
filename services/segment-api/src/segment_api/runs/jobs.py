"""The names under which the APIs queue the worker's segment jobs (they never import the worker)."""

COMPUTE_JOB = "compute_segment"
