"""SegOps benchmarks: the project against a baseline measured in the same run (`make bench`)."""
