from segment_api.webhooks.sender import SenderSettings
from segops_platform.settings import ServiceSettings


class WorkerConfig(ServiceSettings, SenderSettings):
    worker_health_port: int = 8003
    pim_api_url: str = "http://127.0.0.1:8001"
    import_batch_rows: int = 5_000
    # A running import beats every `import_heartbeat_seconds`; one silent for `import_stale_seconds`
    # is taken over by the next run the watchdog queues.
    import_heartbeat_seconds: float = 5.0
    import_stale_seconds: float = 30.0
    import_retention_days: int = 7  # uploads of finished (or never confirmed) jobs are then deleted
