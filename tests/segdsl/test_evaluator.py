"""The reference evaluator on hand-picked products: the DSL semantics spelled out case by case."""

from datetime import date
from typing import Any

import pytest

from segdsl import FieldType, evaluate, validate_definition

SCHEMA: dict[str, FieldType] = {
    "brand": "string",
    "description": "text",
    "price": "price",
    "weight": "number",
    "published": "boolean",
    "release_date": "date",
    "tags": "array",
    "name": "number",  # shadowed by the built-in
}
TODAY = date(2026, 5, 3)


def product(**data: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "sku": "SHOE-001",
        "name": "Air Max 90",
        "source": "csv",
        "data": data,
        "ai_readability_score": None,
        "created_at": "2026-05-03T23:30:00-02:00",
        "updated_at": "2026-05-01T10:00:00Z",
    }


def holds(prop: str, operator: str, value: Any = None, item: dict[str, Any] | None = None) -> bool:
    field_type = SCHEMA.get(prop, "string") if prop != "name" else "string"
    value_type = {"text": "string", "price": "number", "number": "number"}.get(field_type, field_type)
    if prop in ("created_at", "updated_at"):
        value_type = "date"
    if prop == "ai_readability_score":
        value_type = "number"
    condition = {
        "type": "product_attribute",
        "property": prop,
        "operator": operator,
        "value_type": value_type,
    }
    if value is not None:
        condition["value"] = value
    definition = validate_definition({"logic": "AND", "conditions": [condition]}, SCHEMA)
    return evaluate(definition, item if item is not None else product(), SCHEMA, today=TODAY)


def test_a_missing_value_fails_positive_and_passes_negative_operators() -> None:
    assert holds("brand", "neq", "Nike")
    assert not holds("brand", "eq", "Nike")
    assert holds("brand", "not_in", ["Nike"])
    assert holds("brand", "not_contains", "x")
    assert holds("price", "not_between", [1, 2])
    assert holds("price", "is_not_set")
    assert holds("tags", "is_empty")
    assert not holds("tags", "contains_all", ["a"])


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_strings_are_not_set(raw: object) -> None:
    item = product(brand=raw)
    assert holds("brand", "is_not_set", item=item)
    assert not holds("brand", "eq", "", item=item)
    assert holds("brand", "neq", "", item=item)


def test_eq_empty_matches_nothing_even_when_set() -> None:
    assert not holds("brand", "eq", "", item=product(brand="Nike"))
    assert not holds("brand", "in", ["", "x"], item=product(brand="Nike"))


def test_values_that_do_not_coerce_are_not_set() -> None:
    item = product(price="abc", published="maybe", release_date="03/05/2026", tags=5)
    assert holds("price", "is_not_set", item=item)
    assert holds("published", "is_not_set", item=item)
    assert holds("release_date", "is_not_set", item=item)
    assert holds("tags", "is_not_set", item=item)


def test_strings_compare_exactly_but_match_case_insensitively() -> None:
    item = product(brand=" Nike ", description="Soft RUNNING shoe")
    assert holds("brand", "eq", "Nike", item=item)  # strings are stripped when coerced; text is not
    assert not holds("brand", "eq", "nike", item=item)
    assert holds("description", "contains", "running", item=item)
    assert holds("description", "starts_with", "soft", item=item)
    assert holds("description", "ends_with", "SHOE", item=item)
    assert not holds("description", "starts_with", "shoe", item=item)
    assert holds("description", "contains", "", item=item)
    assert not holds("description", "contains", "", item=product())


def test_non_ascii_lowercasing_follows_python() -> None:
    assert holds("brand", "contains", "éclair", item=product(brand="ÉCLAIR"))
    assert holds("brand", "contains", "ωmega", item=product(brand="ΩMEGA"))
    assert not holds("brand", "contains", "strasse", item=product(brand="Straße"))


def test_numbers_compare_as_float64() -> None:
    item = product(price="€4,56", weight=0.1 + 0.2)
    assert holds("price", "eq", 4.56, item=item)
    assert holds("price", "in", [1, 4.56], item=item)
    assert holds("price", "between", [4.56, 4.56], item=item)
    assert not holds("weight", "eq", 0.3, item=item)
    assert holds("weight", "gt", 0.3, item=item)
    assert holds("weight", "eq", 2**53, item=product(weight=2**53 + 1))  # both round to the same float64


def test_booleans() -> None:
    assert holds("published", "eq", True, item=product(published="yes"))
    assert holds("published", "neq", True, item=product(published="no"))
    assert holds("published", "neq", True, item=product())
    assert not holds("published", "eq", False, item=product())


def test_dates_are_utc_calendar_days() -> None:
    assert holds("created_at", "eq", "2026-05-04")  # 23:30 at -02:00 is the next day in UTC
    assert holds("created_at", "after", "2026-05-03")
    assert holds("updated_at", "on_or_before", "2026-05-01T23:59:59+00:00")
    item = product(release_date="2026-04-03")
    assert holds("release_date", "within_last_days", 30, item=item)  # today - 30 is included
    assert not holds("release_date", "within_last_days", 29, item=item)
    assert not holds(
        "release_date", "within_last_days", 30, item=product(release_date="2026-05-04")
    )  # future
    assert holds("release_date", "within_last_days", 0, item=product(release_date="2026-05-03"))
    assert holds("release_date", "between", ["2026-04-03", "2026-04-03"], item=item)
    assert holds("release_date", "before", "2026-04-04", item=product(release_date="0999-01-01"))


def test_arrays_match_whole_elements_exactly() -> None:
    item = product(tags="running|Trail shoes")
    assert holds("tags", "contains", "running", item=item)
    assert not holds("tags", "contains", "Running", item=item)
    assert not holds("tags", "contains", "Trail", item=item)
    assert holds("tags", "contains_any", ["x", "Trail shoes"], item=item)
    assert holds("tags", "contains_all", ["Trail shoes", "running", "running"], item=item)
    assert not holds("tags", "contains_all", ["running", "x"], item=item)
    assert holds("tags", "is_not_empty", item=item)
    assert holds("tags", "is_empty", item=product(tags=[" ", ""]))


def test_built_ins_take_precedence_over_schema_fields() -> None:
    assert holds("name", "contains", "max", item=product(name=5))
    assert holds("ai_readability_score", "is_not_set")
    assert holds("ai_readability_score", "gte", 87.5, item=product() | {"ai_readability_score": "87.5"})


def test_groups() -> None:
    raw = {
        "logic": "OR",
        "conditions": [
            {
                "type": "product_attribute",
                "property": "brand",
                "operator": "eq",
                "value": "x",
                "value_type": "string",
            },
            {
                "logic": "AND",
                "conditions": [
                    {
                        "type": "product_attribute",
                        "property": "sku",
                        "operator": "eq",
                        "value": "SHOE-001",
                        "value_type": "string",
                    },
                    {
                        "type": "product_attribute",
                        "property": "tags",
                        "operator": "is_empty",
                        "value_type": "array",
                    },
                ],
            },
        ],
    }
    assert evaluate(validate_definition(raw, SCHEMA), product(), SCHEMA, today=TODAY)
    assert not evaluate(validate_definition(raw, SCHEMA), product(tags=["a"]), SCHEMA, today=TODAY)
