"""The real catalog exports in ../shared/data/real-catalogs: one sku, one name, and hand-checked columns.

The files are read in place (never copied into the project): header and the first 200 records.
"""

# ruff: noqa: RUF001  (the Turkish headers of ikas exports spell the dotless i, U+0131)

import csv
from pathlib import Path

import pytest

from pim_api.imports.suggestions import Suggestion, suggest_columns
from segdsl import FieldType

CATALOGS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real-catalogs"
SAMPLE_ROWS = 200

# file -> (delimiter, {header (stripped): (target, type)}); types None for sku and name.
EXPECTED: dict[str, tuple[str, dict[str, tuple[str, FieldType | None]]]] = {
    "akeneo__products.csv": (
        ";",
        {
            "sku": ("sku", None),
            "name": ("name", None),
            "price-USD": ("price", "price"),
            "price-EUR": ("price_eur", "string"),  # empty in the sample: a string until values say otherwise
            "description-en_US-ecommerce": ("description", "text"),
            "description-en_US-print": ("description_en_us_print", "text"),
            "release_date-ecommerce": ("release_date", "date"),
            "enabled": ("published", "boolean"),
            "ean": ("gtin", "string"),
            "family": ("product_type", "string"),
            "picture": ("picture", "string"),
        },
    ),
    "ikas__source_products.csv": (
        ",",
        {
            "SKU": ("sku", None),
            "İsim": ("name", None),
            "Açıklama": ("description", "text"),
            "Satış Fiyatı": ("price", "price"),
            "İndirimli Fiyatı": ("indirimli_fiyati", "price"),
            "Alış Fiyatı": ("cost", "price"),
            "Marka": ("brand", "string"),
            "Kategoriler": ("category", "string"),
            "Etiketler": ("tags", "array"),
            "Barkod Listesi": ("gtin", "string"),
            "Resim URL": ("additional_image_urls", "array"),  # ';'-separated lists in almost every row
            "Stok:Ana Depo": ("inventory_count", "number"),
            "Varyant Aktiflik": ("published", "boolean"),
            "Oluşturulma Tarihi": ("olusturulma_tarihi", "date"),
            "Ürün Grup ID": ("urun_grup_id", "string"),
        },
    ),
    "magento__products.csv": (
        ",",
        {
            "sku": ("sku", None),
            "name": ("name", None),
            "price": ("price", "price"),
            "qty": ("inventory_count", "number"),
            "categories": ("category", "string"),
            "product_online": ("status", "string"),
            "special_price": ("special_price", "string"),
            "base_image": ("base_image", "string"),  # relative paths (/m/h/…jpg): no URLs
            "additional_images": ("additional_image_urls", "array"),
            "created_at": ("created_at_value", "string"),
            "is_in_stock": ("is_in_stock", "boolean"),
        },
    ),
    "magento__products_gear_bags.csv": (
        ",",
        {
            "sku": ("sku", None),
            "name": ("name", None),
            "price": ("price", "price"),
            "qty": ("inventory_count", "number"),
            "category": ("category", "string"),
            "material": ("material", "string"),
            "special_price": ("special_price", "price"),
        },
    ),
    "medusa__product-import-template.csv": (
        ";",
        {
            "Variant SKU": ("variant_sku", "string"),  # empty in this file: no row could be keyed by it
            "Product Title": ("name", None),
            "Product Handle": ("sku", None),
            "Price USD": ("price", "price"),
            "Price EUR": ("price_eur", "price"),
            "Variant Inventory Quantity": ("inventory_count", "number"),
            "Image 1 Url": ("image_url", "url"),
            "Image 2 Url": ("image_2_url", "url"),
            "Product Status": ("status", "string"),
        },
    ),
    "medusa__tekla-products-import.csv": (
        ",",
        {
            "sku": ("sku", None),
            "title": ("name", None),
            "handle": ("handle", "string"),
            "Price USD": ("price", "price"),
            "Price EUR": ("price_eur", "price"),
            "Price DKK": ("price_dkk", "price"),
            "barcode": ("gtin", "string"),
            "inventory_quantity": ("inventory_count", "number"),
            "Image url": ("image_url", "url"),
            "material": ("material", "string"),
        },
    ),
    "odoo__product.template.csv": (
        ",",
        {
            "Internal Reference": ("sku", None),
            "Name": ("name", None),
            "ID": ("id_value", "string"),
            "Sales Price": ("price", "price"),
            "Cost": ("cost", "price"),
            "Barcode": ("gtin", "string"),
            "Sale Description": ("description", "text"),
        },
    ),
    "prestashop__products_import.csv": (
        ";",
        {
            "Reference #": ("sku", None),
            "Name *": ("name", None),
            "Product ID": ("product_id", "number"),
            "Active (0/1)": ("published", "boolean"),
            "Price tax excluded": ("price", "price"),
            "Wholesale price": ("cost", "price"),
            "Quantity": ("inventory_count", "number"),
            "Manufacturer": ("brand", "string"),
            "EAN13": ("gtin", "string"),
            "Summary": ("short_description", "text"),
            "Tags (x,y,z...)": ("tags", "array"),
            "Image URLs (x,y,z...)": ("additional_image_urls", "array"),
            "Discount from (yyyy-mm-dd)": ("discount_from", "date"),
        },
    ),
    "shopify__jewelery.csv": (
        ",",
        {
            "Variant SKU": ("variant_sku", "string"),  # empty in this file: the handle keys the rows
            "Title": ("name", None),
            "Handle": ("sku", None),
            "Body (HTML)": ("description", "text"),
            "Vendor": ("brand", "string"),
            "Tags": ("tags", "array"),
            "Variant Price": ("price", "price"),
            "Variant Compare At Price": ("compare_at_price", "price"),
            "Image Src": ("image_url", "url"),
        },
    ),
    "shopify__product_template.csv": (
        ",",
        {
            "Variant SKU": ("sku", None),
            "Title": ("name", None),
            "Handle": ("handle", "string"),
            "Vendor": ("brand", "string"),
            "Product Category": ("category", "string"),
            "Tags": ("tags", "array"),
            "Published": ("published", "boolean"),
            "Variant Grams": ("weight", "number"),
            "Variant Inventory Qty": ("inventory_count", "number"),
            "Variant Price": ("price", "price"),
            "Variant Barcode": ("gtin", "string"),
            "Cost per item": ("cost", "price"),
            "Price / United States": ("price_united_states", "string"),
            "Status": ("status", "string"),
        },
    ),
    "shopware__products.csv": (
        ";",
        {
            "product_number": ("sku", None),
            "name": ("name", None),
            "id": ("id_value", "string"),
            "stock": ("inventory_count", "number"),
            "price_gross_usd": ("price", "price"),  # the tenant's currency (USD), though empty here
            "price_gross": ("price_gross", "price"),
            "price_net_eur": ("price_net_eur", "price"),
            "manufacturer_name": ("brand", "string"),
            "cover_media_url": ("image_url", "url"),
        },
    ),
    "spree__products.csv": (
        ",",
        {
            "sku": ("sku", None),
            "name": ("name", None),
            "slug": ("slug", "string"),
            "price": ("price", "price"),
            "compare_at_price": ("compare_at_price", "price"),
            "currency": ("currency", "string"),
            "tags": ("tags", "array"),
            "category1": ("category", "string"),
            "image1_src": ("image_url", "url"),
            "inventory_count": ("inventory_count", "number"),
            "available_on": ("release_date", "date"),
        },
    ),
    "vendure__products.csv": (
        ",",
        {
            "sku": ("sku", None),
            "name": ("name", None),
            "price": ("price", "price"),
            "stockOnHand": ("inventory_count", "number"),
            "description": ("description", "text"),
            "assets": ("assets", "string"),
            "facets": ("facets", "array"),
            "optionGroups": ("option_groups", "string"),
        },
    ),
    "woocommerce__experimental_fashion_sample_9_products.csv": (
        ",",
        {
            "SKU": ("sku", None),
            "Name": ("name", None),
            "Regular price": ("price", "price"),
            "Sale price": ("sale_price", "price"),
            "Stock": ("inventory_count", "number"),
            "Weight (lbs)": ("weight", "number"),
            "Images": ("additional_image_urls", "array"),
        },
    ),
    "woocommerce__sample_products.csv": (
        ",",
        {
            "SKU": ("sku", None),
            "Name": ("name", None),
            "ID": ("id_value", "number"),
            "Type": ("product_type", "string"),
            "Published": ("published", "boolean"),
            "Regular price": ("price", "price"),
            "Sale price": ("sale_price", "price"),
            "Categories": ("category", "string"),
            "Images": ("additional_image_urls", "array"),
            "In stock?": ("in_stock", "boolean"),
            "Parent": ("parent", "string"),
        },
    ),
}

pytestmark = pytest.mark.skipif(not CATALOGS.is_dir(), reason=f"{CATALOGS} is not on this machine")


def _suggest(file: str, default_currency: str | None = None, default_locale: str | None = None) -> Suggestion:
    delimiter, _ = EXPECTED[file]
    with (CATALOGS / file).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        headers = next(reader)
        rows = [row for _, row in zip(range(SAMPLE_ROWS), reader, strict=False)]
    return suggest_columns(headers, rows, default_currency=default_currency, default_locale=default_locale)


def test_every_file_has_expectations() -> None:
    assert sorted(path.name for path in CATALOGS.glob("*.csv")) == sorted(EXPECTED)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_one_sku_one_name_and_the_hand_checked_columns(file: str) -> None:
    suggestion = _suggest(file)
    targets = [column.target for column in suggestion.columns]
    assert targets.count("sku") == 1 and targets.count("name") == 1
    assert len(set(targets)) == len(targets)
    got = {column.header.strip(): (column.target, column.field_type) for column in suggestion.columns}
    _, expected = EXPECTED[file]
    wrong = {header: (got.get(header), want) for header, want in expected.items() if got.get(header) != want}
    assert not wrong, "header: (got, want)\n" + "\n".join(f"{h!r}: {pair}" for h, pair in wrong.items())


def test_akeneo_for_a_euro_french_tenant() -> None:
    mapping = _suggest("akeneo__products.csv", default_currency="EUR", default_locale="fr_FR").mapping()
    assert mapping["price-EUR"] == "price"
    assert mapping["price-USD"] == "price_usd"
    assert mapping["description-fr_FR-ecommerce"] == "description"
    assert mapping["description-en_US-ecommerce"] == "description_en_us_ecommerce"
    assert mapping["description-fr_FR-print"] == "description_fr_fr_print"


def test_shopware_for_a_euro_tenant() -> None:
    mapping = _suggest("shopware__products.csv", default_currency="EUR").mapping()
    assert (mapping["price_gross_eur"], mapping["price_gross_usd"]) == ("price", "price_gross_usd")
