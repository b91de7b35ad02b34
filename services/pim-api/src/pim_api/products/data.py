"""A product's `data` against the tenant schema: typed, normalised values, every problem located.

Schema fields are coerced by segdsl's field types (e.g. price "€1.299,00" → "1299.00", "yes" →
true, "a|b" → ["a", "b"] for arrays); keys that are not schema fields are kept as given. A key
given as null is removed. A required field must be set once the change is applied.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pim_api.schema.models import ProductSchemaRow
from segdsl import FieldType
from segdsl.coercion import CoercionError, coerce


@dataclass(frozen=True)
class SchemaView:
    """The parts of the tenant schema that product writes need."""

    types: Mapping[str, FieldType]
    required: frozenset[str]
    counted: frozenset[str]

    @classmethod
    def of(cls, schema: "ProductSchemaRow") -> "SchemaView":
        return cls(
            types={f["name"]: f["type"] for f in schema.fields},
            required=frozenset(f["name"] for f in schema.fields if f.get("required")),
            counted=frozenset(schema.counted_fields),
        )


@dataclass
class DataChange:
    """What a write does to `data`: values to set and keys to remove, or the problems found."""

    values: dict[str, Any] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def patch(self) -> dict[str, Any]:
        """The change as one JSON object: removed keys are null (the bulk upsert merges it in SQL)."""
        return {**dict.fromkeys(self.removed), **self.values}

    def applied_to(self, current: Mapping[str, Any]) -> dict[str, Any]:
        merged = {key: value for key, value in current.items() if key not in self.removed}
        merged.update(self.values)
        return merged


def is_set(value: Any) -> bool:
    """Whether a value counts as given: not null, not an empty string or list."""
    return value is not None and value != "" and value != []


_NON_FINITE = "NaN and Infinity are not JSON numbers and cannot be stored"


def _has_non_finite_number(value: Any) -> bool:
    """Python's and pydantic's JSON parsers accept NaN and Infinity; Postgres's jsonb does not."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite_number(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_non_finite_number(item) for item in value)
    return False


def parse_change(values: Mapping[str, Any], schema: SchemaView, path: str) -> DataChange:
    """Normalise the given values; `path` prefixes each problem's location (e.g. `data.`)."""
    change = DataChange()
    for key, value in values.items():
        if value is None:
            change.removed.add(key)
        elif key not in schema.types:
            if _has_non_finite_number(value):
                change.errors.append({"path": f"{path}{key}", "message": _NON_FINITE})
            else:
                change.values[key] = value
        else:
            try:
                change.values[key] = coerce(schema.types[key], value)
            except CoercionError as error:
                change.errors.append({"path": f"{path}{key}", "message": str(error)})
    return change


def missing_required(data: Mapping[str, Any], schema: SchemaView, path: str) -> list[dict[str, str]]:
    return [
        {"path": f"{path}{name}", "message": f"required field {name!r} is missing"}
        for name in sorted(schema.required)
        if not is_set(data.get(name))
    ]
