"""The types a tenant's product schema can give a field, and the built-in product properties."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, get_args

FieldType = Literal["string", "text", "number", "price", "boolean", "date", "url", "array"]
ValueType = Literal["string", "number", "boolean", "date", "array"]

FIELD_TYPES: tuple[FieldType, ...] = get_args(FieldType)
VALUE_TYPES: tuple[ValueType, ...] = get_args(ValueType)

# The value_type a segment condition on a field of each type must declare.
VALUE_TYPE_OF: Mapping[FieldType, ValueType] = MappingProxyType(
    {
        "string": "string",
        "text": "string",
        "url": "string",
        "number": "number",
        "price": "number",
        "boolean": "boolean",
        "date": "date",
        "array": "array",
    }
)

# Strings stored apart in the replica (`text_*`): long values (descriptions, links) that a condition
# on a short string field (brand, category) must not have to read.
LONG_STRING_TYPES: frozenset[FieldType] = frozenset({"text", "url"})

# Top-level product properties every tenant has; they take precedence over schema fields of the same name.
BUILTIN_PROPERTIES: Mapping[str, FieldType] = MappingProxyType(
    {
        "sku": "string",
        "name": "string",
        "source": "string",
        "created_at": "date",
        "updated_at": "date",
        "ai_readability_score": "number",
    }
)


def builtin_column(prop: str, value_type: ValueType) -> str | None:
    """The replica column of a built-in property read as `value_type`, or None for a schema field."""
    field_type = BUILTIN_PROPERTIES.get(prop)
    if field_type is None or VALUE_TYPE_OF[field_type] != value_type:
        return None
    return prop
