"""The generated catalog: deterministic, mixed types, long-tailed, with missing values."""

import csv
import json
from collections import Counter
from itertools import islice
from pathlib import Path

import pytest

from bench import catalog
from bench.catalog import CSV_HEADERS, SCHEMA_FIELDS, products


def test_same_seed_same_catalog_other_seed_other_catalog() -> None:
    assert list(products(200, seed=1)) == list(products(200, seed=1))
    assert list(products(200, seed=1)) != list(products(200, seed=2))


def test_every_schema_field_is_generated_with_its_type() -> None:
    sample = list(products(2_000))
    python_types = {
        "string": str,
        "text": str,
        "price": str,
        "number": int,
        "array": list,
        "boolean": bool,
        "date": str,
    }
    for field in SCHEMA_FIELDS:
        values = [p[field["name"]] for p in sample if p[field["name"]] is not None]
        assert values, field["name"]
        assert all(isinstance(v, python_types[field["type"]]) for v in values), field["name"]


def test_some_values_are_missing_but_sku_and_name_never() -> None:
    sample = list(products(5_000))
    missing = sum(p["brand"] is None for p in sample) / len(sample)
    assert 0.04 < missing < 0.10
    assert all(p["sku"] and p["name"] for p in sample)
    assert len({p["sku"] for p in sample}) == len(sample)


def test_brands_have_a_long_tail() -> None:
    brands = Counter(p["brand"] for p in islice(products(20_000), 20_000) if p["brand"])
    counts = sorted(brands.values(), reverse=True)
    assert counts[0] > 20 * counts[len(counts) // 2]  # a head far above the median brand
    assert len(brands) > 500  # and a long tail of rare ones


def test_descriptions_have_a_realistic_length() -> None:
    lengths = [len(p["description"]) for p in products(1_000) if p["description"]]
    assert 150 < sum(lengths) / len(lengths) < 1_000


def test_files_are_written_once_and_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "CACHE", tmp_path)
    monkeypatch.setitem(catalog.SCALES, "tiny", 300)
    csv_path, jsonl_path = catalog.ensure_catalog("tiny")
    modified = csv_path.stat().st_mtime_ns
    assert catalog.ensure_catalog("tiny") == (csv_path, jsonl_path)
    assert csv_path.stat().st_mtime_ns == modified  # cached, not regenerated

    with csv_path.open() as handle:
        rows = list(csv.DictReader(handle))
    items = [json.loads(line) for line in jsonl_path.read_text().splitlines()]
    assert len(rows) == len(items) == 300
    assert list(rows[0]) == list(CSV_HEADERS.values())
    for row, item in zip(rows, items, strict=True):
        assert row["Product ID"] == item["sku"]
        assert row["Tags"] == "|".join(item.get("tags", []))
        assert (row["Brand"] or None) == item.get("brand")
