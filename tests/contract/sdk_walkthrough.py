"""A client's first steps, typed, through a client generated from the PIM document by
openapi-python-client: test_generated_client.py generates `segops_pim_client`, type-checks this
file against it (mypy --strict) and runs it against the running stack.

Usage: python sdk_walkthrough.py GATEWAY_URL API_KEY
"""

import sys

from segops_pim_client import AuthenticatedClient
from segops_pim_client.api.product_schema import pim_schema_replace
from segops_pim_client.api.products import pim_products_bulk_upsert, pim_products_get, pim_products_list
from segops_pim_client.models import (
    BulkItem,
    BulkResult,
    BulkUpsert,
    PimProductsListFilters,
    Problem,
    ProductOut,
    ProductPage,
    ProductSchemaIn,
    ProductSchemaReplaced,
    SchemaFieldIn,
    SchemaFieldInType,
)
from segops_pim_client.types import Unset


def item(sku: str, name: str, brand: str) -> BulkItem:
    product = BulkItem(sku=sku, name=name)
    product["brand"] = brand  # fields beyond sku and name are the product's data
    return product


def walk(client: AuthenticatedClient) -> None:
    brand = SchemaFieldIn(name="brand", type_=SchemaFieldInType.STRING, description="Brand name")
    schema = pim_schema_replace.sync(client=client, body=ProductSchemaIn(fields=[brand]))
    assert isinstance(schema, ProductSchemaReplaced), schema

    refused = pim_products_bulk_upsert.sync(
        client=client,
        body=BulkUpsert(products=[item("OK-1", "Fine", "Acme"), item(" PADDED", "Bad", "Acme")]),
    )
    assert isinstance(refused, Problem), refused
    assert not isinstance(refused.errors, Unset)
    assert [(error.path, error.message) for error in refused.errors] == [
        ("products[1].sku", "must not begin or end with a space (values are stored as given)")
    ]

    products = [
        item("RUN-1", "Trail Runner", "Nike"),
        item("RUN-2", "Road Runner", "Asics"),
        item("HAT-1", "Sun Hat", "Nike"),
    ]
    written = pim_products_bulk_upsert.sync(client=client, body=BulkUpsert(products=products))
    assert isinstance(written, BulkResult) and (written.created, written.updated) == (3, 0), written

    nike_runners = pim_products_list.sync(
        client=client, q="runner", filters=PimProductsListFilters.from_dict({"brand": "Nike"})
    )
    assert isinstance(nike_runners, ProductPage), nike_runners
    assert (nike_runners.count, [product.sku for product in nike_runners.results]) == (1, ["RUN-1"])

    product = pim_products_get.sync(client=client, product_id=nike_runners.results[0].id)
    assert isinstance(product, ProductOut), product
    assert (product.name, product.data["brand"]) == ("Trail Runner", "Nike")

    missing = pim_products_get.sync(client=client, product_id=2**62)
    assert isinstance(missing, Problem), missing
    assert missing.detail == f"product {2**62} not found"


if __name__ == "__main__":
    gateway, api_key = sys.argv[1:]
    walk(AuthenticatedClient(base_url=gateway, token=api_key, prefix="", auth_header_name="X-API-Key"))
    print("walked")
