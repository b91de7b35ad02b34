"""The `pim` Postgres schema this service owns."""

from sqlalchemy.orm import DeclarativeBase

from segops_platform.database import TYPE_ANNOTATION_MAP, schema_metadata

SCHEMA = "pim"


class Base(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)
    type_annotation_map = TYPE_ANNOTATION_MAP
