"""A CSV record as a product write, by the confirmed mapping: its SKU, its name, the change to its
data (coerced by segdsl, as every product write is), or the problems that keep it out.

An empty cell (or a database's NULL marker) sets nothing: the stored value stays, as a key left out
of a bulk upsert item does. Variant rows that follow their product's row (the same handle, slug or
group id) are products of their own, and take the product row's values for the cells they leave
empty (its name, brand, description…), as the exports that write them that way mean.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from pim_api.imports.csv_format import NULL_MARKERS, CsvFormat, is_blank
from pim_api.imports.records import Record
from pim_api.imports.suggestions.vocabulary import variant_group_column
from pim_api.products.data import SchemaView
from pim_api.products.schemas import MAX_NAME_LENGTH, MAX_SKU_LENGTH
from segdsl import FieldType
from segdsl.coercion import CoercionError, coerce
from segops_platform.text_rules import line_problem

MEMO_MAX_LENGTH = 64
MEMO_MAX_ENTRIES = 4_096  # per column: the repeating values, not every distinct one


class Coercer:
    """segdsl's coercion of one column's cells, remembered for short cells: brands, flags, sizes,
    dates and prices repeat across a catalog, and each distinct one is coerced once."""

    def __init__(self, field_type: FieldType) -> None:
        self.field_type = field_type
        self.known: dict[str, tuple[Any, str | None]] = {}

    def __call__(self, cell: str) -> tuple[Any, str | None]:
        """The coerced value, or why the cell does not fit the type."""
        found = self.known.get(cell)
        if found is None:
            try:
                found = (coerce(self.field_type, cell), None)
            except CoercionError as error:
                found = (None, str(error))
            if len(cell) <= MEMO_MAX_LENGTH and len(self.known) < MEMO_MAX_ENTRIES:
                self.known[cell] = found
        return found


# What Postgres cannot store: NUL, and the lone surrogates undecodable bytes were read as.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str | None  # None: the row as a whole
    value: str
    message: str


class ImportRow(NamedTuple):  # a tuple: one per row of the file
    line: int
    sku: str
    name: str | None  # None: the stored product's (a new product needs one)
    values: dict[str, Any]  # the fields the row sets, coerced


class RowReader:
    """Reads the records of a file by its mapping of header → `sku`, `name`, a field, or None."""

    def __init__(self, csv_format: CsvFormat, mapping: Mapping[str, str | None], schema: SchemaView) -> None:
        self.csv_format = csv_format
        self.schema = schema
        self.columns = [
            (index, header, target)
            for index, header in enumerate(csv_format.headers)
            if (target := mapping.get(header))
        ]
        self.header_of = {target: header for _, header, target in self.columns}
        self.coercers = {
            target: Coercer(schema.types[target]) for _, _, target in self.columns if target in schema.types
        }
        group = variant_group_column(csv_format.headers)
        # A group column that is the sku groups nothing: its repeated rows are one product anyway.
        self.group_column = (
            None if group is None or mapping.get(csv_format.headers[group]) == "sku" else group
        )
        self._product_row: list[str] = []  # the cells of the current group's first row
        column_of = {target: index for index, _, target in self.columns}
        self._sku_column, self._name_column = column_of["sku"], column_of.get("name")

    def read(self, record: Record) -> "ImportRow | list[RowProblem]":
        """The row, or every problem found in it."""
        line, cells = record.line, record.cells
        if record.problem is not None:
            return [RowProblem(line, None, "", record.problem)]
        width = len(self.csv_format.headers)
        if len(cells) != width:
            message = f"has {len(cells)} fields where the header has {width}"
            return [
                RowProblem(line, None, _printable(self.csv_format.delimiter.join(cells))[:1_000], message)
            ]
        cells = self._with_product_values(cells)
        problems: list[RowProblem] = []
        sku, name, values = "", None, {}
        unstorable = _UNSTORABLE.search("".join(cells)) is not None  # one scan; each cell only then
        for index, header, target in self.columns:
            cell = cells[index]
            stripped = cell.strip()
            if not stripped or stripped in NULL_MARKERS:
                continue
            if unstorable and _UNSTORABLE.search(cell):
                problems.append(RowProblem(line, header, _printable(cell), self._unstorable(cell)))
            elif target == "sku":
                sku = stripped
            elif target == "name":
                name = stripped
            else:
                value, problem = self.coercers[target](cell)
                if problem is None:
                    values[target] = value
                else:
                    problems.append(RowProblem(line, header, cell, problem))
        if not sku and not problems:
            problems.append(RowProblem(line, self.header_of["sku"], "", "no SKU: every row needs one"))
        elif problem := sku and line_problem(sku, MAX_SKU_LENGTH):
            problems.append(RowProblem(line, self.header_of["sku"], sku, f"the SKU {problem}"))
        if name is not None and (problem := line_problem(name, MAX_NAME_LENGTH)):
            problems.append(RowProblem(line, self.header_of["name"], name, f"the name {problem}"))
        return problems or ImportRow(line, sku, name, values)

    def skip(self, record: Record) -> None:
        """Pass a record already imported (a resumed run): only its part in a variant group counts."""
        if record.problem is None and len(record.cells) == len(self.csv_format.headers):
            self._with_product_values(record.cells)

    def _with_product_values(self, cells: list[str]) -> list[str]:
        """A variant row's cells, its empty ones filled from its product's row (but its SKU: a row
        without one is no product). A variant row has its product's group value, or (Vendure) no
        group value and no name of its own."""
        if self.group_column is None:
            return cells
        group, product = cells[self.group_column].strip(), self._product_row
        if group:
            continues = bool(product) and product[self.group_column].strip() == group
        else:
            named = self._name_column is not None and not is_blank(cells[self._name_column])
            continues = bool(product) and not named
        if not continues:
            self._product_row = cells
            return cells
        return [
            inherited if is_blank(own) and index != self._sku_column else own
            for index, (own, inherited) in enumerate(zip(cells, product, strict=True))
        ]

    def _unstorable(self, cell: str) -> str:
        if "\x00" in cell:
            return "holds a NUL character, which cannot be stored"
        return f"holds bytes that are not {self.csv_format.encoding} (the encoding detected for the file)"


def _printable(cell: str) -> str:
    """The cell with undecodable bytes as \\xNN and NUL as \\x00 (storable, and shows what is there)."""
    return (
        cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
    )
