"""`segops-worker`: run the arq worker against REDIS_URL."""

import gc

from arq import run_worker
from arq.connections import RedisSettings

from import_worker.main import WorkerSettings
from import_worker.settings import WorkerConfig

# Collect the young generation after this many new container objects (Python's default: 700). An
# import makes ~40 containers per row; at 700 the collector ran every ~20 rows and took up to half
# of the parsing time.
GC_YOUNG_OBJECTS = 50_000


def main() -> None:
    gc.freeze()  # the modules and settings loaded so far live as long as the process
    gc.set_threshold(GC_YOUNG_OBJECTS)
    redis_settings = RedisSettings.from_dsn(WorkerConfig().redis_url)
    run_worker(WorkerSettings, redis_settings=redis_settings)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
