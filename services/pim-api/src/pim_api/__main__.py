"""`segops-pim-api`: serve the PIM API on PIM_API_PORT."""

from pim_api.main import create_app
from pim_api.settings import PimSettings
from segops_platform.app import serve


def main() -> None:
    settings = PimSettings()
    serve("pim-api", create_app(settings), settings, settings.pim_api_port)


if __name__ == "__main__":
    main()
