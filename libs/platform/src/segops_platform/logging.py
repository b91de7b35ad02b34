"""JSON structured logs; the request id and tenant are bound per request through contextvars."""

import logging
import sys
from typing import TextIO

import structlog


def configure_logging(service: str, level: str = "INFO", stream: TextIO = sys.stdout) -> None:
    """Send structlog and stdlib records (uvicorn, arq) to `stream` as one JSON object per line
    (stdout for services; stderr for command-line tools, whose stdout is their answer)."""
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        # Calls below the level return at once instead of running the processors.
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            lambda _, __, event: {**event, "service": service},
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # Our middleware logs each request once, with its request id; uvicorn's access log would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
    # One line per outgoing HTTP call (ClickHouse, pim-api) drowns the useful ones.
    logging.getLogger("httpx").setLevel(logging.WARNING)
