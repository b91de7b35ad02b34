"""`/api/pim/products/`: list with search and filters, CRUD, bulk upsert by SKU."""

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.routing import Route

from pim_api.products.cache import ProductCache
from pim_api.products.schemas import (
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
from segops_platform.database import SessionDep
from segops_platform.errors import NotFound
from segops_platform.json_body import documented_body, parse_body

router = APIRouter(
    prefix="/api/pim/products",
    tags=["products"],
    responses={401: {"description": "Missing or bad credentials"}},
)
Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"description": "No such product for this tenant"}}
BAD_REQUEST: Responses = {400: {"description": "Invalid input; `errors` locates each problem"}}


@router.get("/", summary="List products", response_model=ProductPage, responses=BAD_REQUEST)
async def list_products(request: Request, tenant: CurrentTenant, session: SessionDep) -> ProductPage:
    """`q`: case-insensitive contains on name; `<field>=value`: exact match typed by the schema."""
    found = await ProductService(session).search(tenant, list(request.query_params.multi_items()))
    path, page, size = request.url.path, found.page, found.page_size
    return ProductPage(
        count=found.count,
        next=found.where.link(path, page + 1, size) if page * size < found.count else None,
        previous=found.where.link(path, page - 1, size) if page > 1 else None,
        results=[ProductOut.model_validate(row) for row in found.rows],
    )


@router.post(
    "/",
    summary="Create a product",
    status_code=201,
    response_model=ProductOut,
    responses={**BAD_REQUEST, 409: {"description": "The SKU exists"}},
)
async def create_product(body: ProductCreate, tenant: CurrentTenant, session: SessionDep) -> ProductOut:
    return ProductOut.model_validate(await ProductService(session).create(tenant, body))


@router.post(
    "/bulk/",
    summary="Bulk upsert by SKU",
    response_model=BulkResult,
    responses={**BAD_REQUEST, 413: {"description": "More than 10,000 products"}},
    openapi_extra=documented_body(BulkUpsert),
)
async def bulk_upsert(tenant: CurrentTenant, session: SessionDep, request: Request) -> BulkResult:
    """Fields beyond `sku` and `name` go to `data`. All or nothing; bad items named by index."""
    body = await parse_body(request, BulkUpsert)
    result = await ProductService(session).bulk_upsert(tenant, body.products)
    if result.updated:
        request.app.state.product_cache.clear()  # other processes evict what the notifications name
    return result


@router.get("/{product_id}/", summary="Get a product", response_model=ProductOut, responses=NOT_FOUND)
async def get_product(product_id: int, tenant: CurrentTenant, request: Request) -> Response:
    """Documents the route; `get_product_route` below answers every id written as digits."""
    return await _read_product(request, tenant, product_id)


async def _get_product_fast(request: Request) -> Response:
    return await _read_product(request, await authenticate(request), request.path_params["product_id"])


# GET by id is the hottest read: answered ahead of FastAPI's routing (segops_platform.fast_routes).
get_product_route = Route(f"{router.prefix}/{{product_id:int}}/", _get_product_fast, methods=["GET"])


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
    "/{product_id}/",
    summary="Update a product's name and/or data",
    response_model=ProductOut,
    responses={**NOT_FOUND, **BAD_REQUEST},
)
async def patch_product(
    product_id: int, body: ProductPatch, tenant: CurrentTenant, session: SessionDep, request: Request
) -> ProductOut:
    """`data` merges: keys given replace, `null` removes a key, keys not given stay."""
    product = ProductOut.model_validate(await ProductService(session).update(tenant, product_id, body))
    request.app.state.product_cache.evict([(tenant.id, product_id)])  # read-your-writes here
    return product


@router.delete("/{product_id}/", summary="Delete a product", status_code=204, responses=NOT_FOUND)
async def delete_product(
    product_id: int, tenant: CurrentTenant, session: SessionDep, request: Request
) -> Response:
    await ProductService(session).delete(tenant, product_id)
    request.app.state.product_cache.evict([(tenant.id, product_id)])
    return Response(status_code=204)
