"""Per-request context: request id (taken from X-Request-ID or made), access log, metrics, last-resort 500."""

import random
import re
import time
from contextvars import ContextVar

import structlog
from prometheus_client import Counter, Histogram
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from segops_platform.errors import error_body

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

log = structlog.get_logger()

REQUESTS = Counter(
    "segops_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"]
)
LATENCY = Histogram(
    "segops_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def current_request_id() -> str | None:
    """The request id of the request (or job) being served, for passing on to other services."""
    return request_id_var.get()


def bind_request_id(value: str | None) -> str:
    """Use a caller's request id when it is well formed, else make one; bind it to logs."""
    request_id = value if value and _VALID_REQUEST_ID.match(value) else f"{random.getrandbits(128):032x}"
    request_id_var.set(request_id)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    return request_id


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    # The template, not the raw path, keeps metric label cardinality bounded.
    return getattr(route, "path_format", "unmatched")


class RequestContextMiddleware:
    """Pure ASGI middleware (BaseHTTPMiddleware costs a task per request)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request_id = bind_request_id(request.headers.get(REQUEST_ID_HEADER))
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            log.exception("unhandled_error", method=scope["method"], path=scope["path"])
            if response_started:
                raise
            status = 500
            response = JSONResponse(
                error_body("internal error; quote the X-Request-ID when reporting"),
                500,
                headers={REQUEST_ID_HEADER: request_id},
            )
            await response(scope, receive, send)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
            LATENCY.labels(self.service, scope["method"], route).observe(elapsed)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )
