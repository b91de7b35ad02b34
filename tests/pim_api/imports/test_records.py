"""An upload read back for the import: records across chunk boundaries (inside a quoted field, inside
a UTF-8 character), the line each starts on, and what cannot be stored reported by line and column."""

import pytest

from pim_api.imports.csv_format import CsvFormat
from pim_api.imports.records import ChunkStream, Record, records
from pim_api.imports.rows import ImportRow, RowProblem, RowReader
from pim_api.products.data import SchemaView

HEADERS = ["sku", "title", "body"]
MAPPING: dict[str, str | None] = {"sku": "sku", "title": "name", "body": "description"}
SCHEMA = SchemaView({"description": "text"}, frozenset(), frozenset())


def read_back(content: bytes, chunk_size: int, encoding: str = "utf-8") -> list[Record]:
    chunks = [content[start : start + chunk_size] for start in range(0, len(content), chunk_size)]
    stream = ChunkStream(chunks.__getitem__, len(chunks))
    return list(records(stream, CsvFormat(encoding, ",", HEADERS, [])))


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 1 << 20])
def test_records_and_their_lines_do_not_depend_on_where_chunks_end(chunk_size: int) -> None:
    content = (
        "sku,title,body\r\n"
        'A,Crème brûlée,"one\r\ntwo"\r\n'  # lines 2-3
        "\r\n"  # line 4: blank
        'B,Bärlauch,"a ""quoted"" word"\r\n'  # line 5
        "C,Ω,last"  # line 6, no newline at the end
    ).encode()
    assert read_back(content, chunk_size) == [
        Record(2, ["A", "Crème brûlée", "one\r\ntwo"]),
        Record(5, ["B", "Bärlauch", 'a "quoted" word']),
        Record(6, ["C", "Ω", "last"]),
    ]


def test_a_bom_is_no_part_of_the_header_and_cp1252_reads_as_cp1252() -> None:
    assert read_back(b"\xef\xbb\xbfsku,title,body\nA,x,y\n", 4, "utf-8-sig") == [Record(2, ["A", "x", "y"])]
    assert read_back(b"sku,title,body\nA,\x80 5,caf\xe9\n", 4, "cp1252") == [Record(2, ["A", "€ 5", "café"])]


def rows_of(content: bytes, encoding: str = "utf-8") -> list[ImportRow | list[RowProblem]]:
    reader = RowReader(CsvFormat(encoding, ",", HEADERS, []), MAPPING, SCHEMA)
    return [reader.read(record) for record in read_back(content, 5, encoding)]


def test_what_postgres_cannot_store_is_a_row_problem_at_its_column() -> None:
    content = b"sku,title,body\nA,ok,ok\nB,bad \xff byte,ok\nC,ok,nul \x00 here\n"
    first, second, third = rows_of(content)
    assert isinstance(first, ImportRow) and first.values == {"description": "ok"}
    assert second == [
        RowProblem(
            3,
            "title",
            "bad \\xff byte",
            "holds bytes that are not utf-8 (the encoding detected for the file)",
        )
    ]
    assert third == [RowProblem(4, "body", "nul \\x00 here", "holds a NUL character, which cannot be stored")]


def test_a_field_over_the_csv_modules_limit_is_a_problem_of_its_row_and_the_next_rows_are_read() -> None:
    content = b"sku,title,body\nA,ok,ok\nB,ok," + b"x" * 200_000 + b"\nC,ok,ok\n"
    rows = rows_of(content)
    assert isinstance(rows[0], ImportRow) and isinstance(rows[-1], ImportRow) and rows[-1].sku == "C"
    problems = [row for row in rows if not isinstance(row, ImportRow)]
    assert problems and all(
        problem.line == 3 and "field larger than field limit" in problem.message
        for row in problems
        for problem in row
    )


def variant_rows(headers: list[str], mapping: dict[str, str | None], lines: list[str]) -> list[object]:
    reader = RowReader(CsvFormat("utf-8", ",", headers, []), mapping, SCHEMA_WITH_BRAND)
    records = [Record(number, line.split(",")) for number, line in enumerate(lines, start=2)]
    return [
        (row.sku, row.name, row.values) if isinstance(row, ImportRow) else row
        for row in map(reader.read, records)
    ]


SCHEMA_WITH_BRAND = SchemaView({"brand": "string", "size": "string"}, frozenset(), frozenset())
SHOPIFY = ["Handle", "Title", "Vendor", "Variant SKU", "Size"]
SHOPIFY_MAPPING: dict[str, str | None] = {
    "Handle": None,
    "Title": "name",
    "Vendor": "brand",
    "Variant SKU": "sku",
    "Size": "size",
}


def test_variant_rows_are_products_of_their_own_with_their_products_values_where_they_have_none() -> None:
    rows = variant_rows(
        SHOPIFY,
        SHOPIFY_MAPPING,
        ["shirt,Shirt,Acme,S-1,S", "shirt,,,S-2,M", "shirt,,,,", "hat,Hat,,H-1,NULL", "hat,,Zeta,H-2,L"],
    )
    assert rows == [
        ("S-1", "Shirt", {"brand": "Acme", "size": "S"}),
        ("S-2", "Shirt", {"brand": "Acme", "size": "M"}),
        [RowProblem(4, "Variant SKU", "", "no SKU: every row needs one")],  # an image row: no SKU of its own
        ("H-1", "Hat", {}),  # NULL is no value
        ("H-2", "Hat", {"brand": "Zeta", "size": "L"}),
    ]


def test_a_row_with_neither_group_value_nor_name_continues_the_product_above() -> None:
    headers = ["name", "slug", "sku", "size"]
    mapping: dict[str, str | None] = {"name": "name", "slug": None, "sku": "sku", "size": "size"}
    rows = variant_rows(headers, mapping, ["Laptop,laptop,L-13,13", " , ,L-15,15", "Mouse, ,M-1,"])
    assert rows == [
        ("L-13", "Laptop", {"size": "13"}),
        ("L-15", "Laptop", {"size": "15"}),
        ("M-1", "Mouse", {}),
    ]
