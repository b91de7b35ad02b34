"""`ai_readability_score`: how well a product's data serves AI shopping agents and product feeds.

Deterministic, 0-100, the sum of five criteria, each scored 0..1 and weighted (WEIGHTS, the one
place they are set; README explains them):

- feed_fields (35): what Google Merchant Center and OpenAI's product feed require besides a title:
  description, price, availability (or a stock count), brand, image link, and a GTIN or MPN. Each
  is looked for in the tenant's fields by name, with the spellings the CSV import knows
  (`imports.suggestions.vocabulary`: `ean`, `barcode`, `vendor`, `Image Src`, ...).
- title (20): 25-150 characters, at least three words, the brand in it, not all capitals, no
  keyword stuffing (a word three times, or a run of separators).
- description (20): 50 words or more, not a copy of the title, not boilerplate the tenant's other
  products share, no leftover HTML.
- richness (15): the share of the tenant's schema fields the product fills.
- consistency (10): the share of its values that fit their field types (a field whose type
  changed after it was written may not), GTINs with a valid check digit, image links absolute.

A product with all of that scores 80 or more; one with only a SKU and a one-word title, under 40.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from rapidfuzz import fuzz

from pim_api.imports.suggestions.headers import parse_header
from pim_api.imports.suggestions.vocabulary import SPELLINGS, TARGETS
from segdsl import FieldType
from segdsl.coercion import CoercionError, coerce

WEIGHTS: Mapping[str, int] = MappingProxyType(
    {"feed_fields": 35, "title": 20, "description": 20, "richness": 15, "consistency": 10}
)
# What a feed requires, each with its share of feed_fields and the field named when it is missing.
FEED_TARGETS: Mapping[str, tuple[float, str]] = MappingProxyType(
    {
        "description": (0.15, "a description"),
        "price": (0.2, "a price"),
        "availability": (0.15, "availability"),
        "brand": (0.15, "a brand"),
        "image_url": (0.2, "an image link"),
        "gtin": (0.15, "a GTIN"),
    }
)
# Targets a feed takes in place of another: a stock count says availability, an MPN stands for a GTIN.
STAND_INS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"availability": ("inventory_count",), "gtin": ("mpn",)}
)
GRADES = ((90.0, "A"), (80.0, "B"), (70.0, "C"), (60.0, "D"))
TITLE_CHARACTERS = (25, 150)
DESCRIPTION_WORDS = 50
BOILERPLATE_PRODUCTS = 5  # a description this many of the tenant's products share is boilerplate
RICHNESS_WITHOUT_SCHEMA = 8  # fields a product of a tenant without a schema is measured against

_WORD = re.compile(r"[^\W_]+")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+);")
_SEPARATORS = re.compile(r"(?:\s*[|,/;]\s*){4,}|(?:[|,/;][^|,/;]*){4,}")
_GTIN_LENGTHS = (8, 12, 13, 14)


@dataclass(frozen=True)
class Criterion:
    name: str
    score: float  # 0..weight
    weight: int
    suggestions: tuple[str, ...]  # what to improve, each naming the field


@dataclass(frozen=True)
class Readability:
    score: float  # 0..100, one decimal
    grade: str
    criteria: tuple[Criterion, ...]


def grade_of(score: float) -> str:
    return next((grade for floor, grade in GRADES if score >= floor), "E")


@dataclass(frozen=True)
class FeedFields:
    """The tenant's fields that hold what feeds require, by target (exact names first)."""

    fields: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, field_types: Mapping[str, FieldType]) -> "FeedFields":
        found: dict[str, list[str]] = {}
        for name in field_types:
            target = name if name in TARGETS else _target_of(name)
            if target is not None:
                found.setdefault(target, []).append(name)
        return cls(
            {target: tuple(sorted(names, key=lambda name: name != target)) for target, names in found.items()}
        )

    def values(self, target: str, data: Mapping[str, Any]) -> list[Any]:
        """The product's values for the target (its stand-ins too), set ones only."""
        return [
            data[name]
            for each in (target, *STAND_INS.get(target, ()))
            for name in self.fields.get(each, ())
            if _is_set(data.get(name))
        ]

    def named(self, target: str) -> str:
        """The field to fill: the tenant's own, or the vocabulary's name for a field to add."""
        return next(iter(self.fields.get(target, ())), target)


def _target_of(name: str) -> str | None:
    found = SPELLINGS.get(parse_header(name).key)
    return None if found is None else found[0]


def score_product(
    name: str,
    data: Mapping[str, Any],
    field_types: Mapping[str, FieldType],
    feed: FeedFields,
    description_shared_by: int = 1,
) -> Readability:
    """The product's score. `feed` is `FeedFields.of(field_types)` (computed once per tenant);
    `description_shared_by`, how many of the tenant's products have its description (itself too)."""
    brand = next((str(value) for value in feed.values("brand", data)), "")
    description = next((str(value) for value in feed.values("description", data)), "")
    criteria = (
        _feed_fields(data, feed),
        _title(name, brand),
        _description(description, name, description_shared_by, feed.named("description")),
        _richness(data, field_types),
        _consistency(data, field_types, feed),
    )
    total = round(sum(criterion.score for criterion in criteria), 1)
    return Readability(total, grade_of(total), criteria)


def _criterion(name: str, parts: list[tuple[float, float, str]]) -> Criterion:
    """From (share earned, share possible, what to do when short of it) parts of the weight."""
    weight = WEIGHTS[name]
    score = weight * sum(earned for earned, _, _ in parts)
    hints = tuple(hint for earned, possible, hint in parts if earned < possible)
    return Criterion(name, round(score, 2), weight, hints)


def _met(share: float, met: bool, hint: str) -> tuple[float, float, str]:
    return (share if met else 0.0, share, hint)


def _feed_fields(data: Mapping[str, Any], feed: FeedFields) -> Criterion:
    parts = []
    for target, (share, what) in FEED_TARGETS.items():
        field = feed.named(target)
        if any(each in feed.fields for each in (target, *STAND_INS.get(target, ()))):
            hint = f"add {what} ({field})"
        else:
            hint = f"add {what}: a schema field `{field}`, then fill it"
        parts.append(_met(share, bool(feed.values(target, data)), hint))
    return _criterion("feed_fields", parts)


def _title(title: str, brand: str) -> Criterion:
    words = _WORD.findall(title)
    letters = [char for char in title if char.isalpha()]
    low, high = TITLE_CHARACTERS
    length = len(title.strip())
    repeated = sorted({word.lower() for word in words if len(word) >= 3 and _count(words, word) >= 3})
    stuffed = ", ".join(repeated) or "separators"
    return _criterion(
        "title",
        [
            _met(0.3, low <= length <= high, f"name is {length} characters; {low}-{high} read best"),
            _met(0.2, len(words) >= 3, f"name has {len(words)} word(s); say what the product is in 3+"),
            _met(0.2, bool(brand) and brand.lower() in title.lower(), "put the brand in the name"),
            _met(0.15, not (len(letters) > 3 and all(c.isupper() for c in letters)), "name is all capitals"),
            _met(
                0.15,
                not repeated and not _SEPARATORS.search(title),
                f"name repeats {stuffed}: write a title, not keywords",
            ),
        ],
    )


def _description(description: str, title: str, shared_by: int, field: str) -> Criterion:
    words = len(_WORD.findall(description))
    if not words:
        return _criterion(
            "description", [(0.0, 1.0, f"add a description ({field}) of {DESCRIPTION_WORDS}+ words")]
        )
    length = 1.0 if words >= DESCRIPTION_WORDS else 0.6 if words >= 20 else 0.25
    hint = f"{field} is {words} words; {DESCRIPTION_WORDS}+ help agents answer questions"
    return _criterion(
        "description",
        [
            (0.4 * length, 0.4, hint),
            _met(0.2, fuzz.ratio(description.lower(), title.lower()) < 90, f"{field} repeats the name"),
            _met(
                0.2,
                shared_by < BOILERPLATE_PRODUCTS,
                f"{field} is shared by {shared_by} products; write one for this product",
            ),
            _met(0.2, not _HTML.search(description), f"{field} holds HTML; give plain text"),
        ],
    )


def _richness(data: Mapping[str, Any], field_types: Mapping[str, FieldType]) -> Criterion:
    if field_types:
        empty = sorted(name for name in field_types if not _is_set(data.get(name)))
        share = 1 - len(empty) / len(field_types)
        hint = f"fill {', '.join(empty[:5])}{' …' if len(empty) > 5 else ''}"
    else:
        share = min(sum(1 for value in data.values() if _is_set(value)) / RICHNESS_WITHOUT_SCHEMA, 1.0)
        hint = f"describe the product with {RICHNESS_WITHOUT_SCHEMA}+ attributes"
    return _criterion("richness", [(share, 1.0, hint)])


def _consistency(
    data: Mapping[str, Any], field_types: Mapping[str, FieldType], feed: FeedFields
) -> Criterion:
    checks: list[tuple[bool, str]] = [
        (_fits(field_types[name], value), f"{name} does not hold a valid {field_types[name]}")
        for name, value in sorted(data.items())
        if name in field_types and _is_set(value)
    ]
    checks += [(_valid_gtin(value), f"{name} is not a valid GTIN") for name, value in _gtins(data, feed)]
    checks += [
        (str(value).startswith(("https://", "http://")), f"{feed.named('image_url')} is not an absolute link")
        for value in feed.values("image_url", data)
    ]
    if not checks:
        return _criterion("consistency", [(0.0, 1.0, "no attribute values to check: add some")])
    return _criterion("consistency", [_met(1 / len(checks), ok, hint) for ok, hint in checks])


def _fits(field_type: FieldType, value: Any) -> bool:
    try:
        coerce(field_type, value)
    except CoercionError:
        return False
    return True


def _gtins(data: Mapping[str, Any], feed: FeedFields) -> list[tuple[str, Any]]:
    return [(name, data[name]) for name in feed.fields.get("gtin", ()) if _is_set(data.get(name))]


def _valid_gtin(value: Any) -> bool:
    digits = re.sub(r"[\s-]", "", str(value))
    if not digits.isdigit() or len(digits) not in _GTIN_LENGTHS:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _count(words: list[str], word: str) -> int:
    return sum(1 for each in words if each.lower() == word)


def _is_set(value: Any) -> bool:
    return value is not None and value != "" and value != []
