"""`segops-worker`: run the arq worker against REDIS_URL."""

from arq import run_worker
from arq.connections import RedisSettings

from import_worker.main import WorkerSettings
from import_worker.settings import WorkerConfig


def main() -> None:
    redis_settings = RedisSettings.from_dsn(WorkerConfig().redis_url)
    run_worker(WorkerSettings, redis_settings=redis_settings)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
