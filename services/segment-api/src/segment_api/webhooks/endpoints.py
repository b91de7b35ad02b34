"""`/api/product-segments/{id}/webhooks/`: where a segment's runs and live changes are posted."""

from typing import Annotated

from fastapi import Path, Request, Response

from segment_api.segments.endpoints import ITEM_PATH, NO_SUCH_SEGMENT, PREFIX, SegmentId
from segment_api.webhooks.schemas import DeliveryList, WebhookCreate, WebhookCreated, WebhookList
from segment_api.webhooks.service import WebhookService
from segops_platform.auth.dependencies import CurrentTenant
from segops_platform.database import MAX_BIGINT, SessionDep
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(prefix=PREFIX, tags=["webhooks"], responses=problems(401, 503))
WEBHOOKS_PATH = f"{ITEM_PATH}webhooks/"
WEBHOOK_PATH = f"{WEBHOOKS_PATH}{{webhook_id:int}}/"
NO_SUCH_WEBHOOK = (404, "No such segment or webhook for this tenant")
WebhookId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The webhook's id")]


def webhooks(request: Request, session: SessionDep) -> WebhookService:
    return WebhookService(session, request.app.state.settings)


@router.post(
    WEBHOOKS_PATH,
    name="webhooks_create",
    summary="Register a webhook",
    status_code=201,
    response_model=WebhookCreated,
    responses=problems(
        (400, "Invalid input, or a URL refused: not https, or its host resolves to a forbidden address"),
        NO_SUCH_SEGMENT,
        (409, "The segment has as many webhooks as allowed (10)"),
        413,
    ),
)
async def webhooks_create(
    segment_id: SegmentId, body: WebhookCreate, tenant: CurrentTenant, request: Request, session: SessionDep
) -> WebhookCreated:
    """Each run of the segment and each batch of live changes is POSTed to the URL as JSON
    `{segment_id, event, run_id, cursor, entered, exited, part, parts}`: at least once, in order,
    retried with exponential backoff for 24 hours. The answer holds the signing secret, shown this
    once."""
    return await webhooks(request, session).register(tenant, segment_id, body)


@router.get(
    WEBHOOKS_PATH,
    name="webhooks_list",
    summary="List the segment's webhooks",
    response_model=WebhookList,
    responses=problems(400, NO_SUCH_SEGMENT),
)
async def webhooks_list(
    segment_id: SegmentId, tenant: CurrentTenant, request: Request, session: SessionDep
) -> WebhookList:
    return WebhookList(await webhooks(request, session).listed(tenant, segment_id))


@router.delete(
    WEBHOOK_PATH,
    name="webhooks_delete",
    summary="Delete a webhook",
    status_code=204,
    responses=problems(400, NO_SUCH_WEBHOOK),
)
async def webhooks_delete(
    segment_id: SegmentId, webhook_id: WebhookId, tenant: CurrentTenant, request: Request, session: SessionDep
) -> Response:
    """Its deliveries not yet sent are dropped."""
    await webhooks(request, session).delete(tenant, segment_id, webhook_id)
    return Response(status_code=204)


@router.get(
    f"{WEBHOOK_PATH}deliveries/",
    name="webhooks_deliveries",
    summary="The webhook's recent deliveries and their attempts",
    response_model=DeliveryList,
    responses=problems(400, NO_SUCH_WEBHOOK),
)
async def webhooks_deliveries(
    segment_id: SegmentId, webhook_id: WebhookId, tenant: CurrentTenant, request: Request, session: SessionDep
) -> DeliveryList:
    return await webhooks(request, session).deliveries(tenant, segment_id, webhook_id)
