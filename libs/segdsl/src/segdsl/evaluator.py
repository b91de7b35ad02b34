"""The reference evaluator: a definition evaluated on one product in Python, with the compiler's semantics.

Numbers compare as Python floats (IEEE float64, as ClickHouse's Float64); case-insensitive string
operators lowercase both sides with `str.lower`. Known divergences of ClickHouse's `lowerUTF8` are
listed in the README; they affect only contains/starts_with/ends_with on the characters named there.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from segdsl.dates import window_start
from segdsl.definition import (
    ArrayCondition,
    BooleanCondition,
    DateCondition,
    Definition,
    DefinitionVisitor,
    Group,
    NumberCondition,
    StringCondition,
    positive_form,
)
from segdsl.field_types import FieldType
from segdsl.product_values import ProductValues, product_values

_Comparable = TypeVar("_Comparable", float, date)


def evaluate(
    definition: Definition, product: Mapping[str, Any], schema: Mapping[str, FieldType], *, today: date
) -> bool:
    """Whether a product in the PIM's shape is in the segment, as of `today` (a UTC date)."""
    return matches(definition, product_values(product, schema), today=today)


def matches(definition: Definition, values: ProductValues, *, today: date) -> bool:
    """Whether already extracted product values are in the segment."""
    return _Evaluator(values, today).visit(definition)


class _Evaluator(DefinitionVisitor[bool]):
    def __init__(self, values: ProductValues, today: date) -> None:
        self.values = values
        self.today = today

    def visit_group(self, group: Group) -> bool:
        results = (self.visit(node) for node in group.conditions)
        return all(results) if group.logic == "AND" else any(results)

    def visit_string(self, condition: StringCondition) -> bool:
        text, value = self.values.string(condition.property), condition.value
        negated, operator = positive_form(condition.operator)
        if text == "":
            result = False
        elif operator == "is_set":
            result = True
        elif operator == "eq":
            result = text == value
        elif operator == "in":
            assert isinstance(value, tuple)
            result = text in value
        else:
            assert isinstance(value, str)
            haystack, needle = text.lower(), value.lower()
            if operator == "contains":
                result = needle in haystack
            elif operator == "starts_with":
                result = haystack.startswith(needle)
            else:
                result = haystack.endswith(needle)
        return result != negated

    def visit_number(self, condition: NumberCondition) -> bool:
        number, value = self.values.number(condition.property), condition.value
        negated, operator = positive_form(condition.operator)
        if number is None:
            result = False
        elif operator == "is_set":
            result = True
        elif operator == "in":
            assert isinstance(value, tuple)
            result = any(number == float(item) for item in value)
        elif operator == "between":
            assert isinstance(value, tuple)
            result = float(value[0]) <= number <= float(value[1])
        else:
            assert isinstance(value, int | float)
            result = _compare(operator, number, float(value))
        return result != negated

    def visit_boolean(self, condition: BooleanCondition) -> bool:
        flag = self.values.boolean(condition.property)
        negated, operator = positive_form(condition.operator)
        result = flag is not None and (operator == "is_set" or flag == condition.value)
        return result != negated

    def visit_date(self, condition: DateCondition) -> bool:
        day, value = self.values.day(condition.property), condition.value
        negated, operator = positive_form(condition.operator)
        if day is None:
            result = False
        elif operator == "is_set":
            result = True
        elif operator == "between":
            assert isinstance(value, tuple)
            result = value[0] <= day <= value[1]
        elif operator == "within_last_days":
            assert isinstance(value, int)
            result = window_start(self.today, value) <= day <= self.today
        else:
            assert isinstance(value, date)
            result = _compare(operator, day, value)
        return result != negated

    def visit_array(self, condition: ArrayCondition) -> bool:
        items, value = self.values.array(condition.property), condition.value
        negated, operator = positive_form(condition.operator)
        if not items:
            result = False
        elif operator == "is_set":
            result = True
        elif operator == "contains":
            result = value in items
        elif operator == "contains_any":
            assert isinstance(value, tuple)
            result = any(item in items for item in value)
        else:
            assert isinstance(value, tuple)
            result = all(item in items for item in value)
        return result != negated


def _compare(operator: str, left: _Comparable, right: _Comparable) -> bool:
    match operator:
        case "eq":
            return left == right
        case "gt" | "after":
            return left > right
        case "gte" | "on_or_after":
            return left >= right
        case "lt" | "before":
            return left < right
        case "lte" | "on_or_before":
            return left <= right
    raise ValueError(f"not a comparison operator: {operator}")
