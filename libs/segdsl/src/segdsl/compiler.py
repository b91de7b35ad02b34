"""The ClickHouse compiler: a visitor from a definition to readable SQL over the product replica.

Every query reads `products FINAL` behind the guard `tenant_id = N AND is_deleted = 0`, which the
compiler always writes; the definition follows as one parenthesised group, a line per condition.
Values and property names reach SQL only through `segdsl.escaping`. Semantics (the reference
evaluator implements the same):
- A positive operator is false when the value is not set; a negative one is `NOT (positive)`.
- Reading an absent key gives the type's default ('' / 0 / []), so a positive operator is guarded
  by its set test unless the comparison already implies it (e.g. `= 'running'`, `has(...)`).
- Lists are array literals (`has([...], x)`, not `x IN (...)`): one AST node however long, where a
  1,000-value IN tuple counts 1,000 towards `max_ast_elements`.
- Strings: contains/starts_with/ends_with compare `lowerUTF8` of both sides.
- Numbers compare as Float64; dates as YYYYMMDD day numbers (`toYYYYMMDD` of the UTC DateTime).
- "today" is a parameter written as a literal; ClickHouse's `today()` is never used.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from segdsl.dates import day_number, window_start
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
from segdsl.escaping import (
    number_array_literal,
    number_literal,
    quote_identifier,
    quote_string,
    string_array_literal,
    uint64_literal,
)
from segdsl.field_types import LONG_STRING_TYPES, FieldType, builtin_column
from segdsl.replica import MEMBERSHIPS_TABLE, PRODUCTS_TABLE

_INDENT = "  "
_DEFAULT_MAX_QUERY_SIZE = 262144
_NUMBER_COMPARISONS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_DATE_COMPARISONS = {"eq": "=", "before": "<", "after": ">", "on_or_before": "<=", "on_or_after": ">="}
_STRING_MATCHERS = {
    "contains": "position(lowerUTF8({value}), lowerUTF8({needle})) > 0",
    "starts_with": "startsWith(lowerUTF8({value}), lowerUTF8({needle}))",
    "ends_with": "endsWith(lowerUTF8({value}), lowerUTF8({needle}))",
}


class PreviewSql(NamedTuple):
    """The two preview queries: the match count, and the first SKUs in SKU order."""

    count_sql: str
    sample_sql: str


def compile_preview(
    definition: Definition,
    *,
    tenant_id: int,
    database: str,
    today: date,
    field_types: Mapping[str, FieldType],
    sample_size: int = 10,
) -> PreviewSql:
    """Count and sample queries for a preview (the sample query is the one to show users).

    `field_types` are the tenant's, which the definition was validated against: they say which
    array of the replica holds a string field (`str_*`, or `text_*` for text and url).
    """
    source = _source(definition, tenant_id=tenant_id, database=database, today=today, field_types=field_types)
    return PreviewSql(
        count_sql=f"SELECT count()\n{source}",
        sample_sql=f"SELECT sku\n{source}\nORDER BY sku\nLIMIT {uint64_literal(sample_size)}",
    )


def compile_matching(
    definitions: Sequence[Definition],
    *,
    tenant_id: int,
    database: str,
    today: date,
    field_types: Mapping[str, FieldType],
    skus: Iterable[str],
) -> str:
    """Which of the definitions (at least one) each SKU among `skus` (at least one) meets now: its
    `sku` and `matched`, an array of 0/1 in the definitions' order. A live re-evaluation of products
    just written, one pass over them for every segment (the primary key leads to each SKU); a
    deleted product is not listed."""
    listed = ", ".join(quote_string(sku) for sku in skus)
    if not listed or not definitions:
        raise ValueError("no SKU or no definition to evaluate")
    long_strings = _long_strings(field_types)
    conditions = ",\n".join(
        _ConditionCompiler(today, long_strings).visit(definition) for definition in definitions
    )
    return (
        f"SELECT sku, [\n{conditions}\n] AS matched\n"
        f"{_from_tenant(database, tenant_id)}\n{_INDENT}AND sku IN ({listed})"
    )


def compile_membership_insert(
    definition: Definition,
    *,
    tenant_id: int,
    segment_id: int,
    version: int,
    database: str,
    today: date,
    field_types: Mapping[str, FieldType],
) -> str:
    """INSERT … SELECT of the matching products into product_memberships under `version`."""
    source = _source(definition, tenant_id=tenant_id, database=database, today=today, field_types=field_types)
    return (
        f"INSERT INTO {quote_identifier(database)}.{MEMBERSHIPS_TABLE} "
        "(tenant_id, segment_id, version, sku, product_id)\n"
        f"SELECT tenant_id, {uint64_literal(segment_id)}, {uint64_literal(version)}, sku, product_id\n"
        f"{source}"
    )


def query_settings(sql: str) -> dict[str, int]:
    """Settings to send with a compiled query: ClickHouse parses only 256 KiB of SQL by default."""
    return {"max_query_size": max(_DEFAULT_MAX_QUERY_SIZE, len(sql.encode()) + 1)}


def _source(
    definition: Definition,
    *,
    tenant_id: int,
    database: str,
    today: date,
    field_types: Mapping[str, FieldType],
) -> str:
    """FROM and WHERE, the tenant guard first."""
    condition = _ConditionCompiler(today, _long_strings(field_types)).visit(definition)
    return f"{_from_tenant(database, tenant_id)}\n{_INDENT}AND {condition}"


def _from_tenant(database: str, tenant_id: int) -> str:
    """The tenant's live products."""
    return (
        f"FROM {quote_identifier(database)}.{PRODUCTS_TABLE} FINAL\n"
        f"WHERE tenant_id = {uint64_literal(tenant_id)}\n"
        f"{_INDENT}AND is_deleted = 0"
    )


def _long_strings(field_types: Mapping[str, FieldType]) -> frozenset[str]:
    return frozenset(name for name, kind in field_types.items() if kind in LONG_STRING_TYPES)


def _key_lookup(values: str, keys: str, prop: str) -> str:
    return f"{values}[indexOf({keys}, {quote_string(prop)})]"


def _has_key(keys: str, prop: str) -> str:
    return f"has({keys}, {quote_string(prop)})"


class _ConditionCompiler(DefinitionVisitor[str]):
    """Renders a node as a boolean SQL expression; groups span lines, conditions take one."""

    def __init__(self, today: date, long_strings: frozenset[str]) -> None:
        self.today = today
        self.long_strings = long_strings
        self.depth = 1  # the root group sits one indent in, under WHERE

    def visit_group(self, group: Group) -> str:
        self.depth += 1
        parts = [self.visit(node) for node in group.conditions]
        self.depth -= 1
        inner, outer = _INDENT * (self.depth + 1), _INDENT * self.depth
        lines = [
            f"{inner}{'' if index == 0 else group.logic + ' '}{part}" for index, part in enumerate(parts)
        ]
        return "(\n" + "\n".join(lines) + f"\n{outer})"

    @staticmethod
    def _finish(operator: str, predicate: str, is_set: str | None, implied: bool) -> str:
        """Guard the positive predicate by its set test if needed, then negate for a negative operator."""
        negated, _ = positive_form(operator)
        guarded = not implied and is_set is not None and predicate != is_set
        positive = f"({is_set} AND {predicate})" if guarded else predicate
        if not negated:
            return positive
        return f"NOT {positive}" if guarded else f"NOT ({positive})"

    def visit_string(self, condition: StringCondition) -> str:
        prop, value = condition.property, condition.value
        column = builtin_column(prop, "string")
        stored_in = "text" if prop in self.long_strings else "str"
        expr = column or _key_lookup(f"{stored_in}_vals", f"{stored_in}_keys", prop)
        is_set = f"{expr} != ''"
        _, operator = positive_form(condition.operator)
        implied = True
        if operator == "is_set":
            predicate = is_set
        elif operator == "eq":
            assert isinstance(value, str)
            predicate = f"{expr} = {quote_string(value)}" if value else "0"  # "" is never set
        elif operator == "in":
            assert isinstance(value, tuple)
            wanted = [item for item in value if item]
            predicate = f"has({string_array_literal(wanted)}, {expr})" if wanted else "0"
        else:
            assert isinstance(value, str)
            predicate = _STRING_MATCHERS[operator].format(value=expr, needle=quote_string(value))
            implied = value != ""  # an empty needle matches any text, even ''
        return self._finish(condition.operator, predicate, is_set, implied)

    def visit_number(self, condition: NumberCondition) -> str:
        prop, value = condition.property, condition.value
        column = builtin_column(prop, "number")
        if column:
            expr, is_set = f"ifNull({column}, 0)", f"isNotNull({column})"  # no NULL may reach AND/NOT
        else:
            expr, is_set = _key_lookup("num_vals", "num_keys", prop), _has_key("num_keys", prop)
        _, operator = positive_form(condition.operator)
        if operator == "is_set":
            predicate = is_set
        elif operator == "in":
            assert isinstance(value, tuple)
            predicate = f"has({number_array_literal(value)}, {expr})"
        elif operator == "between":
            assert isinstance(value, tuple)
            predicate = f"{expr} BETWEEN {number_literal(value[0])} AND {number_literal(value[1])}"
        else:
            assert isinstance(value, int | float)
            predicate = f"{expr} {_NUMBER_COMPARISONS[operator]} {number_literal(value)}"
        return self._finish(condition.operator, predicate, is_set, implied=False)  # absent reads as 0

    def visit_boolean(self, condition: BooleanCondition) -> str:
        prop = condition.property
        expr, is_set = _key_lookup("bool_vals", "bool_keys", prop), _has_key("bool_keys", prop)
        _, operator = positive_form(condition.operator)
        if operator == "is_set":
            return self._finish(condition.operator, is_set, is_set, implied=True)
        predicate = f"{expr} = {int(bool(condition.value))}"
        return self._finish(condition.operator, predicate, is_set, implied=condition.value is True)

    def visit_date(self, condition: DateCondition) -> str:
        prop, value = condition.property, condition.value
        column = builtin_column(prop, "date")
        if column:
            expr, is_set = f"toYYYYMMDD({column})", None  # always set
        else:
            expr, is_set = _key_lookup("date_vals", "date_keys", prop), _has_key("date_keys", prop)
        _, operator = positive_form(condition.operator)
        implied = True  # an absent date reads as 0, below every day, which only <, <= let through
        if operator == "is_set":
            predicate = is_set or "1"
        elif operator == "between":
            assert isinstance(value, tuple)
            predicate = f"{expr} BETWEEN {_day(value[0])} AND {_day(value[1])}"
        elif operator == "within_last_days":
            assert isinstance(value, int)
            predicate = f"{expr} BETWEEN {_day(window_start(self.today, value))} AND {_day(self.today)}"
        else:
            assert isinstance(value, date)
            predicate = f"{expr} {_DATE_COMPARISONS[operator]} {_day(value)}"
            implied = operator not in ("before", "on_or_before")
        return self._finish(condition.operator, predicate, is_set, implied)

    def visit_array(self, condition: ArrayCondition) -> str:
        prop, value = condition.property, condition.value
        expr = _key_lookup("arr_vals", "arr_keys", prop)
        is_set = f"notEmpty({expr})"
        _, operator = positive_form(condition.operator)
        if operator == "is_set":
            predicate = is_set
        elif operator == "contains":
            assert isinstance(value, str)
            predicate = f"has({expr}, {quote_string(value)})"
        else:
            assert isinstance(value, tuple)
            function = "hasAny" if operator == "contains_any" else "hasAll"
            predicate = f"{function}({expr}, {string_array_literal(value)})"
        return self._finish(condition.operator, predicate, is_set, implied=True)  # [] has no element


def _day(day: date) -> str:
    return uint64_literal(day_number(day))
