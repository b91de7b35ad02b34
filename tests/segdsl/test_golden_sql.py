"""Golden SQL: the exact text the compiler writes for each operator and for the query layouts."""

from datetime import date
from typing import Any

import pytest

from segdsl import (
    FieldType,
    compile_membership_insert,
    compile_preview,
    memberships_table_ddl,
    products_table_ddl,
    validate_definition,
)

SCHEMA: dict[str, FieldType] = {
    "brand": "string",
    "description": "text",
    "price": "price",
    "weight": "number",
    "published": "boolean",
    "release_date": "date",
    "tags": "array",
    "it's": "string",
}
TODAY = date(2026, 5, 3)
BRAND = "str_vals[indexOf(str_keys, 'brand')]"
PRICE = "num_vals[indexOf(num_keys, 'price')]"
HAS_PRICE = "has(num_keys, 'price')"
PUBLISHED = "bool_vals[indexOf(bool_keys, 'published')]"
RELEASE = "date_vals[indexOf(date_keys, 'release_date')]"
TAGS = "arr_vals[indexOf(arr_keys, 'tags')]"
SCORE = "ifNull(ai_readability_score, 0)"

CASES: list[tuple[str, str, Any, str]] = [
    # string
    ("brand", "eq", "Nike", f"{BRAND} = 'Nike'"),
    ("brand", "eq", "", "0"),
    ("brand", "neq", "Nike", f"NOT ({BRAND} = 'Nike')"),
    ("brand", "in", ["Nike", "Adidas"], f"has(['Nike', 'Adidas'], {BRAND})"),
    ("brand", "in", ["", "Nike"], f"has(['Nike'], {BRAND})"),
    ("brand", "in", [""], "0"),
    ("brand", "not_in", ["Nike"], f"NOT (has(['Nike'], {BRAND}))"),
    ("brand", "contains", "Run", f"position(lowerUTF8({BRAND}), lowerUTF8('Run')) > 0"),
    ("brand", "contains", "", f"({BRAND} != '' AND position(lowerUTF8({BRAND}), lowerUTF8('')) > 0)"),
    ("brand", "not_contains", "Run", f"NOT (position(lowerUTF8({BRAND}), lowerUTF8('Run')) > 0)"),
    ("brand", "starts_with", "Ni", f"startsWith(lowerUTF8({BRAND}), lowerUTF8('Ni'))"),
    ("brand", "ends_with", "ke", f"endsWith(lowerUTF8({BRAND}), lowerUTF8('ke'))"),
    ("brand", "is_set", None, f"{BRAND} != ''"),
    ("brand", "is_not_set", None, f"NOT ({BRAND} != '')"),
    (
        "description",
        "contains",
        "soft",
        "position(lowerUTF8(text_vals[indexOf(text_keys, 'description')]), lowerUTF8('soft')) > 0",
    ),
    ("name", "eq", "Air Max", "name = 'Air Max'"),
    ("sku", "starts_with", "SHOE-", "startsWith(lowerUTF8(sku), lowerUTF8('SHOE-'))"),
    ("source", "is_not_set", None, "NOT (source != '')"),
    ("it's", "eq", "a\\b\n", "str_vals[indexOf(str_keys, 'it\\'s')] = 'a\\\\b\\n'"),
    ("brand", "eq", "\u202e\x00\u00a0", f"{BRAND} = '\\xE2\\x80\\xAE\\0\\xC2\\xA0'"),
    # number
    ("price", "eq", 150, f"({HAS_PRICE} AND {PRICE} = 150)"),
    ("price", "neq", 150, f"NOT ({HAS_PRICE} AND {PRICE} = 150)"),
    ("price", "gt", 4.56, f"({HAS_PRICE} AND {PRICE} > 4.56)"),
    ("price", "gte", -1, f"({HAS_PRICE} AND {PRICE} >= -1)"),
    ("price", "lt", 1e20, f"({HAS_PRICE} AND {PRICE} < 1e+20)"),
    ("price", "lte", 150.0, f"({HAS_PRICE} AND {PRICE} <= 150)"),
    ("price", "between", [10, 20.5], f"({HAS_PRICE} AND {PRICE} BETWEEN 10 AND 20.5)"),
    ("price", "not_between", [10, 20], f"NOT ({HAS_PRICE} AND {PRICE} BETWEEN 10 AND 20)"),
    ("price", "in", [1, 2, -3], f"({HAS_PRICE} AND has([1, 2, -3], {PRICE}))"),
    ("price", "in", [1, 2.5], f"({HAS_PRICE} AND has([1.0, 2.5], {PRICE}))"),
    ("price", "not_in", [2**40], f"NOT ({HAS_PRICE} AND has([1099511627776.0], {PRICE}))"),
    ("price", "is_set", None, HAS_PRICE),
    ("price", "is_not_set", None, f"NOT ({HAS_PRICE})"),
    ("weight", "eq", 0.1, "(has(num_keys, 'weight') AND num_vals[indexOf(num_keys, 'weight')] = 0.1)"),
    ("ai_readability_score", "gt", 50, f"(isNotNull(ai_readability_score) AND {SCORE} > 50)"),
    ("ai_readability_score", "is_not_set", None, "NOT (isNotNull(ai_readability_score))"),
    # boolean
    ("published", "eq", True, f"{PUBLISHED} = 1"),
    ("published", "eq", False, f"(has(bool_keys, 'published') AND {PUBLISHED} = 0)"),
    ("published", "neq", True, f"NOT ({PUBLISHED} = 1)"),
    ("published", "neq", False, f"NOT (has(bool_keys, 'published') AND {PUBLISHED} = 0)"),
    ("published", "is_set", None, "has(bool_keys, 'published')"),
    ("published", "is_not_set", None, "NOT (has(bool_keys, 'published'))"),
    # date
    ("release_date", "eq", "2026-05-03", f"{RELEASE} = 20260503"),
    ("release_date", "neq", "2026-05-03", f"NOT ({RELEASE} = 20260503)"),
    ("release_date", "before", "2026-05-03", f"(has(date_keys, 'release_date') AND {RELEASE} < 20260503)"),
    ("release_date", "after", "2026-05-03T23:30:00-02:00", f"{RELEASE} > 20260504"),
    (
        "release_date",
        "on_or_before",
        "0999-01-01",
        f"(has(date_keys, 'release_date') AND {RELEASE} <= 9990101)",
    ),
    ("release_date", "on_or_after", "2026-05-03", f"{RELEASE} >= 20260503"),
    ("release_date", "between", ["2026-01-01", "2026-12-31"], f"{RELEASE} BETWEEN 20260101 AND 20261231"),
    ("release_date", "within_last_days", 30, f"{RELEASE} BETWEEN 20260403 AND 20260503"),
    ("release_date", "within_last_days", 0, f"{RELEASE} BETWEEN 20260503 AND 20260503"),
    ("release_date", "within_last_days", 10**9, f"{RELEASE} BETWEEN 10101 AND 20260503"),
    ("release_date", "is_set", None, "has(date_keys, 'release_date')"),
    ("release_date", "is_not_set", None, "NOT (has(date_keys, 'release_date'))"),
    ("created_at", "after", "2026-05-03", "toYYYYMMDD(created_at) > 20260503"),
    ("updated_at", "before", "2026-05-03", "toYYYYMMDD(updated_at) < 20260503"),
    ("created_at", "is_set", None, "1"),
    ("created_at", "is_not_set", None, "NOT (1)"),
    # array
    ("tags", "contains", "running", f"has({TAGS}, 'running')"),
    ("tags", "not_contains", "running", f"NOT (has({TAGS}, 'running'))"),
    ("tags", "contains_any", ["a", "b"], f"hasAny({TAGS}, ['a', 'b'])"),
    ("tags", "contains_all", ["a", "b"], f"hasAll({TAGS}, ['a', 'b'])"),
    ("tags", "is_empty", None, f"NOT (notEmpty({TAGS}))"),
    ("tags", "is_not_empty", None, f"notEmpty({TAGS})"),
    ("tags", "is_set", None, f"notEmpty({TAGS})"),
    ("tags", "is_not_set", None, f"NOT (notEmpty({TAGS}))"),
]


def _condition(prop: str, operator: str, value: Any) -> dict[str, Any]:
    field_type = SCHEMA.get(prop) or {"name": "string", "sku": "string", "source": "string"}.get(prop)
    value_type = {
        "string": "string",
        "text": "string",
        "price": "number",
        "number": "number",
        "boolean": "boolean",
        "date": "date",
        "array": "array",
    }.get(field_type or "", "date" if prop.endswith("_at") else "number")
    condition = {
        "type": "product_attribute",
        "property": prop,
        "operator": operator,
        "value_type": value_type,
    }
    return condition if value is None else condition | {"value": value}


@pytest.mark.parametrize(("prop", "operator", "value", "expected"), CASES)
def test_each_operator_compiles_to_its_golden_sql(
    prop: str, operator: str, value: Any, expected: str
) -> None:
    definition = validate_definition(
        {"logic": "AND", "conditions": [_condition(prop, operator, value)]}, SCHEMA
    )
    sql = compile_preview(
        definition, tenant_id=42, database="segmentation", today=TODAY, field_types=SCHEMA
    ).count_sql
    assert sql == (
        "SELECT count()\n"
        "FROM `segmentation`.products FINAL\n"
        "WHERE tenant_id = 42\n"
        "  AND is_deleted = 0\n"
        "  AND (\n"
        f"    {expected}\n"
        "  )"
    )


NESTED = {
    "logic": "AND",
    "conditions": [
        _condition("brand", "eq", "Nike"),
        {
            "logic": "OR",
            "conditions": [
                _condition("price", "lte", 150),
                {
                    "logic": "AND",
                    "conditions": [
                        _condition("tags", "contains", "sale"),
                        _condition("published", "eq", True),
                    ],
                },
            ],
        },
        _condition("release_date", "within_last_days", 7),
    ],
}
NESTED_WHERE = (
    "FROM `segmentation`.products FINAL\n"
    "WHERE tenant_id = 42\n"
    "  AND is_deleted = 0\n"
    "  AND (\n"
    "    str_vals[indexOf(str_keys, 'brand')] = 'Nike'\n"
    "    AND (\n"
    "      (has(num_keys, 'price') AND num_vals[indexOf(num_keys, 'price')] <= 150)\n"
    "      OR (\n"
    "        has(arr_vals[indexOf(arr_keys, 'tags')], 'sale')\n"
    "        AND bool_vals[indexOf(bool_keys, 'published')] = 1\n"
    "      )\n"
    "    )\n"
    "    AND date_vals[indexOf(date_keys, 'release_date')] BETWEEN 20260426 AND 20260503\n"
    "  )"
)


def test_nested_groups_are_indented_a_condition_per_line() -> None:
    queries = compile_preview(
        validate_definition(NESTED, SCHEMA),
        tenant_id=42,
        database="segmentation",
        today=TODAY,
        field_types=SCHEMA,
        sample_size=5,
    )
    assert queries.count_sql == f"SELECT count()\n{NESTED_WHERE}"
    assert queries.sample_sql == f"SELECT sku\n{NESTED_WHERE}\nORDER BY sku\nLIMIT 5"


def test_membership_insert_selects_into_product_memberships() -> None:
    sql = compile_membership_insert(
        validate_definition(NESTED, SCHEMA),
        tenant_id=42,
        segment_id=7,
        version=3,
        database="segmentation",
        today=TODAY,
        field_types=SCHEMA,
    )
    assert sql == (
        "INSERT INTO `segmentation`.product_memberships (tenant_id, segment_id, version, sku, product_id)\n"
        "SELECT tenant_id, 7, 3, sku, product_id\n"
        f"{NESTED_WHERE}"
    )


def test_ddl_is_generated_for_the_given_database() -> None:
    products = products_table_ddl("segmentation")
    assert products.startswith(
        "CREATE TABLE IF NOT EXISTS `segmentation`.products\n(\n    tenant_id UInt64,\n"
    )
    assert products.endswith("\n)\nENGINE = ReplacingMergeTree(version)\nORDER BY (tenant_id, sku)")
    assert memberships_table_ddl("segmentation") == (
        "CREATE TABLE IF NOT EXISTS `segmentation`.product_memberships\n"
        "(\n"
        "    tenant_id UInt64,\n"
        "    segment_id UInt64,\n"
        "    version UInt64,\n"
        "    sku String,\n"
        "    product_id UInt64,\n"
        "    computed_at DateTime('UTC') DEFAULT now()\n"
        ")\n"
        "ENGINE = ReplacingMergeTree\n"
        "ORDER BY (tenant_id, segment_id, version, sku)"
    )


@pytest.mark.parametrize("database", ["seg-mentation", "a.b", "`x`", "", "1db"])
def test_database_names_must_be_plain_identifiers(database: str) -> None:
    definition = validate_definition(NESTED, SCHEMA)
    with pytest.raises(ValueError, match="identifier"):
        compile_preview(definition, tenant_id=1, database=database, today=TODAY, field_types=SCHEMA)


@pytest.mark.parametrize("tenant_id", [-1, 2**64, True])
def test_tenant_ids_must_be_uint64(tenant_id: int) -> None:
    with pytest.raises(ValueError, match="UInt64"):
        compile_preview(
            validate_definition(NESTED, SCHEMA),
            tenant_id=tenant_id,
            database="db",
            today=TODAY,
            field_types=SCHEMA,
        )
