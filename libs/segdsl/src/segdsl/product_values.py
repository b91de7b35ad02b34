"""A product's values as segments see them: the built-ins plus the schema fields that coerce.

Both the replica row (what ClickHouse filters) and the reference evaluator are made from these
values, so "set" means the same on both sides: a schema field is set when its value is present, not
null, coerces to the field's type, and is not "" (string/text/url) or [] (array).
"""

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from segdsl.coercion import Coerced, CoercionError, coerce
from segdsl.field_types import LONG_STRING_TYPES, VALUE_TYPE_OF, FieldType, ValueType, builtin_column

# What a ClickHouse DateTime holds on every release from 18.16 (whose Date reads 1970-01-01 as 0).
EARLIEST_TIMESTAMP = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIMESTAMP = datetime(2105, 12, 31, 23, 59, 59, tzinfo=UTC)


@dataclass(frozen=True)
class ProductValues:
    """Typed values of one product, bucketed the way the replica stores them."""

    product_id: int
    sku: str
    name: str
    source: str
    created_at: datetime
    updated_at: datetime
    ai_readability_score: float | None
    strings: Mapping[str, str] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)  # text and url fields (LONG_STRING_TYPES)
    numbers: Mapping[str, float] = field(default_factory=dict)
    booleans: Mapping[str, bool] = field(default_factory=dict)
    dates: Mapping[str, date] = field(default_factory=dict)
    arrays: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def string(self, prop: str) -> str:
        """The text of a string property; "" when not set."""
        column = builtin_column(prop, "string")
        if column:
            return str(getattr(self, column))
        return self.strings.get(prop) or self.texts.get(prop, "")

    def number(self, prop: str) -> float | None:
        if builtin_column(prop, "number"):
            return self.ai_readability_score
        return self.numbers.get(prop)

    def boolean(self, prop: str) -> bool | None:
        return self.booleans.get(prop)

    def day(self, prop: str) -> date | None:
        """The UTC calendar day of a date property."""
        column = builtin_column(prop, "date")
        if column:
            moment: datetime = getattr(self, column)
            return moment.date()
        return self.dates.get(prop)

    def array(self, prop: str) -> tuple[str, ...]:
        return self.arrays.get(prop, ())


# The replica bucket of each field type: text and url apart from the short strings.
BUCKET_OF: Mapping[FieldType, ValueType | Literal["text"]] = {
    field_type: "text" if field_type in LONG_STRING_TYPES else value_type
    for field_type, value_type in VALUE_TYPE_OF.items()
}
_BUCKETS = frozenset(BUCKET_OF.values())


def product_values(product: Mapping[str, Any], schema: Mapping[str, FieldType]) -> ProductValues:
    """The values of a product in the PIM's shape (`id`, `sku`, `name`, `source`, `data`, ...)."""
    buckets: dict[ValueType | Literal["text"], dict[str, Any]] = {kind: {} for kind in _BUCKETS}
    data = product.get("data") or {}
    for name, field_type in schema.items():
        raw = data.get(name)
        if raw is None:
            continue
        try:
            value = coerce(field_type, raw)
        except CoercionError:
            continue  # a value that does not fit the schema counts as not set
        if is_unset(value):
            continue
        buckets[BUCKET_OF[field_type]][name] = bucket_value(field_type, value)
    return product_identity(
        product,
        strings=buckets["string"],
        texts=buckets["text"],
        numbers=buckets["number"],
        booleans=buckets["boolean"],
        dates=buckets["date"],
        arrays=buckets["array"],
    )


def product_identity(product: Mapping[str, Any], **buckets: Mapping[str, Any]) -> ProductValues:
    """The built-in values of a product in the PIM's shape, with the given buckets of field values."""
    return ProductValues(
        product_id=int(product["id"]),
        sku=str(product["sku"]),
        name=str(product.get("name") or ""),
        source=str(product.get("source") or ""),
        created_at=_timestamp(product.get("created_at")),
        updated_at=_timestamp(product.get("updated_at")),
        ai_readability_score=_score(product.get("ai_readability_score")),
        **buckets,
    )


def is_unset(value: Coerced) -> bool:
    """A coerced value that counts as not set."""
    return value == "" or value == []


def bucket_value(field_type: FieldType, value: Coerced) -> object:
    if isinstance(value, list):
        return tuple(value)
    if field_type == "date":
        return date.fromisoformat(str(value))
    if field_type in ("number", "price"):
        return float(value)
    return value


def _timestamp(raw: object) -> datetime:
    """A UTC timestamp, clamped to what a ClickHouse DateTime holds; missing → the earliest."""
    if isinstance(raw, str):
        moment = datetime.fromisoformat(raw)
    elif isinstance(raw, datetime):
        return _clamped(raw)  # remembered: the products written together share their times
    elif isinstance(raw, date):
        moment = datetime(raw.year, raw.month, raw.day)
    else:
        return EARLIEST_TIMESTAMP
    return _clamped.__wrapped__(moment)


@functools.lru_cache(maxsize=1_024)
def _clamped(moment: datetime) -> datetime:
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # a UTC time before year 1 or after 9999
        return LATEST_TIMESTAMP if moment.year > 1 else EARLIEST_TIMESTAMP
    moment = moment.replace(microsecond=0)
    return min(max(moment, EARLIEST_TIMESTAMP), LATEST_TIMESTAMP)


def _score(raw: object) -> float | None:
    if raw is None or isinstance(raw, bool):
        return None
    try:
        score = float(coerce("number", raw))
    except CoercionError:
        return None
    return score if math.isfinite(score) else None
