"""Validation of a raw (parsed JSON) definition against a tenant schema, reporting every problem.

Each problem has a JSON path relative to the definition object (`conditions[1].conditions[0].value`;
"" is the definition itself), a stable code and a message. Codes:
`wrong_type` (not an object/list/string where one is required), `missing_field`, `unknown_field`,
`bad_value` (a value that does not fit its operator and value_type, or an unknown logic/type/value_type),
`unknown_property`, `value_type_mismatch` (value_type disagrees with the field's type),
`operator_not_allowed`, `empty_group`, `too_deep`, `too_many_conditions`, `too_many_values`,
`string_too_long`.
"""

import math
import sys
from collections.abc import Mapping
from typing import Any, TypedDict, cast

from segdsl.dates import DateParseError, parse_iso_date
from segdsl.definition import (
    LIST_OPERATORS,
    MAX_CONDITIONS,
    MAX_DEPTH,
    MAX_LIST_VALUES,
    MAX_STRING_LENGTH,
    OPERATORS,
    RANGE_OPERATORS,
    VALUELESS_OPERATORS,
    ArrayCondition,
    BooleanCondition,
    DateCondition,
    Definition,
    Group,
    Logic,
    Node,
    NumberCondition,
    StringCondition,
)
from segdsl.field_types import BUILTIN_PROPERTIES, VALUE_TYPE_OF, VALUE_TYPES, FieldType, ValueType

_CONDITION_KEYS = ("type", "property", "operator", "value", "value_type")
_GROUP_KEYS = ("logic", "conditions")
_ALL_OPERATORS = frozenset(op for ops in OPERATORS.values() for op in ops)
_SMALLEST_NORMAL = sys.float_info.min
_CONDITION_CLASSES: dict[ValueType, type[Node]] = {
    "string": StringCondition,
    "number": NumberCondition,
    "boolean": BooleanCondition,
    "date": DateCondition,
    "array": ArrayCondition,
}


class Problem(TypedDict):
    path: str
    code: str
    message: str


class DefinitionError(ValueError):
    """A definition with problems; `.problems` lists every one (user-facing: 400)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"invalid segment definition: {first['path'] or '<definition>'}: {first['message']}{more}"
        )


def validate_definition(raw: object, schema: Mapping[str, FieldType]) -> Definition:
    """The typed definition of `raw`; raises DefinitionError listing every problem with its JSON path."""
    checker = _Checker(schema)
    definition = checker.group(raw, "", depth=1)
    if checker.condition_count > MAX_CONDITIONS:
        checker.problem(
            "",
            "too_many_conditions",
            f"{checker.condition_count} conditions; at most {MAX_CONDITIONS} allowed",
        )
    if checker.problems or definition is None:
        raise DefinitionError(checker.problems)
    return definition


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Invalid(Exception):
    """A value problem: (code, message), reported at the value's path."""

    def __init__(self, code: str, message: str, path_suffix: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path_suffix = path_suffix


class _Checker:
    def __init__(self, schema: Mapping[str, FieldType]) -> None:
        self.schema = schema
        self.problems: list[Problem] = []
        self.condition_count = 0

    def problem(self, path: str, code: str, message: str) -> None:
        self.problems.append({"path": path, "code": code, "message": message})

    def group(self, raw: object, path: str, depth: int) -> Group | None:
        if not isinstance(raw, dict):
            self.problem(path, "wrong_type", "expected a group: an object with logic and conditions")
            return None
        if depth > MAX_DEPTH:
            self.problem(path, "too_deep", f"groups nest at most {MAX_DEPTH} deep")
            return None
        before = len(self.problems)
        self.unknown_keys(raw, path, _GROUP_KEYS)
        logic = self.required(raw, path, "logic")
        if logic is not None and logic not in ("AND", "OR"):
            self.problem(_key(path, "logic"), "bad_value", "logic must be AND or OR")
        nodes = self.children(raw, path, depth)
        if len(self.problems) > before or nodes is None:
            return None
        return Group(logic=cast(Logic, logic), conditions=tuple(nodes))

    def children(self, raw: dict[str, Any], path: str, depth: int) -> list[Node] | None:
        items = raw.get("conditions")
        items_path = _key(path, "conditions")
        if "conditions" not in raw:
            self.problem(items_path, "missing_field", "conditions is required")
            return None
        if not isinstance(items, list):
            self.problem(items_path, "wrong_type", "conditions must be a list")
            return None
        if not items:
            self.problem(items_path, "empty_group", "a group needs at least one condition")
            return None
        nodes = []
        for index, item in enumerate(items):
            item_path = f"{items_path}[{index}]"
            is_group = (
                isinstance(item, dict) and "type" not in item and ("logic" in item or "conditions" in item)
            )
            node = self.group(item, item_path, depth + 1) if is_group else self.condition(item, item_path)
            if node is not None:
                nodes.append(node)
        return nodes

    def condition(self, raw: object, path: str) -> Node | None:
        self.condition_count += 1
        if not isinstance(raw, dict):
            self.problem(path, "wrong_type", "expected a condition object or a group object")
            return None
        before = len(self.problems)
        self.unknown_keys(raw, path, _CONDITION_KEYS)
        kind = self.required(raw, path, "type")
        if kind is not None and kind != "product_attribute":
            self.problem(_key(path, "type"), "bad_value", "type must be product_attribute")
        prop = self.required(raw, path, "property")
        field_type = self.field_type(prop, _key(path, "property"))
        value_type = self.value_type(raw, path, field_type)
        operator = self.operator(raw, path, value_type)
        value: object = None
        if value_type is not None and operator is not None:
            if "value" not in raw and operator not in VALUELESS_OPERATORS:
                self.problem(_key(path, "value"), "missing_field", f"{operator} needs a value")
            else:
                try:
                    value = _check_value(raw.get("value"), value_type, operator)
                except _Invalid as invalid:
                    self.problem(_key(path, "value") + invalid.path_suffix, invalid.code, invalid.message)
        if len(self.problems) > before or value_type is None:
            return None
        fields = {"property": prop, "operator": operator, "value": value}
        return _CONDITION_CLASSES[value_type].model_validate(fields)

    def field_type(self, prop: str | None, path: str) -> FieldType | None:
        if prop is None:
            return None
        if len(prop) > MAX_STRING_LENGTH:
            self.problem(path, "string_too_long", f"at most {MAX_STRING_LENGTH} characters")
            return None
        field_type = BUILTIN_PROPERTIES.get(prop) or self.schema.get(prop)
        if field_type is None:
            self.problem(
                path, "unknown_property", f"{prop!r} is neither a schema field nor a built-in property"
            )
        return field_type

    def value_type(self, raw: dict[str, Any], path: str, field_type: FieldType | None) -> ValueType | None:
        value_type = self.required(raw, path, "value_type")
        if value_type is None:
            return None
        if value_type not in VALUE_TYPES:
            self.problem(
                _key(path, "value_type"), "bad_value", f"value_type must be one of {', '.join(VALUE_TYPES)}"
            )
            return None
        if field_type is not None and VALUE_TYPE_OF[field_type] != value_type:
            expected = VALUE_TYPE_OF[field_type]
            self.problem(
                _key(path, "value_type"),
                "value_type_mismatch",
                f"the field is of type {field_type}, so value_type must be {expected}",
            )
        return value_type

    def operator(self, raw: dict[str, Any], path: str, value_type: ValueType | None) -> str | None:
        operator = self.required(raw, path, "operator")
        if operator is None:
            return None
        allowed = OPERATORS[value_type] if value_type is not None else _ALL_OPERATORS
        if operator not in allowed:
            scope = f"{value_type} values" if value_type is not None else "any value_type"
            self.problem(
                _key(path, "operator"),
                "operator_not_allowed",
                f"{operator!r} is not an operator for {scope}; use one of {', '.join(sorted(allowed))}",
            )
            return None
        return operator

    def required(self, raw: dict[str, Any], path: str, key: str) -> str | None:
        """A required string member, or None after reporting why it is unusable."""
        if key not in raw:
            self.problem(_key(path, key), "missing_field", f"{key} is required")
            return None
        value = raw[key]
        if not isinstance(value, str):
            self.problem(_key(path, key), "wrong_type", f"{key} must be a string")
            return None
        return value

    def unknown_keys(self, raw: dict[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        for key in raw:
            if key not in allowed:
                shown = key if isinstance(key, str) else repr(key)
                self.problem(
                    _key(path, shown), "unknown_field", f"unknown member; expected {', '.join(allowed)}"
                )


def _check_value(value: object, value_type: ValueType, operator: str) -> object:
    """The typed value for (value_type, operator); raises _Invalid."""
    if operator in VALUELESS_OPERATORS:
        if value is not None:
            raise _Invalid("bad_value", f"{operator} takes no value (omit it or use null)")
        return None
    if value is None:
        raise _Invalid("bad_value", f"{operator} needs a value")
    if operator == "within_last_days":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _Invalid("bad_value", "within_last_days needs a whole number of days, 0 or more")
        return value
    if operator in LIST_OPERATORS or operator in RANGE_OPERATORS:
        return _check_list(value, value_type, operator)
    return _check_scalar(value, value_type)


def _check_list(value: object, value_type: ValueType, operator: str) -> tuple[object, ...]:
    if not isinstance(value, list):
        shape = "[low, high]" if operator in RANGE_OPERATORS else "a non-empty list"
        raise _Invalid("bad_value", f"{operator} needs {shape}")
    if operator in RANGE_OPERATORS and len(value) != 2:
        raise _Invalid("bad_value", f"{operator} needs exactly two values: [low, high]")
    if not value:
        raise _Invalid("bad_value", f"{operator} needs at least one value")
    if len(value) > MAX_LIST_VALUES:
        raise _Invalid("too_many_values", f"{len(value)} values; at most {MAX_LIST_VALUES} allowed")
    items = []
    for index, item in enumerate(value):
        try:
            items.append(_check_scalar(item, value_type))
        except _Invalid as invalid:
            raise _Invalid(invalid.code, invalid.message, f"[{index}]") from None
    if operator in RANGE_OPERATORS and items[0] > items[1]:  # type: ignore[operator]
        raise _Invalid("bad_value", "low must not be greater than high")
    return tuple(items)


def _check_scalar(value: object, value_type: ValueType) -> object:
    match value_type:
        case "string" | "array":
            return _check_string(value)
        case "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _Invalid("bad_value", "expected a JSON number")
            return _check_number(value)
        case "boolean":
            if not isinstance(value, bool):
                raise _Invalid("bad_value", "expected true or false")
            return value
        case "date":
            try:
                return parse_iso_date(_check_string(value))
            except DateParseError as error:
                raise _Invalid("bad_value", str(error)) from None


def _check_string(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid("bad_value", "expected a string")
    if len(value) > MAX_STRING_LENGTH:
        raise _Invalid("string_too_long", f"{len(value)} characters; at most {MAX_STRING_LENGTH} allowed")
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise _Invalid("bad_value", "contains an unpaired surrogate (not valid Unicode)")
    return value


def _check_number(value: int | float) -> int | float:
    try:
        as_float = float(value)
    except OverflowError:
        raise _Invalid("bad_value", "out of the float64 range") from None
    if not math.isfinite(as_float):
        raise _Invalid("bad_value", "must be a finite number")
    if as_float != 0 and abs(as_float) < _SMALLEST_NORMAL:
        raise _Invalid("bad_value", f"too close to zero (smallest magnitude: {_SMALLEST_NORMAL!r})")
    return value
