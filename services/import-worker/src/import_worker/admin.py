"""`segops-admin`: tenants, API keys and tokens (pim-api's commands), and the replica's.

segops-admin tenant create NAME [--json]      (and the other commands of `pim_api.admin`)
segops-admin verify-sync --tenant ID          compare Postgres and the replica; exit 1 on a difference
segops-admin resync (--tenant ID | --all)     rewrite tenants' replicas from Postgres
segops-admin rescore (--tenant ID | --all)    score tenants' products again (e.g. after the rules changed)
"""

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from import_worker.context import Resources, build_resources, close_resources
from import_worker.replica_sync import resync, verify
from import_worker.settings import WorkerConfig
from pim_api import admin as pim_admin
from pim_api.outbox.snapshot import tenant_ids
from pim_api.readability.rescore import rescore_tenant
from pim_api.settings import PimSettings
from segment_api.clickhouse.migrations import migrate_url
from segops_platform.errors import SegOpsError
from segops_platform.logging import configure_logging


class Differs(Exception):
    """verify-sync found a difference (exit status 1, the report on stdout)."""


@asynccontextmanager
async def worker_resources() -> AsyncIterator[Resources]:
    """The worker's clients, as its start-up builds them; logs to stderr (stdout is the answer)."""
    settings = WorkerConfig()
    configure_logging("segops-admin", settings.log_level, sys.stderr)
    built = build_resources(settings)
    try:
        yield built
    finally:
        await close_resources(built)


async def verify_sync(args: argparse.Namespace) -> str:
    async with worker_resources() as clients:
        found = await verify(clients, args.tenant)
    if found.differences:
        raise Differs(found.report(args.tenant))
    return found.report(args.tenant)


async def resync_tenants(args: argparse.Namespace) -> str:
    async with worker_resources() as clients:
        await migrate_url(
            clients.settings.clickhouse_url, clients.settings.clickhouse_database
        )  # may be gone
        tenants = await _tenants(clients, args)
        lines = []
        for tenant in tenants:
            written = await resync(clients, tenant, _progress_of(tenant))
            lines.append(f"tenant {tenant}: {written} products written")
    return "\n".join(lines)


async def rescore_tenants(args: argparse.Namespace) -> str:
    async with worker_resources() as clients:
        tenants = await _tenants(clients, args)
        lines = []
        for tenant in tenants:
            changed = await rescore_tenant(clients.sessionmaker, tenant, _progress_of(tenant))
            done = "being rescored by a worker" if changed is None else f"{changed} scores changed"
            lines.append(f"tenant {tenant}: {done}")
    return "\n".join(lines)


async def _tenants(clients: Resources, args: argparse.Namespace) -> list[int]:
    if not args.all:
        return [args.tenant]
    async with clients.sessionmaker() as session:
        return await tenant_ids(session)


def _progress_of(tenant: int) -> Callable[[int], None]:
    def show(count: int) -> None:
        print(f"tenant {tenant}: {count} products", end="\r", file=sys.stderr, flush=True)

    return show


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="segops-admin", description="SegOps administration")
    groups = parser.add_subparsers(dest="group", required=True)
    pim_admin.add_commands(groups)
    check = groups.add_parser("verify-sync", help="compare a tenant's products in Postgres and the replica")
    check.add_argument("--tenant", type=int, required=True)
    check.set_defaults(replica=verify_sync)
    rebuild = groups.add_parser("resync", help="rewrite tenants' replicas from Postgres")
    which = rebuild.add_mutually_exclusive_group(required=True)
    which.add_argument("--tenant", type=int)
    which.add_argument("--all", action="store_true", help="every tenant (e.g. after the database was lost)")
    rebuild.set_defaults(replica=resync_tenants)
    rescore = groups.add_parser(
        "rescore", help="score tenants' products again (after the scoring rules changed)"
    )
    whose = rescore.add_mutually_exclusive_group(required=True)
    whose.add_argument("--tenant", type=int)
    whose.add_argument("--all", action="store_true", help="every tenant")
    rescore.set_defaults(replica=rescore_tenants)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "replica"):
            print(asyncio.run(args.replica(args)))
        else:
            print(asyncio.run(pim_admin.run(args, PimSettings())))
    except Differs as difference:
        print(difference)
        raise SystemExit(1) from None
    except (SegOpsError, ValueError) as exc:
        print(f"segops-admin: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
