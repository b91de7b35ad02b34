"""The ClickHouse product replica and membership tables: DDL and rows, in one place.

Layout decisions (all valid on ClickHouse 18.16 and current releases):
- Schema fields are parallel typed arrays (`str_keys`/`str_vals`, ...): string goes to `str_*`,
  text and url to `text_*`, number and price to `num_*`, boolean to `bool_*`, date to `date_*`,
  array to `arr_*`. A field that is not set has no entry. Long strings live apart because a
  condition reads the whole array of its kind: at 1M products with a description each, a brand
  condition read 480 MiB of `str_vals` and a preview took 1.7 s; with descriptions apart, 0.5 s.
- Numbers travel as the bits of the float64 (`num_bits`, `ai_readability_score_bits`) and the
  float columns are MATERIALIZED from them: 18.16 reads float text in JSONEachRow inexactly (e.g.
  4.56 lands one ulp away from the SQL literal 4.56, so `eq 4.56` would miss), bits are exact.
- Dates are UInt32 day numbers YYYYMMDD (20260503): every day from 0001-01-01 to 9999-12-31 keeps
  its order, where a Date holds only 1970-2105 on 18.16 (and shows 1970-01-01 as 0000-00-00).
- created_at/updated_at are DateTime('UTC'), so day arithmetic never depends on the server time zone.
- ReplacingMergeTree(version) ordered by (tenant_id, sku): read with FINAL and `is_deleted = 0`.
  SKUs never change in the PIM; a deleted product is written as a tombstone row of a newer version.
- `version` is `replica_version(product version, schema epoch)`: the product's version (one
  sequence in the PIM) above the tenant's schema epoch, which grows when the tenant's fields change
  type. Rewriting a tenant's products under a new epoch (a resync) replaces their rows typed by the
  old schema, and any later write of a product still wins, having a newer product version.
"""

import functools
import struct
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic_core import to_json

from segdsl.dates import day_number
from segdsl.escaping import quote_identifier, uint64_literal
from segdsl.field_types import FieldType
from segdsl.product_values import (
    BUCKET_OF,
    EARLIEST_TIMESTAMP,
    ProductValues,
    bucket_value,
    is_unset,
    product_identity,
    product_values,
)

PRODUCTS_TABLE = "products"
MEMBERSHIPS_TABLE = "product_memberships"
LIVE_MEMBERSHIPS_TABLE = "live_memberships"
EPOCH_BITS = 16
MAX_EPOCH = 2**EPOCH_BITS - 1  # changes of a tenant's field types the replica can tell apart
MAX_PRODUCT_VERSION = 2 ** (64 - EPOCH_BITS) - 1


def replica_version(product_version: int, epoch: int) -> int:
    """The replica row's `version`: the product's version first, then the tenant's schema epoch."""
    if not 0 <= product_version <= MAX_PRODUCT_VERSION or not 0 <= epoch <= MAX_EPOCH:
        raise ValueError(f"version {product_version} or epoch {epoch} is out of the replica's range")
    return (product_version << EPOCH_BITS) | epoch


def product_version_of(version: int) -> int:
    """The product's own version inside a replica row's `version`."""
    return version >> EPOCH_BITS


def _float_from_bits(bits: str) -> str:
    return f"reinterpretAsFloat64(reinterpretAsString({bits}))"


_PRODUCT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tenant_id", "UInt64"),
    ("sku", "String"),
    ("product_id", "UInt64"),
    ("name", "String"),
    ("source", "String"),
    ("created_at", "DateTime('UTC')"),
    ("updated_at", "DateTime('UTC')"),
    ("ai_readability_score_bits", "Nullable(UInt64)"),
    (
        "ai_readability_score",
        "Nullable(Float64) MATERIALIZED if(isNull(ai_readability_score_bits), NULL, "
        f"{_float_from_bits('assumeNotNull(ai_readability_score_bits)')})",
    ),
    ("str_keys", "Array(String)"),
    ("str_vals", "Array(String)"),
    ("text_keys", "Array(String)"),
    ("text_vals", "Array(String)"),
    ("num_keys", "Array(String)"),
    ("num_bits", "Array(UInt64)"),
    ("num_vals", f"Array(Float64) MATERIALIZED arrayMap(bits -> {_float_from_bits('bits')}, num_bits)"),
    ("bool_keys", "Array(String)"),
    ("bool_vals", "Array(UInt8)"),
    ("date_keys", "Array(String)"),
    ("date_vals", "Array(UInt32)"),
    ("arr_keys", "Array(String)"),
    ("arr_vals", "Array(Array(String))"),
    ("version", "UInt64"),
    ("is_deleted", "UInt8"),
)

_MEMBERSHIP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tenant_id", "UInt64"),
    ("segment_id", "UInt64"),
    ("version", "UInt64"),
    ("sku", "String"),
    ("product_id", "UInt64"),
    ("computed_at", "DateTime('UTC') DEFAULT now()"),
)


_LIVE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tenant_id", "UInt64"),
    ("segment_id", "UInt64"),
    ("version", "UInt64"),
    ("sku", "String"),
    ("product_id", "UInt64"),
    ("is_member", "UInt8"),
    ("seq", "UInt64"),
    ("changed_at", "DateTime('UTC') DEFAULT now()"),
)


def _create_table(database: str, table: str, columns: tuple[tuple[str, str], ...], engine: str) -> str:
    body = ",\n".join(f"    {name} {definition}" for name, definition in columns)
    return f"CREATE TABLE IF NOT EXISTS {quote_identifier(database)}.{table}\n(\n{body}\n)\n{engine}"


def products_table_ddl(database: str) -> str:
    """CREATE TABLE IF NOT EXISTS for the product replica."""
    engine = "ENGINE = ReplacingMergeTree(version)\nORDER BY (tenant_id, sku)"
    return _create_table(database, PRODUCTS_TABLE, _PRODUCT_COLUMNS, engine)


def memberships_table_ddl(database: str) -> str:
    """CREATE TABLE IF NOT EXISTS for segment memberships: one row per (segment, compute version, SKU).

    Each compute writes under a new `version`; readers take the version recorded as complete (FINAL
    collapses a retried insert of the same version), and older versions can be deleted.
    """
    engine = "ENGINE = ReplacingMergeTree\nORDER BY (tenant_id, segment_id, version, sku)"
    return _create_table(database, MEMBERSHIPS_TABLE, _MEMBERSHIP_COLUMNS, engine)


def live_memberships_table_ddl(database: str) -> str:
    """CREATE TABLE IF NOT EXISTS for live membership: what product writes changed in a run since it
    was computed. One row per (segment, run, SKU) once merged: the newest by the product version
    that caused it (`seq`), saying whether the SKU is now a member. Small: a full compute starts a
    new run with none."""
    engine = "ENGINE = ReplacingMergeTree(seq)\nORDER BY (tenant_id, segment_id, version, sku)"
    return _create_table(database, LIVE_MEMBERSHIPS_TABLE, _LIVE_COLUMNS, engine)


def current_members_sql(database: str, tenant_id: int, segment_id: int, run_id: int) -> str:
    """(sku, product_id) of the run's members as they are now: those it was computed with, less the
    SKUs live membership says more about, plus the SKUs it says are members."""
    db = quote_identifier(database)
    run = (
        f"tenant_id = {uint64_literal(tenant_id)} AND segment_id = {uint64_literal(segment_id)} "
        f"AND version = {uint64_literal(run_id)}"
    )
    live = f"{db}.{LIVE_MEMBERSHIPS_TABLE} FINAL WHERE {run}"
    computed = f"{db}.{MEMBERSHIPS_TABLE} WHERE {run} AND sku NOT IN (SELECT sku FROM {live})"  # noqa: S608
    return (
        f"SELECT sku, product_id FROM {computed} "  # noqa: S608  (segdsl's literals and identifiers)
        f"UNION ALL SELECT sku, product_id FROM {live} AND is_member = 1"
    )


def replica_ddl(database: str) -> tuple[str, ...]:
    """Every CREATE statement of the replica, in order."""
    return (
        products_table_ddl(database),
        memberships_table_ddl(database),
        live_memberships_table_ddl(database),
    )


def replica_row(
    product: Mapping[str, Any],
    schema: Mapping[str, FieldType],
    *,
    tenant_id: int,
    version: int,
    coerced: bool = False,
) -> dict[str, Any]:
    """The replica row of a product in the PIM's shape, for `INSERT … FORMAT JSONEachRow`.

    `coerced`: every value in the product's `data` is segdsl's coercion of it to its field's type
    (an import's, just written). As coercing a coerced value changes nothing, its row is the same,
    made at a third of the cost: straight from the values, not through `product_values`.
    """
    if not coerced:
        return values_row(product_values(product, schema), tenant_id=tenant_id, version=version)
    row = _identity_columns(product_identity(product), tenant_id=tenant_id, version=version)
    for keys_column, values_column, _ in _COLUMNS_OF_BUCKET.values():
        row[keys_column], row[values_column] = [], []
    data = product.get("data") or {}
    for name, field_type in schema.items():
        value = data.get(name)
        if value is None or is_unset(value):
            continue
        keys_column, values_column, stored = _COLUMNS_OF_TYPE[field_type]
        row[keys_column].append(name)
        row[values_column].append(stored(bucket_value(field_type, value)))
    return row


def values_row(values: ProductValues, *, tenant_id: int, version: int) -> dict[str, Any]:
    """The replica row of already extracted product values."""
    row = _identity_columns(values, tenant_id=tenant_id, version=version)
    for bucket, (keys_column, values_column, stored) in _COLUMNS_OF_BUCKET.items():
        found: Mapping[str, Any] = getattr(values, bucket)
        row[keys_column] = list(found)
        row[values_column] = [stored(value) for value in found.values()]
    return row


def _identity_columns(values: ProductValues, *, tenant_id: int, version: int) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "sku": values.sku,
        "product_id": values.product_id,
        "name": values.name,
        "source": values.source,
        "created_at": _datetime_text(values.created_at),
        "updated_at": _datetime_text(values.updated_at),
        "ai_readability_score_bits": (
            None if values.ai_readability_score is None else _float_bits(values.ai_readability_score)
        ),
        "version": version,
        "is_deleted": 0,
    }


def tombstone_row(*, tenant_id: int, sku: str, product_id: int, version: int) -> dict[str, Any]:
    """The row that deletes a product from the replica (it must carry a newer version)."""
    values = ProductValues(
        product_id=product_id,
        sku=sku,
        name="",
        source="",
        created_at=EARLIEST_TIMESTAMP,
        updated_at=EARLIEST_TIMESTAMP,
        ai_readability_score=None,
    )
    return values_row(values, tenant_id=tenant_id, version=version) | {"is_deleted": 1}


def json_each_row(rows: Iterable[Mapping[str, Any]]) -> str:
    """Rows as the body of `INSERT INTO … FORMAT JSONEachRow` (pydantic-core's encoder: a third
    of json.dumps's time; rows hold no float, so NaN cannot occur)."""
    return b"\n".join(to_json(row) for row in rows).decode()


def insert_rows_sql(database: str) -> str:
    """The statement that precedes a JSONEachRow body of replica rows."""
    return f"INSERT INTO {quote_identifier(database)}.{PRODUCTS_TABLE} FORMAT JSONEachRow"


@functools.lru_cache(maxsize=1_024)  # the products written together share their times
def _datetime_text(moment: datetime) -> str:
    """YYYY-MM-DD hh:mm:ss (moments are UTC and within 1970-2105: see product_values)."""
    return moment.isoformat(" ", "seconds")[:19]


def _float_bits(number: float) -> int:
    bits: int = struct.unpack("<Q", struct.pack("<d", number))[0]
    return bits


def _same(value: Any) -> Any:
    return value


# Each bucket of ProductValues: the replica's key and value columns, and the form a value is stored in.
_COLUMNS_OF_BUCKET: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    "strings": ("str_keys", "str_vals", _same),
    "texts": ("text_keys", "text_vals", _same),
    "numbers": ("num_keys", "num_bits", _float_bits),
    "booleans": ("bool_keys", "bool_vals", int),
    "dates": ("date_keys", "date_vals", day_number),
    "arrays": ("arr_keys", "arr_vals", list),
}
_COLUMNS_OF_TYPE = {field_type: _COLUMNS_OF_BUCKET[f"{BUCKET_OF[field_type]}s"] for field_type in BUCKET_OF}
