"""SegOps field types, segment definitions, ClickHouse compiler and reference evaluator. No I/O."""

from segdsl.coercion import Coerced, CoercionError, coerce
from segdsl.compiler import PreviewSql, compile_membership_insert, compile_preview, query_settings
from segdsl.definition import (
    MAX_CONDITIONS,
    MAX_DEPTH,
    MAX_LIST_VALUES,
    MAX_STRING_LENGTH,
    OPERATORS,
    ArrayCondition,
    BooleanCondition,
    DateCondition,
    Definition,
    DefinitionVisitor,
    Group,
    NumberCondition,
    StringCondition,
)
from segdsl.escaping import quote_string
from segdsl.evaluator import evaluate, matches
from segdsl.field_types import BUILTIN_PROPERTIES, FIELD_TYPES, VALUE_TYPE_OF, FieldType, ValueType
from segdsl.product_values import ProductValues, product_values
from segdsl.replica import (
    MEMBERSHIPS_TABLE,
    PRODUCTS_TABLE,
    insert_rows_sql,
    json_each_row,
    memberships_table_ddl,
    products_table_ddl,
    replica_ddl,
    replica_row,
    tombstone_row,
    values_row,
)
from segdsl.validation import DefinitionError, Problem, validate_definition

__all__ = [
    "BUILTIN_PROPERTIES",
    "FIELD_TYPES",
    "MAX_CONDITIONS",
    "MAX_DEPTH",
    "MAX_LIST_VALUES",
    "MAX_STRING_LENGTH",
    "MEMBERSHIPS_TABLE",
    "OPERATORS",
    "PRODUCTS_TABLE",
    "VALUE_TYPE_OF",
    "ArrayCondition",
    "BooleanCondition",
    "Coerced",
    "CoercionError",
    "DateCondition",
    "Definition",
    "DefinitionError",
    "DefinitionVisitor",
    "FieldType",
    "Group",
    "NumberCondition",
    "PreviewSql",
    "Problem",
    "ProductValues",
    "StringCondition",
    "ValueType",
    "coerce",
    "compile_membership_insert",
    "compile_preview",
    "evaluate",
    "insert_rows_sql",
    "json_each_row",
    "matches",
    "memberships_table_ddl",
    "product_values",
    "products_table_ddl",
    "query_settings",
    "quote_string",
    "replica_ddl",
    "replica_row",
    "tombstone_row",
    "validate_definition",
    "values_row",
]
