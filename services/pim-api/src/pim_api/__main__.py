"""`segops-pim-api`: serve the PIM API with uvicorn on PIM_API_PORT."""

import uvicorn

from pim_api.main import create_app
from pim_api.settings import PimSettings
from segops_platform.logging import configure_logging


def main() -> None:
    settings = PimSettings()
    configure_logging("pim-api", settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.bind_host,
        port=settings.pim_api_port,
        log_config=None,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
