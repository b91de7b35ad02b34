"""The route and router class of every API route: JSON bodies are read through `parse_json`."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from segops_platform.json_body import parse_json


class _JsonBodyRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


class ServiceRoute(APIRoute):
    """FastAPI's route, with bodies parsed by pydantic-core and refused when they can't be stored."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await handler(_JsonBodyRequest(request.scope, request.receive))

        return handle


class ServiceRouter(APIRouter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(route_class=ServiceRoute, **kwargs)
