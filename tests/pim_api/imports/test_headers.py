"""Header normalisation: matching keys, variants, units, hints, and derived field names."""

# ruff: noqa: RUF001  (the Turkish headers of ikas exports spell the dotless i, U+0131)

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pim_api.imports.suggestions import derived_name
from pim_api.imports.suggestions.headers import Variant, parse_header
from pim_api.schema.schemas import FIELD_NAME_PATTERN, MAX_FIELD_NAME_LENGTH, RESERVED_FIELD_NAMES


@pytest.mark.parametrize(
    ("header", "key", "variant"),
    [
        ("Variant Inventory Qty", "variant inventory qty", Variant()),
        ("  variant_inventory_qty ", "variant inventory qty", Variant()),
        ("stockOnHand", "stock on hand", Variant()),
        ("Option1 Name", "option 1 name", Variant()),
        ("EAN13", "ean 13", Variant()),
        ("Image URLs (x,y,z...)", "image urls", Variant()),
        ("Name *", "name", Variant()),
        ("Reference #", "reference", Variant()),
        ("Açıklama", "aciklama", Variant()),
        ("price-EUR", "price", Variant(currency="EUR")),
        ("Price (USD)", "price", Variant(currency="USD")),
        ("Price USD", "price", Variant(currency="USD")),
        ("Prix (€)", "prix", Variant(currency="EUR")),
        ("price_net_eur", "price net", Variant(currency="EUR")),
        ("name-fr_FR", "name", Variant(locale="fr_FR")),
        ("description-en_US-ecommerce", "description", Variant(locale="en_US", channel="ecommerce")),
        ("description-en_US-print", "description", Variant(locale="en_US", channel="print")),
        ("release_date-ecommerce", "release date", Variant(channel="ecommerce")),
        ("Price / United States", "price", Variant(channel="united_states")),
        ("Stok:Ana Depo", "stok", Variant(channel="ana_depo")),
        ("Google Shopping / Gender", "gender", Variant()),
        ("Color (product.metafields.shopify.color-pattern)", "color", Variant()),
        ("TOP SELLER", "top seller", Variant()),
        ("weight-unit", "weight unit", Variant()),
        ("Cross-sells", "cross sells", Variant()),
    ],
)
def test_headers_split_into_key_and_variant(header: str, key: str, variant: Variant) -> None:
    parsed = parse_header(header)
    assert (parsed.key, parsed.variant) == (key, variant)


@pytest.mark.parametrize(
    ("header", "key", "unit"),
    [
        ("Weight (kg)", "weight", "kg"),
        ("Gewicht [g]", "gewicht", "g"),
        ("weight_kg", "weight", "kg"),
        ("Length (in)", "length", "in"),
        ("Weight", "weight", None),
    ],
)
def test_units_are_split_off(header: str, key: str, unit: str | None) -> None:
    parsed = parse_header(header)
    assert (parsed.key, parsed.unit) == (key, unit)


@pytest.mark.parametrize(
    ("header", "hints"),
    [
        ("Active (0/1)", {"boolean"}),
        ("Show price (0 = No, 1 = Yes)", {"boolean"}),
        ("In stock?", {"boolean"}),
        ("Categories (x,y,z...)", {"list"}),
        ("Attribute 1 value(s)", {"list"}),
        ("Discount from (yyyy-mm-dd)", {"date"}),
        ("Body (HTML)", {"html"}),
        ("Description", set()),
    ],
)
def test_type_hints_are_read_from_the_header(header: str, hints: set[str]) -> None:
    assert parse_header(header).hints == hints


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Weight (kg)", "weight_kg"),
        ("price-EUR", "price_eur"),
        ("Price (USD)", "price_usd"),
        ("description-en_US-print", "description_en_us_print"),
        ("Google Shopping / Age Group", "google_shopping_age_group"),
        ("Categories (x,y,z...)", "categories"),
        ("Active (0/1)", "active"),
        ("Attribute 1 value(s)", "attribute_1_value"),
        ("Option1 Name", "option1_name"),
        ("optionGroups", "option_groups"),
        ("Image URLs", "image_urls"),
        ("Cross-sells", "cross_sells"),
        ("Açıklama", "aciklama"),
        ("Größe", "grosse"),
        ("İndirimli Fiyatı", "indirimli_fiyati"),
        ("Crème brûlée", "creme_brulee"),
        ("SKU", "sku_value"),
        ("ID", "id_value"),
        ("name", "name_value"),
        ("created_at", "created_at_value"),
        ("AI readability score", "ai_readability_score_value"),
        ("3D Model", "field_3d_model"),
        ("2nd color", "field_2nd_color"),
        ("价格", "field"),
        ("Цена", "field"),
        ("!!!", "field"),
        ("", "field"),
        ("__a__b__", "a_b"),
    ],
)
def test_derived_names(header: str, name: str) -> None:
    assert derived_name(header) == name


def test_long_headers_are_cut_at_a_word_boundary() -> None:
    name = derived_name("Delivery time of out-of-stock products with allowed orders and a very long tail")
    assert len(name) <= MAX_FIELD_NAME_LENGTH
    assert name == "delivery_time_of_out_of_stock_products_with_allowed_orders_and"


@given(st.text())
def test_any_header_gets_a_valid_unreserved_name(header: str) -> None:
    name = derived_name(header)
    assert re.fullmatch(FIELD_NAME_PATTERN, name), name
    assert len(name) <= MAX_FIELD_NAME_LENGTH
    assert name not in RESERVED_FIELD_NAMES
    assert derived_name(header) == name
