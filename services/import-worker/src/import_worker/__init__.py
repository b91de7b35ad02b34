"""SegOps worker: assembles and runs the jobs of both sides; the job code lives with its data."""
