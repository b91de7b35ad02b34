"""`/api/pim/products/`: list with search and filters, CRUD, bulk upsert by SKU."""

from typing import Annotated

from fastapi import Path, Query, Request, Response
from starlette.routing import Route

from pim_api.outbox.wake import WakesRelay
from pim_api.products.cache import ProductCache
from pim_api.products.query import (
    DEFAULT_PAGE_SIZE,
    FIELD_FILTERS_PARAMETER,
    MAX_PAGE_SIZE,
    SCORE_FILTER_PARAMETERS,
    SearchTerm,
)
from pim_api.products.schemas import (
    BulkBody,
    BulkResult,
    BulkUpsert,
    ProductCreate,
    ProductOut,
    ProductPage,
    ProductPatch,
)
from pim_api.products.service import ProductService
from segops_platform.auth.dependencies import CurrentTenant, authenticate
from segops_platform.auth.tenant_directory import Tenant
from segops_platform.database import MAX_BIGINT, SessionDep
from segops_platform.errors import NotFound
from segops_platform.json_body import documented_body, parse_body
from segops_platform.openapi import problems
from segops_platform.routing import ServiceRouter

router = ServiceRouter(prefix="/api/pim/products", tags=["products"], responses=problems(401, 503))
NO_SUCH_PRODUCT = (404, "No such product for this tenant")
# `:int` keeps `/bulk/` from being read as an id; ids a bigint cannot hold are a 400.
ITEM_PATH = "/{product_id:int}/"
ProductId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="The product's id")]
# What a client (or a stateful test) can do next with the product a response names.
_ITEM_LINKS = {
    f"{verb}Product": {
        "operationId": f"pim_products_{verb.lower()}",
        "parameters": {"product_id": "$response.body#/id"},
    }
    for verb in ("Get", "Update", "Delete")
}
CREATED: dict[int | str, dict[str, object]] = {
    201: {
        "description": "The product, as stored",
        "headers": {"Location": {"description": "The product's URL", "schema": {"type": "string"}}},
        "links": _ITEM_LINKS,
    }
}


@router.get(
    "/",
    summary="List products",
    response_model=ProductPage,
    responses=problems(400, (404, "The page is past the last page"), 414),
    openapi_extra={"parameters": [FIELD_FILTERS_PARAMETER, *SCORE_FILTER_PARAMETERS]},
)
async def products_list(
    request: Request,
    tenant: CurrentTenant,
    session: SessionDep,
    q: SearchTerm = None,
    page: Annotated[int, Query(ge=1, description="Page number, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> ProductPage:
    """Products in id order, with the exact `count` of those that match; `next` and `previous`
    keep the filters. `<field>=value` filters are typed by the tenant's schema."""
    query = request.query_params.multi_items()
    found = await ProductService(session).search(tenant, query, page, page_size)
    path = request.url.path
    return ProductPage(
        count=found.count,
        next=found.where.link(path, page + 1, page_size) if page * page_size < found.count else None,
        previous=found.where.link(path, page - 1, page_size) if page > 1 else None,
        results=[ProductOut.model_validate(row) for row in found.rows],
    )


@router.post(
    "/",
    dependencies=[WakesRelay],
    summary="Create a product",
    status_code=201,
    response_model=ProductOut,
    responses=CREATED
    | problems(400, (409, "A product with this SKU exists, or a concurrent write won (retry)"), 413),
)
async def products_create(
    body: ProductCreate, tenant: CurrentTenant, session: SessionDep, response: Response
) -> ProductOut:
    """Values of schema fields are normalised to their type; other keys are kept as given."""
    product = ProductOut.model_validate(await ProductService(session).create(tenant, body))
    response.headers["Location"] = f"{router.prefix}/{product.id}/"
    return product


@router.post(
    "/bulk/",
    dependencies=[WakesRelay],
    summary="Bulk upsert by SKU",
    response_model=BulkResult,
    responses=problems(400, 409, (413, "The body is over 32 MB, or holds more than 10,000 products")),
    openapi_extra=documented_body(BulkUpsert),
)
async def products_bulk_upsert(tenant: CurrentTenant, session: SessionDep, request: Request) -> BulkResult:
    """Creates new SKUs, updates existing ones: fields beyond `sku` and `name` are merged into `data`
    (`null` removes a key). All or nothing; every bad item is named by index."""
    body = await parse_body(request, BulkBody)
    result = await ProductService(session).bulk_upsert(tenant, body.products)
    if result.updated:
        request.app.state.product_cache.clear()  # other processes evict what the notifications name
    return result


@router.get(
    ITEM_PATH, summary="Get a product", response_model=ProductOut, responses=problems(400, NO_SUCH_PRODUCT)
)
async def products_get(product_id: ProductId, tenant: CurrentTenant, request: Request) -> Response:
    """Documents the route; `get_product_route` below answers every id a bigint holds."""
    return await _read_product(request, tenant, product_id)


async def _get_product_fast(request: Request) -> Response | None:
    product_id: int = request.path_params["product_id"]
    if not 1 <= product_id <= MAX_BIGINT:
        return None  # out of range: `products_get` answers the 400
    return await _read_product(request, await authenticate(request), product_id)


# GET by id is the hottest read: answered ahead of FastAPI's routing (segops_platform.fast_routes).
get_product_route = Route(f"{router.prefix}{ITEM_PATH}", _get_product_fast, methods=["GET"])


async def _read_product(request: Request, tenant: Tenant, product_id: int) -> Response:
    """From the process's cache, else read together with the other requests of the moment."""
    cache: ProductCache = request.app.state.product_cache
    key = (tenant.id, product_id)
    body = cache.get(key)
    if body is None:
        epoch = cache.epoch
        body = await request.app.state.product_loader.load(key)
        if body is None:
            raise NotFound(f"product {product_id} not found")
        cache.put(key, body, epoch)
    return Response(body, media_type="application/json")


@router.patch(
    ITEM_PATH,
    dependencies=[WakesRelay],
    summary="Update a product's name and/or data",
    response_model=ProductOut,
    responses=problems(400, NO_SUCH_PRODUCT, 409, 413),
)
async def products_update(
    product_id: ProductId, body: ProductPatch, tenant: CurrentTenant, session: SessionDep, request: Request
) -> ProductOut:
    """`data` merges: keys given replace, `null` removes a key, keys not given stay."""
    product = ProductOut.model_validate(await ProductService(session).update(tenant, product_id, body))
    request.app.state.product_cache.evict([(tenant.id, product_id)])  # read-your-writes here
    return product


@router.delete(
    ITEM_PATH,
    dependencies=[WakesRelay],
    summary="Delete a product",
    status_code=204,
    responses=problems(400, NO_SUCH_PRODUCT, 409),
)
async def products_delete(
    product_id: ProductId, tenant: CurrentTenant, session: SessionDep, request: Request
) -> Response:
    await ProductService(session).delete(tenant, product_id)
    request.app.state.product_cache.evict([(tenant.id, product_id)])
    return Response(status_code=204)
