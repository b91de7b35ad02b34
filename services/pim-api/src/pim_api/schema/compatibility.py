"""Which stored values still fit a field after its type changes (the documented rule).

Changing a field's type never rewrites or drops stored values. A stored value fits the new type
when it is already in that type's stored form (what writes under that type store: a JSON number
for number, "1299.00" for price, "YYYY-MM-DD" for date, …). Values that don't fit are counted and
reported by `PUT /api/pim/schema/`, stay as they are, and are treated as not set by filters,
facets and segments until the product is written again (which normalises or rejects them).
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.products.models import ProductRow
from segdsl import FieldType

SAMPLE_SKUS = 5
_TEXT_PATTERNS = {
    "url": r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/]+",
    "price": r"^-?[0-9]+\.[0-9]{2}$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}
_JSON_KINDS = {
    "string": "string",
    "text": "string",
    "url": "string",
    "price": "string",
    "date": "string",
    "number": "number",
    "boolean": "boolean",
    "array": "array",
}


@dataclass(frozen=True)
class Incompatible:
    field: str
    type: FieldType
    count: int
    sample_skus: list[str]


def fits(field: str, field_type: FieldType) -> ColumnElement[bool]:
    """SQL: the product's value for `field` is in `field_type`'s stored form."""
    value = ProductRow.data[field]
    condition = func.jsonb_typeof(value) == _JSON_KINDS[field_type]
    if field_type in _TEXT_PATTERNS:
        condition = and_(condition, value.astext.regexp_match(_TEXT_PATTERNS[field_type]))
    return condition


def _misfit(name: str, field_type: FieldType) -> ColumnElement[bool]:
    return and_(ProductRow.data.has_key(name), ~fits(name, field_type))


async def incompatible_values(
    session: AsyncSession, tenant_id: int, fields: dict[str, FieldType]
) -> list[Incompatible]:
    """Per field, how many stored values are not in its type's stored form, with a few SKUs."""
    if not fields:
        return []
    mine = ProductRow.tenant_id == tenant_id
    counting = select(*(func.count().filter(_misfit(name, kind)) for name, kind in fields.items()))
    counts = (await session.execute(counting.where(mine))).one()
    report = []
    for (name, field_type), count in zip(fields.items(), counts, strict=True):
        if count:
            sample = select(ProductRow.sku).where(mine, _misfit(name, field_type))
            skus = await session.scalars(sample.order_by(ProductRow.sku).limit(SAMPLE_SKUS))
            report.append(Incompatible(name, field_type, count, list(skus)))
    return report
