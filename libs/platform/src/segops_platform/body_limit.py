"""Refuse request bodies over a size limit with 413, before reading them into memory."""

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from segops_platform.errors import error_body

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024


class _BodyTooLarge(HTTPException):
    """An HTTPException, so that the app's handler answers it even when raised mid body parsing
    (FastAPI turns any other exception raised while reading the body into a 400)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body exceeds {max_bytes / (1024 * 1024):g} MB")


class BodySizeLimitMiddleware:
    """`max_bytes` for every path but those `larger` names (exact paths, e.g. an upload route)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.larger.get(scope["path"], self.default_max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(max_bytes, scope, receive, send)
            return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _BodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = message["type"] == "http.response.start" or response_started
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if response_started:
                raise
            await self._refuse(max_bytes, scope, receive, send)

    @staticmethod
    async def _refuse(max_bytes: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(error_body(_BodyTooLarge(max_bytes).detail), 413)
        await response(scope, receive, send)
