"""A realistic product catalog, generated deterministically from a seed and cached on disk.

Mixed types with a long tail: Zipf-distributed brands and tags, log-normal prices, stock with
many zeros, booleans, dates, free-text descriptions of realistic length and ~7% missing values.
Written as a CSV (what merchants upload) and as JSON lines in the bulk-upsert item shape.
"""

import csv
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

CACHE = Path(__file__).parent / ".cache"
SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

SCHEMA_FIELDS: list[dict[str, Any]] = [
    {"name": "brand", "type": "string", "required": False, "description": "Product brand"},
    {"name": "category", "type": "string", "required": False, "description": "Category"},
    {"name": "price", "type": "price", "required": False, "description": "Sale price"},
    {"name": "inventory_count", "type": "number", "required": False, "description": "Stock"},
    {"name": "tags", "type": "array", "required": False, "description": "Tags"},
    {"name": "published", "type": "boolean", "required": False, "description": "Published"},
    {"name": "release_date", "type": "date", "required": False, "description": "Release date"},
    {"name": "description", "type": "text", "required": False, "description": "Description"},
    {"name": "color", "type": "string", "required": False, "description": "Colour"},
]
CSV_HEADERS = {
    "sku": "Product ID",
    "name": "Title",
    "brand": "Brand",
    "category": "Category",
    "price": "Sale Price",
    "inventory_count": "Stock",
    "tags": "Tags",
    "published": "Published",
    "release_date": "Release Date",
    "description": "Description",
    "color": "Colour",
}

_SYLLABLES = "ka lo mi ra ve tu no shi ze pa ri do an el or ix um ba go ly".split()
_WORDS = (
    "comfortable lightweight durable breathable premium classic modern soft cushioned everyday "
    "running trail walking training outdoor waterproof recycled organic cotton leather mesh "
    "design fit support grip sole upper heel toe style colour size season collection edition "
    "perfect ideal made with for and the a of to in on by from features includes offers"
).split()
_CATEGORIES = [
    f"{top}/{sub}"
    for top in ("footwear", "apparel", "accessories", "outdoor", "home", "beauty")
    for sub in ("running", "casual", "sport", "kids", "premium", "basics", "sale", "new")
]
_COLORS = "black white red blue green grey navy beige pink orange".split()  # ~9% each
MISSING = 0.07


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return list(accumulate(1 / (rank**s) for rank in range(1, n + 1)))


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.brands = [self._word(2, 4).title() for _ in range(2_000)]
        self.brand_weights = _zipf_weights(len(self.brands))
        self.tags = sorted({self._word(2, 3) for _ in range(300)})
        self.tag_weights = _zipf_weights(len(self.tags))

    def _word(self, low: int, high: int) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(low, high)))

    def _maybe(self, value: Any) -> Any:
        return None if self.rng.random() < MISSING else value

    def _description(self) -> str:
        words = self.rng.choices(_WORDS, k=self.rng.randint(30, 120))
        return " ".join(words).capitalize() + "."

    def product(self, index: int) -> dict[str, Any]:
        rng = self.rng
        brand = rng.choices(self.brands, cum_weights=self.brand_weights)[0]
        tags = sorted(set(rng.choices(self.tags, cum_weights=self.tag_weights, k=rng.randint(1, 5))))
        return {
            "sku": f"SKU-{index:08d}",
            "name": f"{brand} {self._word(2, 3).title()} {rng.choice(_WORDS).title()}",
            "brand": self._maybe(brand),
            "category": self._maybe(rng.choice(_CATEGORIES)),
            "price": self._maybe(f"{min(rng.lognormvariate(3.8, 0.8), 5000):.2f}"),
            "inventory_count": self._maybe(0 if rng.random() < 0.2 else int(rng.expovariate(1 / 40))),
            "tags": self._maybe(tags),
            "published": self._maybe(rng.random() < 0.85),
            "release_date": self._maybe(
                (date(2021, 1, 1) + timedelta(days=rng.randrange(5 * 365))).isoformat()
            ),
            "description": self._maybe(self._description()),
            "color": self._maybe(rng.choice(_COLORS)),
        }


def products(count: int, seed: int = 42) -> Iterator[dict[str, Any]]:
    generator = _Generator(seed)
    for index in range(count):
        yield generator.product(index)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def ensure_catalog(scale: str, seed: int = 42) -> tuple[Path, Path]:
    """The catalog's CSV and JSON-lines files for a scale, generated once per (scale, seed)."""
    count = SCALES[scale]
    CACHE.mkdir(exist_ok=True)
    csv_path = CACHE / f"catalog-{scale}-{seed}.csv"
    jsonl_path = CACHE / f"catalog-{scale}-{seed}.jsonl"
    if csv_path.exists() and jsonl_path.exists():
        return csv_path, jsonl_path
    tmp_csv, tmp_jsonl = Path(f"{csv_path}.tmp"), Path(f"{jsonl_path}.tmp")
    with tmp_csv.open("w", newline="") as csv_file, tmp_jsonl.open("w") as jsonl_file:
        writer = csv.writer(csv_file)
        writer.writerow(CSV_HEADERS.values())
        for product in products(count, seed):
            writer.writerow(_csv_value(product[key]) for key in CSV_HEADERS)
            item = {key: value for key, value in product.items() if value is not None}
            jsonl_file.write(json.dumps(item, separators=(",", ":")) + "\n")
    tmp_csv.rename(csv_path)
    tmp_jsonl.rename(jsonl_path)
    return csv_path, jsonl_path
