import base64
import hashlib
import hmac
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from segops_platform.auth.tokens import issue_token, tenant_from_token
from segops_platform.errors import Unauthorized
from segops_platform.settings import ServiceSettings

HS = ServiceSettings(jwt_secret="the-real-secret")


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture(scope="module")
def rs() -> ServiceSettings:
    private, public = _rsa_pair()
    return ServiceSettings(jwt_algorithm="RS256", jwt_private_key=private, jwt_public_key=public)


def test_hs256_round_trip() -> None:
    assert tenant_from_token(HS, issue_token(HS, 42)) == 42


def test_rs256_round_trip(rs: ServiceSettings) -> None:
    assert tenant_from_token(rs, issue_token(rs, 7)) == 7


def test_expired_token_is_refused() -> None:
    token = issue_token(HS, 42, ttl_seconds=-5)
    with pytest.raises(Unauthorized, match="expired"):
        tenant_from_token(HS, token)


def test_token_signed_with_another_secret_is_refused() -> None:
    forged = issue_token(ServiceSettings(jwt_secret="attacker-secret"), 42)
    with pytest.raises(Unauthorized, match="invalid bearer token"):
        tenant_from_token(HS, forged)


def test_token_without_expiry_is_refused() -> None:
    token = jwt.encode({"tenant_id": 42}, HS.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized, match="invalid bearer token"):
        tenant_from_token(HS, token)


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_hmac_algorithms_are_refused_even_with_the_right_secret(algorithm: str) -> None:
    token = jwt.encode({"tenant_id": 42, "exp": time.time() + 60}, HS.jwt_secret, algorithm=algorithm)
    with pytest.raises(Unauthorized, match="not accepted"):
        tenant_from_token(HS, token)


def test_unsigned_alg_none_token_is_refused() -> None:
    unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ0ZW5hbnRfaWQiOjQyLCJleHAiOjk5OTk5OTk5OTl9."
    with pytest.raises(Unauthorized, match="not accepted"):
        tenant_from_token(HS, unsigned)


def test_hs256_token_keyed_with_the_rs256_public_key_is_refused(rs: ServiceSettings) -> None:
    """The classic key-confusion attack: the public key is no secret."""
    claims = {"tenant_id": 42, "exp": int(time.time()) + 60}
    header = '{"alg":"HS256","typ":"JWT"}'

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(header.encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(rs.jwt_public_key.encode(), signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(Unauthorized, match="not accepted"):
        tenant_from_token(rs, f"{signing_input}.{b64(signature)}")


def test_rs256_token_from_another_key_pair_is_refused(rs: ServiceSettings) -> None:
    other_private, other_public = _rsa_pair()
    other = ServiceSettings(jwt_algorithm="RS256", jwt_private_key=other_private, jwt_public_key=other_public)
    with pytest.raises(Unauthorized, match="invalid bearer token"):
        tenant_from_token(rs, issue_token(other, 42))


@pytest.mark.parametrize("claim", [None, "42", 0, -1, True, 4.5])
def test_token_needs_a_positive_integer_tenant_claim(claim: object) -> None:
    claims: dict[str, object] = {"exp": int(time.time()) + 60}
    if claim is not None:
        claims["tenant_id"] = claim
    token = jwt.encode(claims, HS.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthorized, match="tenant_id"):
        tenant_from_token(HS, token)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x"])
def test_malformed_tokens_are_refused(garbage: str) -> None:
    with pytest.raises(Unauthorized):
        tenant_from_token(HS, garbage)
