import pytest


@pytest.fixture(scope="session", autouse=True)
def test_databases() -> None:
    """These tests read files only: no database set-up (overrides the root conftest's)."""
