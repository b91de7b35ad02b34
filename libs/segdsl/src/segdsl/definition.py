"""The segment definition AST: immutable pydantic models, built by `validate_definition`.

One condition class per value type, so a visitor gets values of the right Python type: strings as
str, numbers as int | float, dates as `datetime.date` (`within_last_days` takes an int), lists as
tuples. `model_dump(mode="json")` gives the canonical JSON form, which validates back to an equal
definition.
"""

from abc import ABC, abstractmethod
from datetime import date
from typing import Annotated, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field

from segdsl.field_types import ValueType

MAX_DEPTH = 5  # the root group is at depth 1
MAX_CONDITIONS = 200
MAX_LIST_VALUES = 1000
MAX_STRING_LENGTH = 1000

Logic = Literal["AND", "OR"]
StringOperator = Literal[
    "eq",
    "neq",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "starts_with",
    "ends_with",
    "is_set",
    "is_not_set",
]
NumberOperator = Literal[
    "eq", "neq", "gt", "gte", "lt", "lte", "between", "not_between", "in", "not_in", "is_set", "is_not_set"
]
BooleanOperator = Literal["eq", "neq", "is_set", "is_not_set"]
DateOperator = Literal[
    "eq",
    "neq",
    "before",
    "after",
    "on_or_before",
    "on_or_after",
    "between",
    "within_last_days",
    "is_set",
    "is_not_set",
]
ArrayOperator = Literal[
    "contains",
    "not_contains",
    "contains_any",
    "contains_all",
    "is_empty",
    "is_not_empty",
    "is_set",
    "is_not_set",
]

OPERATORS: dict[ValueType, tuple[str, ...]] = {
    "string": get_args(StringOperator),
    "number": get_args(NumberOperator),
    "boolean": get_args(BooleanOperator),
    "date": get_args(DateOperator),
    "array": get_args(ArrayOperator),
}
VALUELESS_OPERATORS = frozenset({"is_set", "is_not_set", "is_empty", "is_not_empty"})
LIST_OPERATORS = frozenset({"in", "not_in", "contains_any", "contains_all"})
RANGE_OPERATORS = frozenset({"between", "not_between"})

# (negated, positive operator); a negative operator is exactly the complement of its positive one.
_POSITIVE_FORMS: dict[str, tuple[bool, str]] = {
    "neq": (True, "eq"),
    "not_in": (True, "in"),
    "not_contains": (True, "contains"),
    "not_between": (True, "between"),
    "is_not_set": (True, "is_set"),
    "is_empty": (True, "is_set"),
    "is_not_empty": (False, "is_set"),
}


def positive_form(operator: str) -> tuple[bool, str]:
    """(negated, positive operator): `neq` → (True, `eq`), `is_not_empty` → (False, `is_set`)."""
    return _POSITIVE_FORMS.get(operator, (False, operator))


class _Condition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["product_attribute"] = "product_attribute"
    property: str


class StringCondition(_Condition):
    """A condition on a string, text or url field (or sku, name, source)."""

    operator: StringOperator
    value: str | tuple[str, ...] | None = None
    value_type: Literal["string"] = "string"


class NumberCondition(_Condition):
    """A condition on a number or price field (or ai_readability_score); compared as float64."""

    operator: NumberOperator
    value: int | float | tuple[int | float, ...] | None = None
    value_type: Literal["number"] = "number"


class BooleanCondition(_Condition):
    """A condition on a boolean field."""

    operator: BooleanOperator
    value: bool | None = None
    value_type: Literal["boolean"] = "boolean"


class DateCondition(_Condition):
    """A condition on a date field (or created_at, updated_at), compared as UTC calendar days."""

    operator: DateOperator
    value: date | tuple[date, date] | int | None = None
    value_type: Literal["date"] = "date"


class ArrayCondition(_Condition):
    """A condition on an array field; elements match exactly."""

    operator: ArrayOperator
    value: str | tuple[str, ...] | None = None
    value_type: Literal["array"] = "array"


Condition = Annotated[
    StringCondition | NumberCondition | BooleanCondition | DateCondition | ArrayCondition,
    Field(discriminator="value_type"),
]


class Group(BaseModel):
    """Conditions and nested groups joined by AND or OR."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    logic: Logic
    conditions: tuple["Group | Condition", ...]


Group.model_rebuild()
Definition = Group  # a definition is its root group
Node = Group | StringCondition | NumberCondition | BooleanCondition | DateCondition | ArrayCondition

T = TypeVar("T")


class DefinitionVisitor(ABC, Generic[T]):
    """Dispatch over the AST: one method per node class."""

    def visit(self, node: Node) -> T:
        match node:
            case Group():
                return self.visit_group(node)
            case StringCondition():
                return self.visit_string(node)
            case NumberCondition():
                return self.visit_number(node)
            case BooleanCondition():
                return self.visit_boolean(node)
            case DateCondition():
                return self.visit_date(node)
            case ArrayCondition():
                return self.visit_array(node)

    @abstractmethod
    def visit_group(self, group: Group) -> T: ...

    @abstractmethod
    def visit_string(self, condition: StringCondition) -> T: ...

    @abstractmethod
    def visit_number(self, condition: NumberCondition) -> T: ...

    @abstractmethod
    def visit_boolean(self, condition: BooleanCondition) -> T: ...

    @abstractmethod
    def visit_date(self, condition: DateCondition) -> T: ...

    @abstractmethod
    def visit_array(self, condition: ArrayCondition) -> T: ...
