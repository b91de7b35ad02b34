"""The types a tenant's product schema can give a field."""

from typing import Literal

FieldType = Literal["string", "text", "number", "price", "boolean", "date", "url", "array"]
