"""The parts of deploy/stack.py, one job per module."""
