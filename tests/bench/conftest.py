import pytest


@pytest.fixture(scope="session", autouse=True)
def test_databases() -> None:
    """The harness's pure parts need no database set-up (overrides the root conftest's)."""
