"""`segops-admin`'s tenant, API-key and token commands (the command itself is the worker's
`import_worker.admin`, which adds the replica's commands):

segops-admin tenant create NAME [--json]
segops-admin apikey create --tenant ID [--name NAME] [--json]
segops-admin apikey list --tenant ID
segops-admin apikey revoke --tenant ID PREFIX
segops-admin token --tenant ID [--ttl SECONDS]
"""

import argparse
import json
from collections.abc import Awaitable, Callable

from pim_api.settings import PimSettings
from pim_api.tenancy.service import IssuedKey, TenancyService
from segops_platform.auth.tokens import issue_token
from segops_platform.database import create_engine, create_sessionmaker
from segops_platform.errors import SegOpsError

Command = Callable[[argparse.Namespace, TenancyService, PimSettings], Awaitable[str]]


def _issued(key: IssuedKey, as_json: bool) -> str:
    if as_json:
        return json.dumps({"tenant_id": key.tenant_id, "api_key": key.key})
    return f"tenant {key.tenant_id}\nAPI key (shown once, store it now): {key.key}"


async def tenant_create(args: argparse.Namespace, service: TenancyService, _: PimSettings) -> str:
    return _issued(await service.create_tenant(args.name), args.json)


async def apikey_create(args: argparse.Namespace, service: TenancyService, _: PimSettings) -> str:
    return _issued(await service.create_api_key(args.tenant, name=args.name), args.json)


async def apikey_list(args: argparse.Namespace, service: TenancyService, _: PimSettings) -> str:
    rows = await service.list_api_keys(args.tenant)
    lines = [
        f"{row.prefix}\t{row.name or '-'}\tcreated {row.created_at:%Y-%m-%d %H:%M}"
        + (f"\trevoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "\tactive")
        for row in rows
    ]
    return "\n".join(lines) or f"tenant {args.tenant} has no API keys"


async def apikey_revoke(args: argparse.Namespace, service: TenancyService, _: PimSettings) -> str:
    await service.revoke_api_key(args.tenant, args.prefix)
    return f"revoked {args.prefix}; every service refuses it within 60 s"


async def apikey_verify(args: argparse.Namespace, service: TenancyService, _: PimSettings) -> str:
    tenant_id = await service.tenant_for_api_key(args.key)
    if tenant_id is None:
        raise SegOpsError("unknown or revoked API key")
    return str(tenant_id)


async def token(args: argparse.Namespace, service: TenancyService, settings: PimSettings) -> str:
    if not await service.tenant_exists(args.tenant):
        raise SegOpsError(f"tenant {args.tenant} does not exist")
    return issue_token(settings, args.tenant, ttl_seconds=args.ttl)


Groups = argparse._SubParsersAction  # what `add_subparsers` returns


def add_commands(groups: "Groups[argparse.ArgumentParser]") -> None:
    """The tenant, apikey and token commands (`segops-admin` adds the replica's beside them)."""
    tenant = groups.add_parser("tenant", help="tenants").add_subparsers(dest="action", required=True)
    create = tenant.add_parser("create", help="create a tenant with a first API key")
    create.add_argument("name")
    create.add_argument("--json", action="store_true", help='print {"tenant_id", "api_key"}')
    create.set_defaults(run=tenant_create)

    apikey = groups.add_parser("apikey", help="API keys").add_subparsers(dest="action", required=True)
    key_create = apikey.add_parser("create", help="issue a new API key")
    key_create.add_argument("--tenant", type=int, required=True)
    key_create.add_argument("--name", default="")
    key_create.add_argument("--json", action="store_true")
    key_create.set_defaults(run=apikey_create)
    key_list = apikey.add_parser("list", help="list a tenant's keys (prefixes only)")
    key_list.add_argument("--tenant", type=int, required=True)
    key_list.set_defaults(run=apikey_list)
    revoke = apikey.add_parser("revoke", help="revoke a key by its visible prefix")
    revoke.add_argument("--tenant", type=int, required=True)
    revoke.add_argument("prefix", help="the key's visible prefix, e.g. sgk_1a2b3c4d")
    revoke.set_defaults(run=apikey_revoke)
    verify = apikey.add_parser("verify", help="print the tenant of an active key")
    verify.add_argument("key")
    verify.set_defaults(run=apikey_verify)

    tok = groups.add_parser("token", help="print a signed JWT for a tenant")
    tok.add_argument("--tenant", type=int, required=True)
    tok.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default 3600)")
    tok.set_defaults(run=token)


async def run(args: argparse.Namespace, settings: PimSettings) -> str:
    """Run a command of `add_commands` in one transaction."""
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            output: str = await args.run(args, TenancyService(session), settings)
            return output
    finally:
        await engine.dispose()
