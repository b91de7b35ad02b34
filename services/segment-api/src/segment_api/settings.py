from segment_api.webhooks.targets import WebhookSettings
from segops_platform.settings import ServiceSettings


class SegmentSettings(ServiceSettings, WebhookSettings):
    segment_api_port: int = 8002
    pim_api_url: str = "http://127.0.0.1:8001"
