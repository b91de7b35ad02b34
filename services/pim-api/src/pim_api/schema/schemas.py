"""HTTP shapes of the product schema, as in the API reference."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from segdsl import FieldType


class SchemaField(BaseModel):
    name: str
    type: FieldType
    required: bool = False
    description: str = ""


class ProductSchemaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    fields: list[SchemaField]
    default_currency: str
    default_locale: str
    created_at: datetime
    updated_at: datetime
