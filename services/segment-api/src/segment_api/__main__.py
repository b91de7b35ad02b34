"""`segops-segment-api`: serve the segment API with uvicorn on SEGMENT_API_PORT."""

import uvicorn

from segment_api.main import create_app
from segment_api.settings import SegmentSettings
from segops_platform.logging import configure_logging


def main() -> None:
    settings = SegmentSettings()
    configure_logging("segment-api", settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.bind_host,
        port=settings.segment_api_port,
        log_config=None,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
