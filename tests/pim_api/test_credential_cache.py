"""A revoked key keeps working only until the credential cache expires (≤ 30 s here, ≤ 60 s overall)."""

import pytest
from fastapi import FastAPI

from pim_api.settings import PimSettings
from pim_api.tenancy.directory import DatabaseTenantDirectory
from pim_api.tenancy.service import TenancyService
from segops_platform.auth.tenant_directory import Authenticator
from segops_platform.errors import Unauthorized
from tests.support import TenantFactory


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_revocation_takes_effect_when_the_cached_answer_expires(
    pim_app: FastAPI, pim_settings: PimSettings, make_tenant: TenantFactory
) -> None:
    clock = FakeClock()
    authenticator = Authenticator(pim_settings, DatabaseTenantDirectory(pim_app.state.sessionmaker), clock)
    tenant = await make_tenant()
    assert (await authenticator.authenticate(None, tenant.key)).id == tenant.tenant_id

    async with pim_app.state.sessionmaker() as session, session.begin():
        await TenancyService(session).revoke_api_key(tenant.tenant_id, tenant.prefix)

    clock.now += pim_settings.credential_cache_seconds - 1
    assert (await authenticator.authenticate(None, tenant.key)).id == tenant.tenant_id
    clock.now += 1
    with pytest.raises(Unauthorized, match="unknown or revoked"):
        await authenticator.authenticate(None, tenant.key)
    assert pim_settings.credential_cache_seconds <= 30


async def test_unknown_keys_are_not_cached(
    pim_app: FastAPI, pim_settings: PimSettings, make_tenant: TenantFactory
) -> None:
    """A key created after a failed attempt works at once (no negative caching)."""
    directory = DatabaseTenantDirectory(pim_app.state.sessionmaker)
    authenticator = Authenticator(pim_settings, directory, FakeClock())
    tenant = await make_tenant()
    async with pim_app.state.sessionmaker() as session, session.begin():
        second = await TenancyService(session).create_api_key(tenant.tenant_id)
    wrong = second.key[:-1] + ("A" if second.key[-1] != "A" else "B")
    with pytest.raises(Unauthorized):
        await authenticator.authenticate(None, wrong)
    assert (await authenticator.authenticate(None, second.key)).id == tenant.tenant_id
