"""The product sync: outbox rows (Postgres) relayed to the product replica (ClickHouse), and the
relayed products followed in their tenants' active segments (live membership).

Assembled here from the two sides' own code: `pim_api.outbox.reader` takes a locked batch of
changes, segdsl makes their replica rows, `segment_api.clickhouse.replica_store` inserts them in
one insert, and the batch is forgotten in the transaction that took it. If the insert fails,
the transaction rolls back and the rows wait for the next relay; if the worker dies after the
insert, the next relay inserts them again, which changes nothing (one row per product version).
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping

import httpx
import structlog
from aiochclient import ChClientError

from import_worker.context import Context, Resources, resources
from import_worker.webhooks import DELIVER_JOB
from pim_api.imports.writer import Written
from pim_api.outbox.reader import OutboxReader, ProductChange, TenantFields, forget_relayed, tenant_fields
from pim_api.outbox.wake import wake_relay
from segdsl import replica_row, replica_version, tombstone_row
from segment_api.clickhouse.membership_store import WrittenProduct
from segment_api.clickhouse.replica_store import ReplicaStore
from segment_api.runs.live import apply_live
from segops_platform.jobs import job, wake

BATCH_SIZE = 5_000
# A relay hands over after this long (another relay is queued), so that one large import does not
# hold a job slot past arq's job timeout.
TIME_BUDGET_SECONDS = 30.0

log = structlog.get_logger()


def replica_rows(
    changes: Iterable[ProductChange], fields: Mapping[int, TenantFields]
) -> list[dict[str, object]]:
    """segdsl's replica rows of the changes: typed by each tenant's fields, versioned with their epoch."""
    rows = []
    for change in changes:
        typing = fields[change.tenant_id]
        version = replica_version(change.version, typing.epoch)
        if change.product is None:
            rows.append(
                tombstone_row(
                    tenant_id=change.tenant_id, sku=change.sku, product_id=change.product_id, version=version
                )
            )
        else:
            rows.append(
                replica_row(change.product, typing.types, tenant_id=change.tenant_id, version=version)
            )
    return rows


async def relay_batch(ctx: Context) -> int:
    """Relay one batch; how many outbox rows it took (0: the outbox was empty)."""
    clients = resources(ctx)
    store = ReplicaStore(clients.clickhouse, clients.settings.clickhouse_database)
    async with clients.sessionmaker() as session, session.begin():
        reader = OutboxReader(session)
        batch = await reader.take(BATCH_SIZE)
        if batch is None:
            return 0
        await store.write(replica_rows(batch.changes, batch.fields))
        deliveries = await follow_in_segments(clients, batch.changes)
        await reader.forget(batch)
    if deliveries:
        await wake(ctx["redis"], DELIVER_JOB)
    return len(batch.taken)


async def relay_created(ctx: Context, tenant_id: int, written: Written) -> None:
    """After an import's batch committed: the products it created go to the replica at once, typed
    from the values the import coerced (nothing to read back), and their outbox rows are deleted.
    The relay, woken, takes the rest: the stored products the batch changed, and everything when
    the tenant's field types changed meanwhile or ClickHouse could not take the rows (they are
    still in the outbox)."""
    clients = resources(ctx)
    relayed = False
    if written.created:
        async with clients.sessionmaker() as session:
            fields = (await tenant_fields(session, [tenant_id]))[tenant_id]
        if fields.types == written.types:
            relayed = await _write_created(ctx, tenant_id, written, fields)
    if written.updated or (written.created and not relayed):
        await wake_relay(ctx["redis"])


async def _write_created(ctx: Context, tenant_id: int, written: Written, fields: TenantFields) -> bool:
    clients = resources(ctx)
    created = written.created
    rows = [
        replica_row(
            product,
            fields.types,
            tenant_id=tenant_id,
            version=replica_version(product["version"], fields.epoch),
            coerced=True,
        )
        for product in created
    ]
    try:
        await ReplicaStore(clients.clickhouse, clients.settings.clickhouse_database).write(rows)
    except (ChClientError, httpx.HTTPError) as error:
        log.warning("import_replica_deferred", tenant_id=tenant_id, products=len(rows), error=str(error))
        return False
    products = [WrittenProduct(product["sku"], product["id"], product["version"]) for product in created]
    deliveries = await apply_live(clients.computation, tenant_id, products)
    async with clients.sessionmaker.begin() as session:
        relayed = [(product["id"], product["version"]) for product in created]
        await forget_relayed(session, tenant_id, relayed, written.outbox_from)
    if deliveries:
        await wake(ctx["redis"], DELIVER_JOB)
    return True


async def follow_in_segments(clients: Resources, changes: Iterable[ProductChange]) -> int:
    """Live membership: the products just relayed, re-evaluated against their tenants' active
    segments; how many webhook deliveries that queued."""
    written: dict[int, list[WrittenProduct]] = defaultdict(list)
    for change in changes:
        written[change.tenant_id].append(WrittenProduct(change.sku, change.product_id, change.version))
    return sum(
        [
            await apply_live(clients.computation, tenant_id, products)
            for tenant_id, products in written.items()
        ]
    )


@job
async def relay_outbox(ctx: Context) -> int:
    """Relay until the outbox is empty, or hand over to a new relay after the time budget."""
    started = time.monotonic()
    relayed = 0
    while taken := await relay_batch(ctx):
        relayed += taken
        if time.monotonic() - started > TIME_BUDGET_SECONDS:
            await wake_relay(ctx["redis"])
            break
    if relayed:
        log.info("outbox_relayed", rows=relayed, seconds=round(time.monotonic() - started, 3))
    return relayed
