"""`segops-segment-api`: serve the segment API on SEGMENT_API_PORT."""

from segment_api.main import create_app
from segment_api.settings import SegmentSettings
from segops_platform.app import serve


def main() -> None:
    settings = SegmentSettings()
    serve("segment-api", create_app(settings), settings, settings.segment_api_port)


if __name__ == "__main__":
    main()
