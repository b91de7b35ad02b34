"""SegOps field types, segment definitions, ClickHouse compiler and reference evaluator. No I/O."""

from segdsl.field_types import FieldType

__all__ = ["FieldType"]
