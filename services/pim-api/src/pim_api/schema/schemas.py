"""HTTP shapes of the product schema, as in the API reference, with their validation rules."""

import re
from datetime import datetime
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from segdsl import FieldType
from segops_platform.json_body import RequestBody
from segops_platform.text_rules import Text

# Names the product itself or the segment DSL already gives a meaning (DESIGN.md built-ins).
RESERVED_FIELD_NAMES = frozenset(
    {"id", "sku", "name", "source", "data", "created_at", "updated_at", "ai_readability_score"}
)
# The documents state these patterns; the validators below apply them (always as full matches) and
# what a pattern cannot say: reserved names, and codes that ISO lists.
FIELD_NAME_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
MAX_FIELD_NAME_LENGTH = 63
CURRENCY_PATTERN = r"^[A-Z]{3}$"
LOCALE_PATTERN = r"^([a-z]{2,3})_([A-Z]{2})$"
MAX_FIELDS = 500


def _field_name(name: str) -> str:
    if not re.fullmatch(FIELD_NAME_PATTERN, name) or len(name) > MAX_FIELD_NAME_LENGTH:
        raise ValueError(f"{name!r} is not a snake_case identifier (a-z, 0-9, single underscores, ≤ 63)")
    if name in RESERVED_FIELD_NAMES:
        raise ValueError(f"{name!r} is reserved (built-in product property)")
    return name


def _currency(code: str) -> str:
    if not re.fullmatch(CURRENCY_PATTERN, code) or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. USD, EUR)")
    return code


def _locale(locale: str) -> str:
    match = re.fullmatch(LOCALE_PATTERN, locale)
    language = match and pycountry.languages.get(**{f"alpha_{len(match.group(1))}": match.group(1)})
    if not match or language is None or pycountry.countries.get(alpha_2=match.group(2)) is None:
        raise ValueError(f"{locale!r} is not a locale like en_US (ISO 639 language _ ISO 3166 country)")
    return locale


FieldName = Annotated[
    str,
    AfterValidator(_field_name),
    Field(
        description="snake_case, unique in the schema, not a built-in property "
        f"({', '.join(sorted(RESERVED_FIELD_NAMES))})",
        json_schema_extra={
            "pattern": FIELD_NAME_PATTERN,
            "maxLength": MAX_FIELD_NAME_LENGTH,
            "not": {"enum": sorted(RESERVED_FIELD_NAMES)},
        },
    ),
]
CurrencyCode = Annotated[
    str,
    AfterValidator(_currency),
    Field(description="An ISO 4217 currency code", json_schema_extra={"pattern": CURRENCY_PATTERN}),
]
Locale = Annotated[
    str,
    AfterValidator(_locale),
    Field(
        description="ISO 639 language _ ISO 3166 country, like en_US",
        json_schema_extra={"pattern": LOCALE_PATTERN},
    ),
]


class SchemaField(BaseModel):
    name: str
    type: FieldType
    required: bool = False
    description: str = ""


class SchemaFieldIn(SchemaField, RequestBody):
    name: FieldName
    description: Text = Field(default="", max_length=1_000)


class ProductSchemaIn(RequestBody):
    """`PUT /api/pim/schema/`: `fields` replaces the list; an omitted default keeps its value."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fields": [
                        {"name": "brand", "type": "string", "required": False, "description": "Brand name"}
                    ],
                    "default_currency": "EUR",
                    "default_locale": "fr_FR",
                }
            ]
        },
    )

    fields: list[SchemaFieldIn] = Field(max_length=MAX_FIELDS)
    default_currency: CurrencyCode | None = None
    default_locale: Locale | None = None


class ProductSchemaOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "fields": [
                        {
                            "name": "brand",
                            "type": "string",
                            "required": False,
                            "description": "Product brand",
                        },
                        {"name": "price", "type": "price", "required": False, "description": "Sale price"},
                        {"name": "tags", "type": "array", "required": False, "description": "Product tags"},
                    ],
                    "default_currency": "USD",
                    "default_locale": "en_US",
                    "created_at": "2026-05-03T10:00:00Z",
                    "updated_at": "2026-05-03T10:00:00Z",
                }
            ]
        },
    )

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
