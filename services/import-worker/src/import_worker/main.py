"""arq `WorkerSettings`: the jobs, the sweeps, and the start-up that builds their clients."""

from typing import ClassVar

from import_worker.context import on_shutdown, on_startup
from import_worker.jobs import CRON_JOBS, FUNCTIONS


class WorkerSettings:
    functions: ClassVar = FUNCTIONS
    cron_jobs: ClassVar = CRON_JOBS
    on_startup = on_startup
    on_shutdown = on_shutdown
    max_jobs = 10
    poll_delay = 0.05  # how long a queued job may wait for an idle worker (arq's default: 0.5 s)
