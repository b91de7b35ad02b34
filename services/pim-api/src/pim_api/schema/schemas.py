"""HTTP shapes of the product schema, as in the API reference, with their validation rules."""

import re
from datetime import datetime
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from segdsl import FieldType

# Names the product itself or the segment DSL already gives a meaning (DESIGN.md built-ins).
RESERVED_FIELD_NAMES = frozenset(
    {"id", "sku", "name", "source", "data", "created_at", "updated_at", "ai_readability_score"}
)
_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_LOCALE = re.compile(r"^([a-z]{2,3})_([A-Z]{2})$")
MAX_FIELDS = 500


def _field_name(name: str) -> str:
    if not _SNAKE_CASE.match(name) or len(name) > 63:
        raise ValueError(f"{name!r} is not a snake_case identifier (a-z, 0-9, single underscores, ≤ 63)")
    if name in RESERVED_FIELD_NAMES:
        raise ValueError(f"{name!r} is reserved (built-in product property)")
    return name


def _currency(code: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", code) or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. USD, EUR)")
    return code


def _locale(locale: str) -> str:
    match = _LOCALE.match(locale)
    language = match and pycountry.languages.get(**{f"alpha_{len(match.group(1))}": match.group(1)})
    if not match or language is None or pycountry.countries.get(alpha_2=match.group(2)) is None:
        raise ValueError(f"{locale!r} is not a locale like en_US (ISO 639 language _ ISO 3166 country)")
    return locale


FieldName = Annotated[str, AfterValidator(_field_name)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
Locale = Annotated[str, AfterValidator(_locale)]


class SchemaField(BaseModel):
    name: str
    type: FieldType
    required: bool = False
    description: str = ""


class SchemaFieldIn(SchemaField):
    model_config = ConfigDict(extra="forbid")

    name: FieldName
    description: str = Field(default="", max_length=1_000)


class ProductSchemaIn(BaseModel):
    """`PUT /api/pim/schema/`: `fields` replaces the list; an omitted default keeps its value."""

    model_config = ConfigDict(extra="forbid")

    fields: list[SchemaFieldIn] = Field(max_length=MAX_FIELDS)
    default_currency: CurrencyCode | None = None
    default_locale: Locale | None = None


class ProductSchemaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    fields: list[SchemaField]
    default_currency: str
    default_locale: str
    created_at: datetime
    updated_at: datetime


class IncompatibleValues(BaseModel):
    """Stored values that are not in the new type's stored form: kept, reported, read as not set."""

    model_config = ConfigDict(from_attributes=True)

    field: str
    type: FieldType
    count: int
    sample_skus: list[str]


class ProductSchemaReplaced(ProductSchemaOut):
    """`PUT` answers the schema (as `GET` does) plus what the type changes left unfit."""

    incompatible_values: list[IncompatibleValues]
