from segops_platform.settings import ServiceSettings


class WorkerConfig(ServiceSettings):
    worker_health_port: int = 8003
    pim_api_url: str = "http://127.0.0.1:8001"
