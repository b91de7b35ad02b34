"""HTTP clients for service-to-service calls: the service credential and the request id go along."""

import httpx

from segops_platform.auth.dependencies import INTERNAL_TOKEN_HEADER
from segops_platform.request_context import REQUEST_ID_HEADER, current_request_id


def create_service_client(
    base_url: str,
    internal_token: str,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 5.0,
) -> httpx.AsyncClient:
    async def pass_request_id(request: httpx.Request) -> None:
        request_id = current_request_id()
        if request_id:
            request.headers[REQUEST_ID_HEADER] = request_id

    return httpx.AsyncClient(
        base_url=base_url,
        headers={INTERNAL_TOKEN_HEADER: internal_token},
        event_hooks={"request": [pass_request_id]},
        transport=transport,
        timeout=timeout,
    )
