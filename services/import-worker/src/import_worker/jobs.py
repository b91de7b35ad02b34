"""Jobs this worker runs. Each takes the request id of whoever enqueued it, for the logs."""

import os
import socket
from typing import Any

import structlog
from arq import cron, func

from import_worker.context import Context
from import_worker.imports import import_csv, purge_uploads, watch_imports
from import_worker.readability import rescore_readability
from import_worker.relay import relay_outbox
from import_worker.replica_sync import resync_tenant
from import_worker.segments import compute_segment, purge_runs, refresh_segments
from import_worker.webhooks import DELIVER_JOB, deliver_webhooks, purge_deliveries
from pim_api.imports.confirm import IMPORT_JOB
from pim_api.outbox.wake import RELAY_JOB, RESYNC_JOB
from pim_api.readability.rescore import RESCORE_JOB
from segment_api.runs.jobs import COMPUTE_JOB
from segops_platform.jobs import job

log = structlog.get_logger()
SWEEP_SECONDS = set(range(0, 60, 10))
RESYNC_TIMEOUT_SECONDS = 3_600  # a million products take minutes
# arq's timeout is a last resort: the import's heartbeat, not the job's run time, tells a stall.
IMPORT_TIMEOUT_SECONDS = 24 * 3_600


@job
async def ping(ctx: Context) -> dict[str, Any]:
    """Answer with who ran it: proves a queue is served end to end (request id included)."""
    log.info("ping")
    worker = f"{socket.gethostname()}:{os.getpid()}"
    return {"worker": worker, "job_try": ctx["job_try"], "request_id": ctx["request_id"]}


# Jobs whose ids are reused keep no result: relay and delivery wake-ups (segops_platform.jobs.wake),
# and refreshes (one queued computation per segment at a time).
FUNCTIONS: list[Any] = [
    ping,
    func(relay_outbox, name=RELAY_JOB, keep_result=0, max_tries=1),
    func(compute_segment, name=COMPUTE_JOB, keep_result=0),
    func(deliver_webhooks, name=DELIVER_JOB, keep_result=0, max_tries=1),
    func(resync_tenant, name=RESYNC_JOB, timeout=RESYNC_TIMEOUT_SECONDS),
    func(rescore_readability, name=RESCORE_JOB, keep_result=0, max_tries=1, timeout=RESYNC_TIMEOUT_SECONDS),
    # One try: a run that fails is resumed by the watchdog once its heartbeat is stale.
    func(import_csv, name=IMPORT_JOB, keep_result=0, max_tries=1, timeout=IMPORT_TIMEOUT_SECONDS),
]
CRON_JOBS = [
    # The sweep relays what no wake-up announced (Redis was down, or a wake-up came while ClickHouse was).
    cron(relay_outbox, name="relay_outbox_sweep", second=SWEEP_SECONDS, run_at_startup=True),
    # Retries are queued for when they are due; the sweep sends what a lost wake-up left waiting.
    cron(deliver_webhooks, name="deliver_webhooks_sweep", second=SWEEP_SECONDS, run_at_startup=True),
    # Tenants whose field types changed have their products rescored (a lost wake-up waits for this).
    cron(rescore_readability, name="rescore_readability_sweep", second=25, run_at_startup=True),
    cron(refresh_segments, name="refresh_segments", second=0, run_at_startup=True),
    cron(purge_runs, name="purge_runs", minute=set(range(0, 60, 10)), second=30),
    cron(watch_imports, name="watch_imports", second={5, 20, 35, 50}, run_at_startup=True),
    cron(purge_uploads, name="purge_uploads", minute=15, second=45),
    cron(purge_deliveries, name="purge_deliveries", minute=45, second=15),
]
