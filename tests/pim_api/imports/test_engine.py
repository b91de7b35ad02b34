"""The suggestion engine: variant rule, tenant's fields first, unique valid targets, determinism, speed."""

import random
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pim_api.imports.suggestions import suggest_columns
from pim_api.schema.schemas import FIELD_NAME_PATTERN, MAX_FIELD_NAME_LENGTH, RESERVED_FIELD_NAMES
from segdsl import FieldType

AKENEO_HEADERS = [
    "sku",
    "name-en_US",
    "name-fr_FR",
    "price-EUR",
    "price-USD",
    "description-en_US-ecommerce",
    "description-en_US-print",
    "description-fr_FR-ecommerce",
    "description-fr_FR-print",
]
AKENEO_ROW = [
    "1111111171",
    "Hat",
    "Chapeau",
    "10.00",
    "12.00",
    "A hat.",
    "A hat!",
    "Un chapeau.",
    "Un chapeau !",
]


def _targets(
    headers: list[str],
    rows: list[list[str]],
    default_currency: str | None = None,
    default_locale: str | None = None,
) -> dict[str, str | None]:
    suggestion = suggest_columns(
        headers, rows, default_currency=default_currency, default_locale=default_locale
    )
    return suggestion.mapping()


def test_variants_default_to_usd_en_us_and_the_ecommerce_channel() -> None:
    assert _targets(AKENEO_HEADERS, [AKENEO_ROW]) == {
        "sku": "sku",
        "name-en_US": "name",
        "name-fr_FR": "name_fr_fr",
        "price-EUR": "price_eur",
        "price-USD": "price",
        "description-en_US-ecommerce": "description",
        "description-en_US-print": "description_en_us_print",
        "description-fr_FR-ecommerce": "description_fr_fr_ecommerce",
        "description-fr_FR-print": "description_fr_fr_print",
    }


def test_variants_follow_the_tenants_currency_and_locale() -> None:
    targets = _targets(AKENEO_HEADERS, [AKENEO_ROW], default_currency="EUR", default_locale="fr_FR")
    assert targets == {
        "sku": "sku",
        "name-en_US": "name_en_us",
        "name-fr_FR": "name",
        "price-EUR": "price",
        "price-USD": "price_usd",
        "description-en_US-ecommerce": "description_en_us_ecommerce",
        "description-en_US-print": "description_en_us_print",
        "description-fr_FR-ecommerce": "description",
        "description-fr_FR-print": "description_fr_fr_print",
    }


def test_an_explicit_currency_match_beats_a_column_without_currency() -> None:
    headers = ["product_number", "name", "price_gross", "price_gross_eur", "price_gross_usd", "price_net"]
    row = ["SW-1", "Bowl", "590", "590", "640", "495.80"]
    assert _targets(headers, [row])["price_gross_usd"] == "price"
    assert _targets(headers, [row], default_currency="EUR")["price_gross_eur"] == "price"
    assert _targets(headers, [row], default_currency="CHF")["price_gross"] == "price"


def test_a_lone_variant_of_another_currency_still_fills_the_field() -> None:
    """With no other price column, `Price (EUR)` is the file's price; the reason says the currency differs."""
    suggestion = suggest_columns(["SKU", "Price (EUR)"], [["A-1", "10,00"]])
    price = suggestion.columns[1]
    assert (price.target, price.field_type) == ("price", "price")
    assert "currency EUR (tenant USD)" in price.reason
    assert price.confidence < 1


def test_the_variant_sku_wins_over_the_shopify_handle() -> None:
    suggestion = suggest_columns(["Handle", "Title", "Variant SKU"], [["tee", "Tee", "TEE-S"]])
    assert suggestion.mapping() == {"Handle": "handle", "Title": "name", "Variant SKU": "sku"}
    assert _targets(["Handle", "Title"], [["tee", "Tee"]]) == {"Handle": "sku", "Title": "name"}


def test_sale_price_is_the_price_only_when_there_is_no_regular_price() -> None:
    row = ["A-1", "Tee", "18", "20"]
    assert _targets(["SKU", "Name", "Sale price", "Regular price"], [row])["Sale price"] == "sale_price"
    assert _targets(["Product ID", "Title", "Sale Price"], [row[:3]])["Sale Price"] == "price"


def test_existing_fields_are_preferred_with_their_type() -> None:
    existing: dict[str, FieldType] = {"manufacturer": "string", "colour": "string", "weight": "string"}
    suggestion = suggest_columns(
        ["SKU", "Brand", "Color", "Weight (kg)"], [["A-1", "Acme", "Red", "1.5"]], existing
    )
    assert [(c.target, c.field_type) for c in suggestion.columns[1:]] == [
        ("manufacturer", "string"),
        ("colour", "string"),
        ("weight", "string"),
    ]
    assert "existing field manufacturer" in suggestion.columns[1].reason


def test_a_close_existing_name_is_taken_when_the_values_fit_its_type() -> None:
    existing: dict[str, FieldType] = {"heel_height": "number"}
    fitting = suggest_columns(["SKU", "Heel Heights"], [["A-1", "4.5"], ["A-2", "7"]], existing).columns[1]
    assert (fitting.target, fitting.field_type) == ("heel_height", "number")
    unfit = suggest_columns(["SKU", "Heel Heights"], [["A-1", "tall"], ["A-2", "flat"]], existing).columns[1]
    assert (unfit.target, unfit.field_type) == ("heel_heights", "string")


def test_an_exact_existing_name_keeps_its_field_and_type_even_when_values_do_not_fit() -> None:
    """Values that do not fit are row errors at import (DESIGN.md); the confidence and reason say so."""
    existing: dict[str, FieldType] = {"heel_height_cm": "number"}
    column = suggest_columns(["Heel Height (cm)"], [["n/a"]], existing).columns[0]
    assert (column.target, column.field_type) == ("heel_height_cm", "number")
    assert column.reason == "existing field heel_height_cm; 0% of sample values fit"
    assert column.confidence < 1


def test_columns_spelled_alike_get_distinct_targets() -> None:
    headers = ["Price", "price ", "PRICE", "Price (USD)", "price_usd", "SKU", "sku_value"]
    targets = list(_targets(headers, [["1", "2", "3", "4", "5", "A", "B"]]).values())
    assert len(set(targets)) == len(targets)
    assert targets.count("price") == 1 and targets.count("sku") == 1


def test_empty_and_missing_cells_still_get_a_field() -> None:
    suggestion = suggest_columns(["SKU", "Name", "Notes", "Extra"], [["A-1", "Tee"], ["A-2", "Hat", "  "]])
    notes, extra = suggestion.columns[2:]
    assert (notes.target, notes.field_type, notes.confidence) == ("notes", "string", 0.2)
    assert (extra.target, extra.field_type) == ("extra", "string")
    assert "no sample values" in extra.reason


def test_api_shapes() -> None:
    suggestion = suggest_columns(
        ["Product ID", "Title", "Brand", "Sale Price", "Stock", "Heel"],
        [["SHOE-001", "Air Max 90", "Nike", "129.99", "45", "3 cm"]],
    )
    assert suggestion.mapping() == {
        "Product ID": "sku",
        "Title": "name",
        "Brand": "brand",
        "Sale Price": "price",
        "Stock": "inventory_count",
        "Heel": "heel",
    }
    assert suggestion.schema() == [
        {"name": "brand", "type": "string", "required": False, "description": "Product brand"},
        {"name": "price", "type": "price", "required": False, "description": "Selling price"},
        {"name": "inventory_count", "type": "number", "required": False, "description": "Stock quantity"},
        {"name": "heel", "type": "string", "required": False, "description": "Heel"},
    ]
    confidence = suggestion.confidence()
    assert list(confidence) == list(suggestion.mapping())
    assert all(0 <= value <= 1 and round(value, 2) == value for value in confidence.values())


def test_typos_and_near_spellings_match_with_less_confidence() -> None:
    suggestion = suggest_columns(["SKU", "Brnad", "Catgory", "Brand"], [["A-1", "Acme", "Hats", "Acme"]])
    brnad, catgory, brand = suggestion.columns[1:]
    assert (catgory.target, brand.target) == ("category", "brand")
    assert brnad.target == "brnad"  # brand went to the exact spelling
    alone = suggest_columns(["SKU", "Brnad"], [["A-1", "Acme"]]).columns[1]
    assert alone.target == "brand" and alone.confidence < 0.8 and alone.reason.startswith("fuzzy match")


headers_strategy = st.lists(st.text(max_size=30), max_size=12, unique=True)


@given(headers_strategy, st.data())
def test_targets_are_valid_unique_and_deterministic(headers: list[str], data: st.DataObject) -> None:
    rows = data.draw(st.lists(st.lists(st.text(max_size=12), max_size=len(headers) + 2), max_size=4))
    suggestion = suggest_columns(headers, rows)
    targets = [column.target for column in suggestion.columns]
    assert [column.header for column in suggestion.columns] == headers
    assert len(set(targets)) == len(targets)
    for target in targets:
        assert target is not None
        assert target in ("sku", "name") or (
            re.fullmatch(FIELD_NAME_PATTERN, target)
            and len(target) <= MAX_FIELD_NAME_LENGTH
            and target not in RESERVED_FIELD_NAMES
        )
    assert suggest_columns(list(headers), [list(row) for row in rows]) == suggestion


def test_the_tenants_field_order_does_not_matter() -> None:
    fields: dict[str, FieldType] = {"colour": "string", "color_code": "string", "manufacturer": "string"}
    backwards = dict(reversed(fields.items()))
    headers, rows = ["SKU", "Color", "Colour Code", "Brand"], [["A", "Red", "#f00", "Acme"]]
    assert suggest_columns(headers, rows, fields) == suggest_columns(headers, rows, backwards)


def test_two_hundred_columns_by_a_thousand_rows_are_fast() -> None:
    generator = random.Random(7)
    makers = [
        lambda: str(generator.randint(0, 10**6)),
        lambda: f"{generator.random() * 100:.2f}",
        lambda: generator.choice(["a, b, c", "d|e", "x"]),
        lambda: f"https://cdn.example.com/{generator.random()}.jpg",
        lambda: f"2024-01-{generator.randint(1, 28):02d}",
        lambda: "word " * generator.randint(1, 30),
    ]
    headers = [f"Custom attribute {index}" for index in range(200)]
    rows = [[makers[column % len(makers)]() for column in range(200)] for _ in range(1000)]
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        suggest_columns(headers, rows)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.5, timings


@pytest.mark.parametrize("default_locale", ["fr-FR", "fr_fr"])
def test_locale_spellings_are_compared_loosely(default_locale: str) -> None:
    assert _targets(
        ["sku", "name-fr_FR", "name-en_US"], [["1", "a", "b"]], default_locale=default_locale
    ) == {
        "sku": "sku",
        "name-fr_FR": "name",
        "name-en_US": "name_en_us",
    }
