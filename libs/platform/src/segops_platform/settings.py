"""Settings every service reads from the environment; each service subclasses `ServiceSettings`."""

from typing import Literal, Self

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "segops-dev-only-jwt-secret-change-me"  # noqa: S105  (refused outside dev/test)
DEV_INTERNAL_TOKEN = "segops-dev-only-internal-token-change-me"  # noqa: S105
LOCAL_ENVS = ("dev", "test")


class ServiceSettings(BaseSettings):
    """Shared settings. Defaults point at 127.0.0.1 standard ports and are safe only in dev/test."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    segops_env: Literal["dev", "test", "prod"] = "dev"
    bind_host: str = "127.0.0.1"
    log_level: str = "INFO"

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/segops"
    redis_url: str = "redis://127.0.0.1:6379/0"
    clickhouse_url: str = "http://127.0.0.1:8123"
    clickhouse_database: str = "segmentation"

    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str = ""
    jwt_private_key: str = ""

    internal_token: str = DEV_INTERNAL_TOKEN
    credential_cache_seconds: float = 30.0

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_local(self) -> Self:
        if self.jwt_algorithm == "RS256" and not self.jwt_public_key:
            raise ValueError("JWT_ALGORITHM=RS256 needs JWT_PUBLIC_KEY")
        if not 0 <= self.credential_cache_seconds <= 30:
            # Two caches may stack (segment-api over pim-api): 2 x 30 s keeps revocation under 60 s.
            raise ValueError("CREDENTIAL_CACHE_SECONDS must be within 0..30")
        if self.segops_env in LOCAL_ENVS:
            return self
        if self.jwt_algorithm == "HS256" and self.jwt_secret == DEV_JWT_SECRET:
            raise ValueError("JWT_SECRET is the development default; set a secret or SEGOPS_ENV=dev")
        if self.internal_token == DEV_INTERNAL_TOKEN:
            raise ValueError("INTERNAL_TOKEN is the development default; set a secret or SEGOPS_ENV=dev")
        return self

    @property
    def jwt_verify_key(self) -> str:
        return self.jwt_public_key if self.jwt_algorithm == "RS256" else self.jwt_secret

    @property
    def jwt_signing_key(self) -> str:
        return self.jwt_private_key if self.jwt_algorithm == "RS256" else self.jwt_secret
