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

Each criterion is made of parts, each with a gap (GAPS) it leaves when not met. A product is read
once into its Facts, from which `points` makes the criteria's points and the gaps: writes store the
score and the gaps as a bitmask (`Scorer.assess`, ~15 µs a product: a write pays for it), and the
breakdown explains them with a suggestion per gap (`Scorer.readability`).
"""

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from pim_api.imports.suggestions.headers import parse_header
from pim_api.imports.suggestions.vocabulary import SPELLINGS, TARGETS
from pim_api.products.data import is_set
from segdsl import FieldType
from segdsl.coercion import CoercionError, coerce

WEIGHTS: Mapping[str, int] = MappingProxyType(
    {"feed_fields": 35, "title": 20, "description": 20, "richness": 15, "consistency": 10}
)
# What a feed requires, each with its share of feed_fields and what to add when it is missing.
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
# Every way a product falls short, each with the advice the catalog summary gives for it
# ({field} is the tenant's field). A product stores its gaps as bits in this order: append only.
GAPS: Mapping[str, str] = MappingProxyType(
    {
        **{f"feed_fields.{target}": f"add {what} ({{field}})" for target, (_, what) in FEED_TARGETS.items()},
        "title.length": "write names of 25-150 characters",
        "title.words": "say what the product is in a name of 3+ words",
        "title.brand": "put the brand in the name",
        "title.capitals": "stop writing names in capitals",
        "title.stuffing": "write titles, not repeated keywords",
        "description.missing": "add a description ({field})",
        "description.words": "write descriptions of 50+ words ({field})",
        "description.copy": "write a description ({field}) that does more than repeat the name",
        "description.boilerplate": "replace descriptions ({field}) shared by many products",
        "description.html": "give descriptions ({field}) as plain text, not HTML",
        "richness.empty": "fill the schema fields left empty",
        "consistency.type": "fix values that do not fit their field's type",
        "consistency.gtin": "fix GTINs with a wrong check digit ({field})",
        "consistency.image": "give absolute image links ({field})",
        "consistency.none": "add attribute values",
    }
)
GAP_FIELDS: Mapping[str, str] = MappingProxyType(  # the feed target whose field a gap's advice names
    {"consistency.gtin": "gtin", "consistency.image": "image_url"}
)
GRADES = ((90.0, "A"), (80.0, "B"), (70.0, "C"), (60.0, "D"))
TITLE_CHARACTERS = (25, 150)
DESCRIPTION_WORDS = 50
BOILERPLATE_PRODUCTS = 5  # a description this many of the tenant's products share is boilerplate
RICHNESS_WITHOUT_SCHEMA = 8  # fields a product of a tenant without a schema is measured against

_BIT = {gap: 1 << index for index, gap in enumerate(GAPS)}
_WORD = re.compile(r"[^\W_]+")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+);")
_SEPARATORS = re.compile(r"(?:\s*[|,/;]\s*){4,}|(?:[|,/;][^|,/;]*){4,}")
_GTIN_LENGTHS = (8, 12, 13, 14)
_TITLE_LOW, _TITLE_HIGH = TITLE_CHARACTERS
# Values of these Python types fit these field types (jsonb holds no NUL): `coerce` need not be asked.
_ALWAYS_FIT: Mapping[str, tuple[type, ...]] = MappingProxyType(
    {"string": (str,), "text": (str,), "boolean": (bool,), "number": (int, float)}
)


class Facts(NamedTuple):
    """What a product's score is made of, read in one pass over it."""

    found: tuple[Any, ...]  # per FEED_TARGETS, in order: the product's value, or None
    title_length: int
    title_words: int
    brand_in_title: bool
    capitals: bool
    repeated: tuple[str, ...]  # words of 3+ letters the title has 3+ times
    separators: bool  # a run of | , / ; in the title
    description_words: int  # counted up to DESCRIPTION_WORDS + 1
    fingerprint: int | None  # the description's
    copied: bool  # the description is (nearly) the title
    html: bool
    filled: int  # schema fields set (without a schema: set values)
    checks: int  # values checked for consistency
    unfit: int  # schema values that do not fit their type
    bad_gtins: int
    bad_image: bool


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


class Assessment(NamedTuple):
    """What a write stores: the score, and the gaps as a bitmask (bit i: GAPS' i-th gap)."""

    score: float
    gaps: int


def grade_of(score: float) -> str:
    return next((grade for floor, grade in GRADES if score >= floor), "E")


def gaps_in(bits: int) -> list[str]:
    return [gap for gap, bit in _BIT.items() if bits & bit]


def fingerprint(description: str) -> int:
    """The description's identity for counting the products that share it (case and surrounding
    space aside): a signed 64-bit hash, as Postgres stores it."""
    digest = hashlib.blake2b(description.strip().lower().encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def description_fingerprint(description: str) -> int | None:
    """The fingerprint a product stores for its description: None when it has none (no words)."""
    return fingerprint(description) if description and not description.isspace() else None


def scorer_for(field_types: Mapping[str, FieldType]) -> "Scorer":
    """The tenant's scorer, built once per set of field types."""
    return _scorer(tuple(field_types.items()))


@functools.lru_cache(maxsize=256)
def _scorer(field_types: tuple[tuple[str, FieldType], ...]) -> "Scorer":
    return Scorer(dict(field_types))


class Scorer:
    """Scores products against one tenant schema. Built once per schema and used for a whole batch:
    it finds the fields that hold what feeds require (exact names first, then the vocabulary's
    spellings)."""

    def __init__(self, field_types: Mapping[str, FieldType]) -> None:
        self.types = dict(field_types)
        found: dict[str, list[str]] = {}
        for name in field_types:
            target = name if name in TARGETS else _target_of(name)
            if target is not None:
                found.setdefault(target, []).append(name)
        self.fields = {
            target: sorted(names, key=lambda name: name != target) for target, names in found.items()
        }
        # Per feed target, in order, the fields to look in: its own, then its stand-ins'.
        self._sources = tuple(
            tuple(name for each in (target, *STAND_INS.get(target, ())) for name in self.fields.get(each, ()))
            for target in FEED_TARGETS
        )
        self._gtins = tuple(self.fields.get("gtin", ()))
        self._native = {name: _ALWAYS_FIT.get(kind, ()) for name, kind in self.types.items()}

    def named(self, target: str) -> str:
        """The field to fill: the tenant's own, or the vocabulary's name for a field to add."""
        return next(iter(self.fields.get(target, ())), target)

    def description(self, data: Mapping[str, Any]) -> str:
        value = _first(self._sources[_DESCRIPTION], data)
        return "" if value is None else str(value)

    def facts(self, name: str, data: Mapping[str, Any]) -> Facts:
        found = tuple(_first(sources, data) for sources in self._sources)
        brand = found[_BRAND]
        description = "" if found[_DESCRIPTION] is None else str(found[_DESCRIPTION])
        words = _WORD.findall(name)
        long_words = [word.lower() for word in words if len(word) >= 3]
        repeated: tuple[str, ...] = ()
        if len(long_words) - len(set(long_words)) >= 2:  # some word may be there 3 times
            repeated = tuple(sorted(word for word, count in Counter(long_words).items() if count >= 3))
        description_words = len(description.split(None, DESCRIPTION_WORDS))  # enough to tell
        types, native = self.types, self._native
        filled = unfit = 0
        for key, value in data.items():
            kind = types.get(key)
            if kind is None or value is None or value == "" or value == []:
                continue
            filled += 1
            if type(value) not in native[key] and not _coerces(kind, value):
                unfit += 1
        checks = filled
        if not types:
            filled = min(sum(1 for value in data.values() if is_set(value)), RICHNESS_WITHOUT_SCHEMA)
        gtins = [data[field] for field in self._gtins if is_set(data.get(field))]
        bad_gtins = sum(1 for value in gtins if not _valid_gtin(value))
        image = found[_IMAGE]
        bad_image = image is not None and not str(image).startswith(("https://", "http://"))
        return Facts(
            found=found,
            title_length=len(name.strip()),
            title_words=len(words),
            brand_in_title=brand is not None and str(brand).lower() in name.lower(),
            capitals=name.isupper() and sum(1 for char in name if char.isalpha()) > 3,
            repeated=repeated,
            separators=_SEPARATORS.search(name) is not None,
            description_words=description_words,
            fingerprint=description_fingerprint(description),
            # Titles and descriptions of very different lengths are never 90% alike: skip the ratio.
            copied=len(description) < 1.25 * len(name) + 2
            and fuzz.ratio(description.lower(), name.lower(), score_cutoff=90) > 0,
            html=("<" in description or "&" in description) and _HTML.search(description) is not None,
            filled=filled,
            checks=checks + len(gtins) + (image is not None),
            unfit=unfit,
            bad_gtins=bad_gtins,
            bad_image=bad_image,
        )

    def assess(self, name: str, data: Mapping[str, Any], shared_by: int = 1) -> Assessment:
        """The score and gaps a write stores. `shared_by`: how many of the tenant's products have
        the product's description (itself too)."""
        return self.assessed(self.facts(name, data), shared_by)

    def assessed(self, facts: Facts, shared_by: int = 1) -> Assessment:
        criteria, gaps = points(facts, len(self.types), shared_by)
        return Assessment(_total(criteria), gaps)

    def readability(self, name: str, data: Mapping[str, Any], shared_by: int = 1) -> Readability:
        """The score with each criterion's points and what to improve."""
        facts = self.facts(name, data)
        criteria, gaps = points(facts, len(self.types), shared_by)
        suggestions: dict[str, list[str]] = {criterion: [] for criterion in WEIGHTS}
        for gap in gaps_in(gaps):
            suggestions[gap.split(".")[0]] += self._suggestions(gap, facts, data, shared_by)
        return Readability(
            _total(criteria),
            grade_of(_total(criteria)),
            tuple(
                Criterion(criterion, earned, weight, tuple(suggestions[criterion]))
                for (criterion, weight), earned in zip(WEIGHTS.items(), criteria, strict=True)
            ),
        )

    def advice(self, gap: str) -> str:
        """What the catalog summary says to do about a gap, naming the tenant's field."""
        target = GAP_FIELDS.get(gap, gap.split(".")[-1] if gap.startswith("feed_fields.") else "description")
        return GAPS[gap].format(field=self.named(target))

    def _suggestions(self, gap: str, facts: Facts, data: Mapping[str, Any], shared_by: int) -> list[str]:
        """What to do about a gap of this product, naming the field (a gap may name several)."""
        criterion, part = gap.split(".")
        if criterion == "feed_fields":
            what, field = FEED_TARGETS[part][1], self.named(part)
            index = list(FEED_TARGETS).index(part)
            return [
                f"add {what} ({field})"
                if self._sources[index]
                else f"add {what}: a schema field `{field}`, then fill it"
            ]
        if criterion == "richness":
            if not self.types:
                return [f"describe the product with {RICHNESS_WITHOUT_SCHEMA}+ attributes"]
            empty = sorted(name for name in self.types if not is_set(data.get(name)))
            return [f"fill {', '.join(empty[:5])}{' …' if len(empty) > 5 else ''}"]
        if gap == "consistency.type":
            return [
                f"{name} does not hold a valid {self.types[name]}"
                for name, value in sorted(data.items())
                if name in self.types and is_set(value) and not _fits(self.types[name], value)
            ]
        if gap == "consistency.gtin":
            return [
                f"{name} is not a valid GTIN"
                for name in self._gtins
                if is_set(data.get(name)) and not _valid_gtin(data[name])
            ]
        field = self.named("description")
        texts: dict[str, Callable[[], str]] = {
            "title.length": lambda: (
                f"name is {facts.title_length} characters; {_TITLE_LOW}-{_TITLE_HIGH} read best"
            ),
            "title.words": lambda: f"name has {facts.title_words} word(s); say what the product is in 3+",
            "title.brand": lambda: "put the brand in the name",
            "title.capitals": lambda: "name is all capitals",
            "title.stuffing": lambda: (
                f"name repeats {', '.join(facts.repeated) or 'separators'}: write a title, not keywords"
            ),
            "description.missing": lambda: f"add a description ({field}) of {DESCRIPTION_WORDS}+ words",
            "description.words": lambda: (
                f"{field} is {facts.description_words} words; "
                f"{DESCRIPTION_WORDS}+ help agents answer questions"
            ),
            "description.copy": lambda: f"{field} repeats the name",
            "description.boilerplate": lambda: (
                f"{field} is shared by {shared_by} products; write one for this product"
            ),
            "description.html": lambda: f"{field} holds HTML; give plain text",
            "consistency.image": lambda: f"{self.named('image_url')} is not an absolute link",
            "consistency.none": lambda: "no attribute values to check: add some",
        }
        return [texts[gap]()]


def points(facts: Facts, fields: int, shared_by: int) -> tuple[tuple[float, ...], int]:
    """Each criterion's points (in WEIGHTS' order, to 2 decimals) and the gaps, from the facts;
    `fields`: how many fields the tenant's schema has; `shared_by`: how many of the tenant's
    products have the description. Straight-line: every write runs it."""
    gaps = 0
    feed = 0.0
    for (share, bit), value in zip(_FEED_PARTS, facts.found, strict=True):
        if value is None:
            gaps |= bit
        else:
            feed += share
    title = 0.0
    if _TITLE_LOW <= facts.title_length <= _TITLE_HIGH:
        title += 0.3
    else:
        gaps |= _TITLE_LENGTH
    if facts.title_words >= 3:
        title += 0.2
    else:
        gaps |= _TITLE_WORDS
    if facts.brand_in_title:
        title += 0.2
    else:
        gaps |= _TITLE_BRAND
    if facts.capitals:
        gaps |= _TITLE_CAPITALS
    else:
        title += 0.15
    if facts.repeated or facts.separators:
        gaps |= _TITLE_STUFFING
    else:
        title += 0.15
    description = 0.0
    words = facts.description_words
    if not words:
        gaps |= _DESCRIPTION_MISSING
    else:
        if words >= DESCRIPTION_WORDS:
            description = 0.4
        else:
            description = 0.4 * (0.6 if words >= 20 else 0.25)
            gaps |= _DESCRIPTION_WORDS
        if facts.copied:
            gaps |= _DESCRIPTION_COPY
        else:
            description += 0.2
        if shared_by >= BOILERPLATE_PRODUCTS:
            gaps |= _DESCRIPTION_BOILERPLATE
        else:
            description += 0.2
        if facts.html:
            gaps |= _DESCRIPTION_HTML
        else:
            description += 0.2
    richness = facts.filled / (fields or RICHNESS_WITHOUT_SCHEMA)
    if richness < 1:
        gaps |= _RICHNESS_EMPTY
    consistency = 0.0
    if not facts.checks:
        gaps |= _CONSISTENCY_NONE
    else:
        consistency = (facts.checks - facts.unfit - facts.bad_gtins - facts.bad_image) / facts.checks
        if facts.unfit:
            gaps |= _CONSISTENCY_TYPE
        if facts.bad_gtins:
            gaps |= _CONSISTENCY_GTIN
        if facts.bad_image:
            gaps |= _CONSISTENCY_IMAGE
    w_feed, w_title, w_description, w_richness, w_consistency = WEIGHTS.values()
    return (
        round(w_feed * feed, 2),
        round(w_title * title, 2),
        round(w_description * description, 2),
        round(w_richness * richness, 2),
        round(w_consistency * consistency, 2),
    ), gaps


_FEED_PARTS = tuple((share, _BIT[f"feed_fields.{target}"]) for target, (share, _) in FEED_TARGETS.items())
(
    _TITLE_LENGTH,
    _TITLE_WORDS,
    _TITLE_BRAND,
    _TITLE_CAPITALS,
    _TITLE_STUFFING,
    _DESCRIPTION_MISSING,
    _DESCRIPTION_WORDS,
    _DESCRIPTION_COPY,
    _DESCRIPTION_BOILERPLATE,
    _DESCRIPTION_HTML,
    _RICHNESS_EMPTY,
    _CONSISTENCY_TYPE,
    _CONSISTENCY_GTIN,
    _CONSISTENCY_IMAGE,
    _CONSISTENCY_NONE,
) = (bit for gap, bit in _BIT.items() if not gap.startswith("feed_fields."))
_DESCRIPTION, _BRAND, _IMAGE = (
    list(FEED_TARGETS).index(target) for target in ("description", "brand", "image_url")
)


def _target_of(name: str) -> str | None:
    found = SPELLINGS.get(parse_header(name).key)
    return None if found is None else found[0]


def _first(sources: tuple[str, ...], data: Mapping[str, Any]) -> Any:
    """The first set value among the fields, or None."""
    for field in sources:
        value = data.get(field)
        if value is not None and value != "" and value != []:
            return value
    return None


def _total(criteria: tuple[float, ...]) -> float:
    return round(sum(criteria), 1)


def _fits(field_type: FieldType, value: Any) -> bool:
    return type(value) in _ALWAYS_FIT.get(field_type, ()) or _coerces(field_type, value)


def _coerces(field_type: FieldType, value: Any) -> bool:
    try:
        coerce(field_type, value)
    except CoercionError:
        return False
    return True


def _valid_gtin(value: Any) -> bool:
    digits = re.sub(r"[\s-]", "", str(value))
    if not digits.isdigit() or len(digits) not in _GTIN_LENGTHS:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check
