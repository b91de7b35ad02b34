"""`segops-admin` as an operator runs it: a separate process on the test database."""

import json

import httpx

from tests.support import admin

SCHEMA = "/api/pim/schema/"


async def test_tenant_create_prints_a_working_key_as_json(pim: httpx.AsyncClient) -> None:
    result = admin("tenant", "create", "acme", "--json")
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert set(created) == {"tenant_id", "api_key"}
    response = await pim.get(SCHEMA, headers={"X-API-Key": created["api_key"]})
    assert response.status_code == 200


async def test_token_prints_a_jwt_for_the_tenant(pim: httpx.AsyncClient) -> None:
    created = json.loads(admin("tenant", "create", "acme", "--json").stdout)
    token = admin("token", "--tenant", str(created["tenant_id"]), "--ttl", "120").stdout.strip()
    by_token = await pim.get(SCHEMA, headers={"Authorization": f"Bearer {token}"})
    by_key = await pim.get(SCHEMA, headers={"X-API-Key": created["api_key"]})
    assert by_token.status_code == 200
    assert by_token.json()["id"] == by_key.json()["id"]


async def test_apikey_create_list_and_revoke(pim: httpx.AsyncClient) -> None:
    tenant_id = str(json.loads(admin("tenant", "create", "acme", "--json").stdout)["tenant_id"])
    issued = json.loads(admin("apikey", "create", "--tenant", tenant_id, "--name", "ci", "--json").stdout)
    prefix = issued["api_key"][:12]
    listing = admin("apikey", "list", "--tenant", tenant_id).stdout
    assert prefix in listing
    assert issued["api_key"] not in listing  # the secret part is never shown again

    assert admin("apikey", "verify", issued["api_key"]).stdout.strip() == tenant_id
    revoked = admin("apikey", "revoke", "--tenant", tenant_id, prefix)
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in admin("apikey", "list", "--tenant", tenant_id).stdout
    response = await pim.get(SCHEMA, headers={"X-API-Key": issued["api_key"]})
    assert response.status_code == 401
    unknown = admin("apikey", "verify", issued["api_key"])
    assert (unknown.returncode, unknown.stderr.strip()) == (1, "segops-admin: unknown or revoked API key")


def test_errors_are_one_line_and_exit_non_zero() -> None:
    missing = admin("token", "--tenant", "999999999")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "segops-admin: tenant 999999999 does not exist"
    revoke = admin("apikey", "revoke", "--tenant", "999999999", "sgk_00000000")
    assert revoke.returncode == 1
    assert "no active API key" in revoke.stderr
