"""JWTs with the algorithm pinned by configuration (HS256 with a secret, RS256 with a key pair)."""

import time

from jose import ExpiredSignatureError, JWTError, jwt

from segops_platform.database import MAX_BIGINT
from segops_platform.errors import Unauthorized
from segops_platform.settings import ServiceSettings

TENANT_CLAIM = "tenant_id"


def issue_token(settings: ServiceSettings, tenant_id: int, ttl_seconds: int = 3600) -> str:
    if not settings.jwt_signing_key:
        raise ValueError("signing a token needs JWT_PRIVATE_KEY when JWT_ALGORITHM=RS256")
    now = int(time.time())
    claims = {TENANT_CLAIM: tenant_id, "iat": now, "exp": now + ttl_seconds}
    return str(jwt.encode(claims, settings.jwt_signing_key, algorithm=settings.jwt_algorithm))


def tenant_from_token(settings: ServiceSettings, token: str) -> int:
    """Verify signature, algorithm and expiry; return the tenant id claim."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError:
        raise Unauthorized("malformed bearer token") from None
    if header.get("alg") != settings.jwt_algorithm:
        raise Unauthorized(f"token algorithm {header.get('alg')!r} is not accepted") from None
    try:
        claims = jwt.decode(
            token,
            settings.jwt_verify_key,
            algorithms=[settings.jwt_algorithm],
            options={"require_exp": True, "verify_aud": False},
        )
    except ExpiredSignatureError:
        raise Unauthorized("bearer token has expired") from None
    except JWTError as exc:
        raise Unauthorized(f"invalid bearer token: {exc}") from None
    tenant_id = claims.get(TENANT_CLAIM)
    if not isinstance(tenant_id, int) or isinstance(tenant_id, bool) or not 0 < tenant_id <= MAX_BIGINT:
        raise Unauthorized(f"bearer token has no valid {TENANT_CLAIM!r} claim")
    return tenant_id
