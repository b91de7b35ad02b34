"""A segment run's members with the fields asked for, written out by ClickHouse as CSV or NDJSON.

One query joins the run's member SKUs (as live membership changed them) to their products in the
replica (a member whose product was deleted since the run keeps its SKU, its other cells empty)
and sorts them by SKU, so an export is the same on every call for the same membership. ClickHouse
writes the rows; what passes through the API is bytes.

- CSV (`CSVWithNames`, the header is the field names): every text cell a spreadsheet would run as
  a formula (its first character `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`; numbers are
  numbers, booleans `true`/`false`, dates YYYY-MM-DD, arrays joined by `|`, unset values empty.
- NDJSON (`JSONEachRow`): unset values are null (an unset array is []); booleans leave ClickHouse
  as 0/1 (it has no boolean type on 18.16), so `BOOLEAN_FIELDS_ARE_NUMBERS` tells the caller to
  turn them into true/false.

Internal columns are spelled in capitals: field names are lowercase (pim's schema rules), so an
output column never shadows one the query reads.
"""

from collections.abc import Sequence
from typing import Literal

from segdsl.escaping import quote_identifier, quote_string, uint64_literal
from segdsl.field_types import FieldType
from segdsl.replica import PRODUCTS_TABLE, current_members_sql

ExportFormat = Literal["csv", "ndjson"]
BUILT_IN_FIELDS = ("sku", "name")
BOOLEAN_FIELDS_ARE_NUMBERS = True

_FORMATS: dict[ExportFormat, str] = {"csv": "CSVWithNames", "ndjson": "JSONEachRow"}
_FORMULA_START = quote_string("^[=+@\t\r-]")
# The replica's key and value columns of each field type, as read (numbers as Float64).
_COLUMNS: dict[FieldType, tuple[str, str]] = {
    "string": ("STR_KEYS", "STR_VALS"),
    "text": ("TEXT_KEYS", "TEXT_VALS"),
    "url": ("TEXT_KEYS", "TEXT_VALS"),
    "number": ("NUM_KEYS", "NUM_VALS"),
    "price": ("NUM_KEYS", "NUM_VALS"),
    "boolean": ("BOOL_KEYS", "BOOL_VALS"),
    "date": ("DATE_KEYS", "DATE_VALS"),
    "array": ("ARR_KEYS", "ARR_VALS"),
}


def member_export_sql(
    *,
    database: str,
    tenant_id: int,
    segment_id: int,
    run_id: int,
    fields: Sequence[tuple[str, FieldType | None]],
    export_format: ExportFormat,
) -> str:
    """The export of one run: `fields` are (name, type), the type None for `sku` and `name`."""
    tenant = uint64_literal(tenant_id)
    members = f"SELECT sku FROM ({current_members_sql(database, tenant_id, segment_id, run_id)})"
    read = sorted({column for _, kind in fields if kind is not None for column in _COLUMNS[kind]})
    renamed = "".join(f", {column.lower()} AS {column}" for column in read)
    products = (
        f"SELECT sku AS MEMBER_SKU, name AS PRODUCT_NAME{renamed} "
        f"FROM {quote_identifier(database)}.{PRODUCTS_TABLE} FINAL "
        f"WHERE tenant_id = {tenant} AND is_deleted = 0 AND sku IN ({members})"
    )
    columns = ", ".join(f"{_cell(name, kind, export_format)} AS {_alias(name)}" for name, kind in fields)
    return (
        f"SELECT {columns} FROM (SELECT sku AS MEMBER_SKU FROM ({members})) "
        f"ANY LEFT JOIN ({products}) USING MEMBER_SKU ORDER BY MEMBER_SKU FORMAT {_FORMATS[export_format]}"
    )


def export_header(names: Sequence[str]) -> bytes:
    """The CSV header line alone, as ClickHouse writes it (an export with no member)."""
    return ",".join(f'"{name}"' for name in names).encode() + b"\n"


def _alias(name: str) -> str:
    return f"`{name}`"  # a built-in or a schema field name: lowercase letters, digits, underscores


def _cell(name: str, kind: FieldType | None, export_format: ExportFormat) -> str:
    csv = export_format == "csv"
    if kind is None:
        column = "MEMBER_SKU" if name == "sku" else "PRODUCT_NAME"
        return _neutralised(column) if csv else column
    keys, values = _COLUMNS[kind]
    value, is_set = f"{values}[indexOf({keys}, {quote_string(name)})]", f"has({keys}, {quote_string(name)})"
    if kind == "array":
        return _neutralised(f"arrayStringConcat({value}, '|')") if csv else value
    if kind in ("string", "text", "url"):
        return _neutralised(value) if csv else f"if({is_set}, {value}, NULL)"
    shown = (
        {
            "number": f"toString({value})",
            "price": f"toString({value})",
            "boolean": f"if({value} = 1, 'true', 'false')",
            "date": _date_text(value),
        }[kind]
        if csv
        else (_date_text(value) if kind == "date" else value)
    )
    return f"if({is_set}, {shown}, {quote_string('') if csv else 'NULL'})"


def _neutralised(text: str) -> str:
    return f"if(match({text}, {_FORMULA_START}), concat({quote_string(chr(39))}, {text}), {text})"


def _date_text(day_number: str) -> str:
    """YYYY-MM-DD of a YYYYMMDD day number (each part zero-padded by adding a power of ten)."""
    return (
        f"concat(substring(toString(10000 + intDiv({day_number}, 10000)), 2), '-', "
        f"substring(toString(100 + intDiv({day_number}, 100) % 100), 2), '-', "
        f"substring(toString(100 + {day_number} % 100), 2))"
    )
