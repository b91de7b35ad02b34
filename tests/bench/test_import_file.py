"""The import benchmark's file: the bench catalog as a 12-column export, which the upload's
suggestions map without help (its SKU, its name, and a typed field for each other column)."""

import csv
from pathlib import Path

import pytest

from bench import catalog
from bench.benchmarks.import_csv import HEADERS, ensure_import_file
from pim_api.imports.suggestions import suggest_columns


def test_the_file_is_the_catalog_in_12_columns_and_its_suggestions_need_no_hand_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "CACHE", tmp_path)
    monkeypatch.setitem(catalog.SCALES, "tiny", 300)
    path = ensure_import_file("tiny")
    with path.open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == HEADERS and len(HEADERS) == 12 and len(rows) == 300
    assert [row[0] for row in rows] == [product["sku"] for product in catalog.products(300)]
    suggestion = suggest_columns(header, rows)
    assert suggestion.mapping()["Product ID"] == "sku" and suggestion.mapping()["Title"] == "name"
    types = {field["name"]: field["type"] for field in suggestion.schema()}
    assert types["price"] == "price" and types["tags"] == "array" and types["published"] == "boolean"
    assert ensure_import_file("tiny") == path  # generated once
