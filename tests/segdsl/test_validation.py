"""Validation: every rule rejects with its code at the right JSON path; valid definitions round-trip."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from segdsl import (
    MAX_CONDITIONS,
    DateCondition,
    DefinitionError,
    FieldType,
    Group,
    NumberCondition,
    StringCondition,
    validate_definition,
)
from tests.segdsl.strategies import Scenario, scenarios

SCHEMA: dict[str, FieldType] = {
    "brand": "string",
    "price": "price",
    "tags": "array",
    "release_date": "date",
    "published": "boolean",
}


def cond(
    prop: str = "brand", operator: str = "eq", value: Any = "Nike", value_type: str = "string"
) -> dict[str, Any]:
    return {
        "type": "product_attribute",
        "property": prop,
        "operator": operator,
        "value": value,
        "value_type": value_type,
    }


def root(*conditions: Any, logic: str = "AND") -> dict[str, Any]:
    return {"logic": logic, "conditions": list(conditions)}


def nested(depth: int) -> dict[str, Any]:
    group = root(cond())
    for _ in range(depth - 1):
        group = root(group)
    return group


def problems_of(raw: object) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as caught:
        validate_definition(raw, SCHEMA)
    return [(problem["path"], problem["code"]) for problem in caught.value.problems]


INVALID: list[tuple[str, object, list[tuple[str, str]]]] = [
    ("root not an object", [cond()], [("", "wrong_type")]),
    ("root null", None, [("", "wrong_type")]),
    ("missing logic", {"conditions": [cond()]}, [("logic", "missing_field")]),
    ("missing conditions", {"logic": "AND"}, [("conditions", "missing_field")]),
    ("logic not a string", {"logic": 1, "conditions": [cond()]}, [("logic", "wrong_type")]),
    ("bad logic", root(cond(), logic="XOR"), [("logic", "bad_value")]),
    ("lowercase logic", root(cond(), logic="and"), [("logic", "bad_value")]),
    ("conditions not a list", {"logic": "AND", "conditions": {}}, [("conditions", "wrong_type")]),
    ("empty root", root(), [("conditions", "empty_group")]),
    ("empty nested group", root(cond(), root()), [("conditions[1].conditions", "empty_group")]),
    ("unknown group member", {"logic": "AND", "conditions": [cond()], "x": 1}, [("x", "unknown_field")]),
    ("condition not an object", root(cond(), "brand = 'Nike'"), [("conditions[1]", "wrong_type")]),
    (
        "unknown condition member",
        root(cond() | {"negate": True}),
        [("conditions[0].negate", "unknown_field")],
    ),
    (
        "missing type",
        root({k: v for k, v in cond().items() if k != "type"}),
        [("conditions[0].type", "missing_field")],
    ),
    ("bad type", root(cond() | {"type": "event"}), [("conditions[0].type", "bad_value")]),
    (
        "missing property",
        root({k: v for k, v in cond().items() if k != "property"}),
        [("conditions[0].property", "missing_field")],
    ),
    ("property not a string", root(cond() | {"property": 5}), [("conditions[0].property", "wrong_type")]),
    (
        "unknown property",
        root(cond(), root(cond(prop="colour"))),
        [("conditions[1].conditions[0].property", "unknown_property")],
    ),
    ("property too long", root(cond(prop="p" * 1001)), [("conditions[0].property", "string_too_long")]),
    (
        "missing value_type",
        root({k: v for k, v in cond().items() if k != "value_type"}),
        [("conditions[0].value_type", "missing_field")],
    ),
    ("unknown value_type", root(cond(value_type="text")), [("conditions[0].value_type", "bad_value")]),
    (
        "value_type disagrees",
        root(cond(prop="price", operator="eq", value=1, value_type="string")),
        [
            ("conditions[0].value_type", "value_type_mismatch"),
            ("conditions[0].value", "bad_value"),
        ],
    ),
    (
        "built-in value_type",
        root(cond(prop="created_at", operator="eq", value="x")),
        [("conditions[0].value_type", "value_type_mismatch")],
    ),
    (
        "missing operator",
        root({k: v for k, v in cond().items() if k != "operator"}),
        [("conditions[0].operator", "missing_field")],
    ),
    (
        "operator for another type",
        root(cond(operator="gt")),
        [("conditions[0].operator", "operator_not_allowed")],
    ),
    ("unknown operator", root(cond(operator="equals")), [("conditions[0].operator", "operator_not_allowed")]),
    (
        "missing value",
        root({k: v for k, v in cond().items() if k != "value"}),
        [("conditions[0].value", "missing_field")],
    ),
    ("null value", root(cond(value=None)), [("conditions[0].value", "bad_value")]),
    ("value for is_set", root(cond(operator="is_set", value="x")), [("conditions[0].value", "bad_value")]),
    ("string value not text", root(cond(value=5)), [("conditions[0].value", "bad_value")]),
    ("list for eq", root(cond(value=["a"])), [("conditions[0].value", "bad_value")]),
    ("scalar for in", root(cond(operator="in", value="a")), [("conditions[0].value", "bad_value")]),
    ("empty list for in", root(cond(operator="in", value=[])), [("conditions[0].value", "bad_value")]),
    ("bad list item", root(cond(operator="in", value=["a", 1])), [("conditions[0].value[1]", "bad_value")]),
    (
        "too many values",
        root(cond(operator="in", value=["a"] * 1001)),
        [("conditions[0].value", "too_many_values")],
    ),
    ("string too long", root(cond(value="x" * 1001)), [("conditions[0].value", "string_too_long")]),
    (
        "list item too long",
        root(cond(operator="in", value=["x", "y" * 1001])),
        [("conditions[0].value[1]", "string_too_long")],
    ),
    ("lone surrogate", root(cond(value="\ud800")), [("conditions[0].value", "bad_value")]),
    (
        "boolean as number",
        root(cond(prop="price", operator="eq", value=True, value_type="number")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "number as text",
        root(cond(prop="price", operator="eq", value="150", value_type="number")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "non-finite number",
        root(cond(prop="price", operator="gt", value=float("inf"), value_type="number")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "subnormal number",
        root(cond(prop="price", operator="gt", value=5e-324, value_type="number")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "number beyond float64",
        root(cond(prop="price", operator="gt", value=10**400, value_type="number")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "between needs two",
        root(cond(prop="price", operator="between", value=[1], value_type="number")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "between low above high",
        root(cond(prop="price", operator="between", value=[5, 1], value_type="number")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "boolean not a bool",
        root(cond(prop="published", operator="eq", value="yes", value_type="boolean")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "date not ISO",
        root(cond(prop="release_date", operator="eq", value="03/05/2026", value_type="date")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "no such day",
        root(cond(prop="release_date", operator="eq", value="2026-02-30", value_type="date")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "date range reversed",
        root(
            cond(
                prop="release_date", operator="between", value=["2026-02-01", "2026-01-01"], value_type="date"
            )
        ),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "days negative",
        root(cond(prop="release_date", operator="within_last_days", value=-1, value_type="date")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "days not whole",
        root(cond(prop="release_date", operator="within_last_days", value=1.5, value_type="date")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "array needs a string",
        root(cond(prop="tags", operator="contains", value=["a"], value_type="array")),
        [("conditions[0].value", "bad_value")],
    ),
    (
        "too deep",
        nested(6),
        [("conditions[0].conditions[0].conditions[0].conditions[0].conditions[0]", "too_deep")],
    ),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_each_rule_rejects_at_its_path(raw: object, expected: list[tuple[str, str]]) -> None:
    assert problems_of(raw) == expected


def test_every_problem_is_reported_at_once() -> None:
    raw = root(
        cond(prop="colour"),
        root(cond(operator="gt"), root()),
        cond(prop="price", operator="between", value=[3, 1], value_type="number"),
        "x",
    )
    assert problems_of(raw) == [
        ("conditions[0].property", "unknown_property"),
        ("conditions[1].conditions[0].operator", "operator_not_allowed"),
        ("conditions[1].conditions[1].conditions", "empty_group"),
        ("conditions[2].value", "bad_value"),
        ("conditions[3]", "wrong_type"),
    ]


def test_problems_carry_a_message_and_the_error_summarises() -> None:
    with pytest.raises(DefinitionError) as caught:
        validate_definition(root(cond(prop="colour")), SCHEMA)
    assert caught.value.problems == [
        {
            "path": "conditions[0].property",
            "code": "unknown_property",
            "message": "'colour' is neither a schema field nor a built-in property",
        }
    ]
    assert str(caught.value).startswith("invalid segment definition: conditions[0].property: 'colour'")


def test_at_most_200_conditions() -> None:
    assert validate_definition(root(*[cond()] * MAX_CONDITIONS), SCHEMA)
    assert problems_of(root(*[cond()] * 100, root(*[cond()] * 101))) == [("", "too_many_conditions")]


def test_depth_five_is_allowed() -> None:
    definition = validate_definition(nested(5), SCHEMA)
    depth, node = 1, definition
    while isinstance(node.conditions[0], Group):
        depth, node = depth + 1, node.conditions[0]
    assert depth == 5


def test_limits_are_inclusive() -> None:
    raw = root(cond(operator="in", value=["v" * 1000] * 1000), cond(value="x" * 1000))
    assert validate_definition(raw, SCHEMA)


def test_valid_definitions_become_typed_nodes() -> None:
    definition = validate_definition(
        root(
            cond(),
            root(
                cond(prop="price", operator="in", value=[1, 2.5], value_type="number"),
                cond(
                    prop="created_at",
                    operator="between",
                    value=["2026-01-01", "2026-02-01T23:00:00-02:00"],
                    value_type="date",
                ),
                logic="OR",
            ),
            cond(prop="brand", operator="is_set", value=None),
        ),
        SCHEMA,
    )
    first, group, last = definition.conditions
    assert first == StringCondition(property="brand", operator="eq", value="Nike")
    assert isinstance(group, Group) and group.logic == "OR"
    number, day = group.conditions
    assert number == NumberCondition(property="price", operator="in", value=(1, 2.5))
    assert isinstance(day, DateCondition) and isinstance(day.value, tuple)
    assert [d.isoformat() for d in day.value] == ["2026-01-01", "2026-02-02"]
    assert last == StringCondition(property="brand", operator="is_set")


def test_schema_fields_named_like_built_ins_resolve_to_the_built_in() -> None:
    schema: dict[str, FieldType] = {"name": "number"}
    assert validate_definition(root(cond(prop="name", value="x")), schema)
    with pytest.raises(DefinitionError):
        validate_definition(root(cond(prop="name", operator="gt", value=1, value_type="number")), schema)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(scenario=scenarios(definitions=3, max_products=3))
def test_canonical_json_validates_back_to_the_same_definition(scenario: Scenario) -> None:
    for raw in scenario.definitions:
        definition = validate_definition(raw, scenario.schema)
        assert validate_definition(definition.model_dump(mode="json"), scenario.schema) == definition
