"""Replica rows: which column each field type lands in, what counts as not set, and the JSON form."""

import json
import struct

from hypothesis import given, settings
from pydantic_core import to_json

from segdsl import (
    CoercionError,
    FieldType,
    coerce,
    insert_rows_sql,
    json_each_row,
    replica_row,
    tombstone_row,
)
from tests.segdsl.strategies import Scenario, scenarios

SCHEMA: dict[str, FieldType] = {
    "brand": "string",
    "description": "text",
    "url": "url",
    "price": "price",
    "weight": "number",
    "published": "boolean",
    "release_date": "date",
    "tags": "array",
    "missing": "string",
    "broken": "number",
    "blank": "string",
    "no_tags": "array",
    "unlisted_in_data": "boolean",
}
PRODUCT = {
    "id": 9,
    "sku": "SHOE-001",
    "name": "Air Max 90",
    "source": "csv",
    "data": {
        "brand": " Nike ",
        "description": "Soft",
        "url": "https://example.com/p",
        "price": "€1.299,00",
        "weight": 4.56,
        "published": "yes",
        "release_date": "2026-05-03T23:30:00-02:00",
        "tags": "running|trail",
        "missing": None,
        "broken": "abc",
        "blank": "  ",
        "no_tags": [],
        "not_in_schema": "ignored",
    },
    "ai_readability_score": 87.5,
    "created_at": "2026-05-03T23:30:00-02:00",
    "updated_at": "2026-05-03T10:00:00",
}


def bits(number: float) -> int:
    value: int = struct.unpack("<Q", struct.pack("<d", number))[0]
    return value


def test_a_product_becomes_parallel_typed_arrays() -> None:
    assert replica_row(PRODUCT, SCHEMA, tenant_id=42, version=7) == {
        "tenant_id": 42,
        "sku": "SHOE-001",
        "product_id": 9,
        "name": "Air Max 90",
        "source": "csv",
        "created_at": "2026-05-04 01:30:00",
        "updated_at": "2026-05-03 10:00:00",
        "ai_readability_score_bits": bits(87.5),
        "str_keys": ["brand"],
        "str_vals": ["Nike"],
        "text_keys": ["description", "url"],  # long strings, apart
        "text_vals": ["Soft", "https://example.com/p"],
        "num_keys": ["price", "weight"],
        "num_bits": [bits(1299.0), bits(4.56)],
        "bool_keys": ["published"],
        "bool_vals": [1],
        "date_keys": ["release_date"],
        "date_vals": [20260504],
        "arr_keys": ["tags"],
        "arr_vals": [["running", "trail"]],
        "version": 7,
        "is_deleted": 0,
    }


def test_timestamps_are_utc_and_clamped_to_the_datetime_range() -> None:
    def created(raw: object) -> object:
        return replica_row(PRODUCT | {"created_at": raw}, {}, tenant_id=1, version=1)["created_at"]

    assert created("1969-12-31T23:59:59Z") == "1970-01-01 00:00:00"
    assert created("2200-01-01T00:00:00Z") == "2105-12-31 23:59:59"
    assert created("9999-12-31T23:00:00-05:00") == "2105-12-31 23:59:59"
    assert created("2026-05-03T10:00:00.999+00:00") == "2026-05-03 10:00:00"
    assert created(None) == "1970-01-01 00:00:00"


def test_scores_that_are_not_numbers_are_null() -> None:
    for raw in (None, "n/a", True, float("nan")):
        row = replica_row(PRODUCT | {"ai_readability_score": raw}, {}, tenant_id=1, version=1)
        assert row["ai_readability_score_bits"] is None


def test_tombstones_carry_the_key_and_a_newer_version() -> None:
    row = tombstone_row(tenant_id=42, sku="SHOE-001", product_id=9, version=8)
    assert (row["tenant_id"], row["sku"], row["product_id"], row["version"], row["is_deleted"]) == (
        42,
        "SHOE-001",
        9,
        8,
        1,
    )
    assert row["str_keys"] == [] and row["ai_readability_score_bits"] is None


def test_rows_are_one_json_object_a_line() -> None:
    rows = [
        replica_row(PRODUCT | {"name": "a\nb\x00\u2028"}, SCHEMA, tenant_id=1, version=1),
        tombstone_row(tenant_id=1, sku="x", product_id=2, version=3),
    ]
    body = json_each_row(rows)
    assert body.count("\n") == 1
    assert [json.loads(line) for line in body.split("\n")] == rows
    assert insert_rows_sql("segmentation") == "INSERT INTO `segmentation`.products FORMAT JSONEachRow"


@settings(max_examples=200, deadline=None)
@given(scenarios(definitions=0))
def test_a_product_written_coerced_makes_the_row_its_stored_form_makes(scenario: Scenario) -> None:
    """The import's shortcut (`coerced=True`, its values as it coerced them) against the relay's
    way (the stored JSON read back and coerced again)."""
    for product in scenario.products:
        coerced = {}
        for name, raw in product["data"].items():
            try:
                coerced[name] = coerce(scenario.schema[name], raw)
            except CoercionError:
                continue
        written = {**product, "data": coerced}
        stored = {**product, "data": json.loads(to_json(coerced))}
        assert replica_row(written, scenario.schema, tenant_id=3, version=5, coerced=True) == replica_row(
            stored, scenario.schema, tenant_id=3, version=5
        )
