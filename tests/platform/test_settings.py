import pytest
from pydantic import ValidationError

from segops_platform.settings import DEV_INTERNAL_TOKEN, DEV_JWT_SECRET, ServiceSettings


@pytest.mark.parametrize("env", ["dev", "test"])
def test_local_environments_accept_the_development_defaults(env: str) -> None:
    settings = ServiceSettings(segops_env=env)
    assert settings.jwt_secret == DEV_JWT_SECRET


def test_production_refuses_the_default_jwt_secret() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET is the development default"):
        ServiceSettings(segops_env="prod", internal_token="a-real-internal-token")


def test_production_refuses_the_default_internal_token() -> None:
    with pytest.raises(ValidationError, match="INTERNAL_TOKEN is the development default"):
        ServiceSettings(segops_env="prod", jwt_secret="a-real-secret")


def test_production_starts_with_real_secrets() -> None:
    settings = ServiceSettings(segops_env="prod", jwt_secret="s3cret", internal_token="t0ken")
    assert settings.jwt_verify_key == "s3cret"
    assert settings.internal_token != DEV_INTERNAL_TOKEN


def test_rs256_needs_a_public_key() -> None:
    with pytest.raises(ValidationError, match="needs JWT_PUBLIC_KEY"):
        ServiceSettings(jwt_algorithm="RS256")


def test_credential_cache_cannot_delay_revocation_past_a_minute() -> None:
    with pytest.raises(ValidationError, match=r"within 0\.\.30"):
        ServiceSettings(credential_cache_seconds=45)


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@db:5432/x")
    monkeypatch.setenv("JWT_ALGORITHM", "HS256")
    assert ServiceSettings().database_url == "postgresql+asyncpg://u@db:5432/x"
