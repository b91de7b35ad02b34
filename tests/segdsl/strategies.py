"""Hypothesis strategies: hostile text, tenant schemas, catalogs in the PIM's shape, definitions."""

import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from hypothesis import strategies as st

from segdsl import BUILTIN_PROPERTIES, FIELD_TYPES, OPERATORS, VALUE_TYPE_OF, FieldType, product_values
from segdsl.dates import parse_iso_date
from tests.segdsl.unicode_case import AVOIDED_CHARACTERS

HOSTILE = (
    "'",
    "\\",
    "\\'",
    "''",
    "'; DROP TABLE products; --",
    "' OR 1=1 --",
    "{}",
    "{x}",
    "{{",
    "\x00",
    "a\x00b",
    "\n",
    "\r\n",
    "\t",
    "\x7f",
    "\x01",
    "\\x41",
    "\\0",
    "\\n",
    "%",
    "_",
    "`",
    '"',
    "/*",
    "*/ OR 1",
    "$1",
    "?",
    "\u202e",
    "\u2028",
    "\u00a0",
    "\ufeff",
    "😀",
)
WORDS = (
    "Nike",
    "nike",
    "NIKE",
    "Adidas",
    "run",
    "running",
    "Running Shoes",
    "shoe",
    "",
    " ",
    " Nike ",
    "ÉCLAIR",
    "éclair",
    "straße",
    "STRASSE",
    "Ωmega",
    "ωmega",
    "ǅemal",
    "日本",
)
FIELD_NAMES = (
    "brand",
    "price",
    "tags",
    "published",
    "release_date",
    "category",
    "weight",
    "it's",
    "a\\b",
    "{x}",
    "\x00key",
    "line\nbreak",
    "naïve",
    "",
    "💥",
    "name",
    "created_at",
    "price'); DROP TABLE x; --",
)
NUMBERS = (0, 1, -1, 2, 4.56, 129.99, 150, 150.0, -0.0, 0.1, 0.2, 0.30000000000000004, 1e20, 2**53 + 1, -7.5)
PRICES = ("€1.299,00", "$1,299.00", "4.56", "129.99", "12.345", "abc", "-5", "USD 150", "1,5", "")
NUMBER_TEXTS = ("12.5", " 7 ", "1e3", "abc", "1,5", "", "-0", "NaN", "1e400")
BOOLEANS = (True, False, "yes", "No", "y", "N", "1", "0", 1, 0, 2, "maybe", "TRUE")
URLS = (
    "https://example.com/a",
    "http://x.y/?q='1'",
    "ftp://nope",
    "not a url",
    " https://example.com/a ",
    "https://",
)
ITEMS = ("a", "b", "c", "running", "Running", "x y", "'", "{}", "\\", "😀")
ARRAY_TEXTS = ("a|b", "a, b;c", "", "x", "  ,  ", "running|Running")
TIMESTAMPS = (
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "2105-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
    "2026-05-02T10:00:00",
)
TODAYS = (date(2026, 5, 3), date(1970, 1, 2), date(2105, 12, 31))
SMALLEST_NORMAL = sys.float_info.min
T = TypeVar("T")

characters = st.characters(exclude_categories=["Cs"], exclude_characters=AVOIDED_CHARACTERS)


def hostile_text(max_size: int = 10) -> st.SearchStrategy[str]:
    """Short text that tries hard to break quoting: SQL fragments, escapes, braces, NUL, unicode."""
    pieces = st.sampled_from(WORDS + HOSTILE)
    return st.one_of(
        pieces, st.text(characters, max_size=max_size), st.lists(pieces, max_size=3).map("".join)
    )


@dataclass
class Scenario:
    """A tenant schema, its catalog (current, stale and deleted versions), a day, and definitions."""

    schema: dict[str, FieldType]
    products: list[dict[str, Any]]
    stale: list[dict[str, Any]]
    deleted: set[str]
    today: date
    definitions: list[dict[str, Any]] = field(default_factory=list)


def _raw_value(field_type: FieldType) -> st.SearchStrategy[object]:
    numbers = st.one_of(
        st.sampled_from(NUMBERS),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(10**20), 10**20),
    )
    choices: dict[FieldType, st.SearchStrategy[object]] = {
        "string": st.one_of(hostile_text(), st.sampled_from(NUMBERS), st.just(True)),
        "text": hostile_text(),
        "url": st.one_of(st.sampled_from(URLS), hostile_text()),
        "number": st.one_of(numbers, st.sampled_from(NUMBER_TEXTS)),
        "price": st.one_of(st.sampled_from(PRICES), numbers),
        "boolean": st.sampled_from(BOOLEANS),
        "date": st.one_of(
            st.sampled_from(("03/05/2026", "13/05/2026", "May 3, 2026", "2026-02-30", "", "0999-01-01")),
            st.sampled_from(("2026-05-03T23:30:00-02:00", "9999-12-31", "1960-01-01", "2026-05-03")),
            st.dates().map(date.isoformat),
        ),
        "array": st.one_of(st.lists(st.sampled_from(ITEMS), max_size=4), st.sampled_from(ARRAY_TEXTS)),
    }
    return st.one_of(st.none(), choices[field_type])


def _timestamp(today: date) -> st.SearchStrategy[str]:
    near = st.builds(
        lambda days, seconds, offset: (
            f"{(today + timedelta(days=days)).isoformat()}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
            f"{seconds % 60:02d}{offset}"
        ),
        st.integers(-3, 1),
        st.integers(0, 86399),
        st.sampled_from(("Z", "+02:00", "-05:30", "")),
    )
    return st.one_of(st.sampled_from(TIMESTAMPS), near)


@st.composite
def _product(
    draw: st.DrawFn, schema: dict[str, FieldType], today: date, product_id: int, sku: str
) -> dict[str, Any]:
    data = {name: draw(_raw_value(field_type)) for name, field_type in schema.items() if draw(st.booleans())}
    return {
        "id": product_id,
        "sku": sku,
        "name": draw(hostile_text()),
        "source": draw(st.sampled_from(("csv", "api", ""))),
        "data": data,
        "ai_readability_score": draw(st.one_of(st.none(), st.sampled_from(NUMBERS), st.floats(0, 100))),
        "created_at": draw(_timestamp(today)),
        "updated_at": draw(_timestamp(today)),
    }


@st.composite
def scenarios(draw: st.DrawFn, definitions: int = 10, max_products: int = 12) -> Scenario:
    """A scenario whose definitions draw their values mostly from the catalog, so they match often."""
    names = draw(
        st.lists(st.one_of(st.sampled_from(FIELD_NAMES), hostile_text()), min_size=2, max_size=7, unique=True)
    )
    schema = {name: draw(st.sampled_from(FIELD_TYPES)) for name in names}
    today = draw(st.sampled_from(TODAYS))
    skus = draw(st.lists(hostile_text(), min_size=min(4, max_products), max_size=max_products, unique=True))
    products = [draw(_product(schema, today, index + 1, sku)) for index, sku in enumerate(skus)]
    stale = [
        draw(_product(schema, today, product["id"], product["sku"]))
        for product in products
        if draw(st.booleans())
    ]
    deleted = {product["sku"] for product in products if draw(st.sampled_from((False, False, False, True)))}
    scenario = Scenario(schema, products, stale, deleted, today)
    observed = _Observed.of(scenario)
    properties = {**schema, **BUILTIN_PROPERTIES}
    scenario.definitions = [draw(_group(properties, observed, today, depth=1)) for _ in range(definitions)]
    return scenario


@dataclass
class _Observed:
    """Values seen in a catalog, by value type."""

    strings: list[str]
    numbers: list[float]
    days: list[date]
    items: list[str]

    @classmethod
    def of(cls, scenario: Scenario) -> "_Observed":
        observed = cls([], [], [], [])
        for product in scenario.products:
            values = product_values(product, scenario.schema)
            observed.strings += [values.sku, values.name, *values.strings.values()]
            observed.numbers += list(values.numbers.values())
            observed.days += [values.created_at.date(), *values.dates.values()]
            observed.items += [item for items in values.arrays.values() for item in items]
        return observed


def _pick(pool: list[T], fallback: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    return st.one_of(st.sampled_from(pool), fallback) if pool else fallback


def _recased(text: str, how: str) -> str:
    changed = {"upper": text.upper, "lower": text.lower, "swap": text.swapcase}.get(how, lambda: text)()
    return text if AVOIDED_CHARACTERS.intersection(changed) else changed


@st.composite
def _needle(draw: st.DrawFn, observed: _Observed) -> str:
    if not observed.strings or draw(st.booleans()):
        return draw(hostile_text(6))
    text = draw(st.sampled_from(observed.strings))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return _recased(text[start:end], draw(st.sampled_from(("upper", "lower", "swap", "keep"))))


def _number(observed: _Observed) -> st.SearchStrategy[int | float]:
    floats = st.floats(allow_nan=False, allow_infinity=False).filter(_normal)
    pool = [number for number in [*observed.numbers, *NUMBERS] if _normal(number)]
    return _pick(pool, st.one_of(floats, st.integers(-(10**20), 10**20)))


def _normal(number: float) -> bool:
    """Definitions refuse subnormal numbers (18.16 cannot read them as literals)."""
    return number == 0 or abs(number) >= SMALLEST_NORMAL


def _day(observed: _Observed, today: date) -> st.SearchStrategy[str]:
    near = st.integers(-40, 3).map(lambda days: today + timedelta(days=days))
    days = _pick([*observed.days, today], st.one_of(near, st.dates()))
    with_time = days.filter(lambda day: day < date.max).map(lambda day: f"{day.isoformat()}T23:30:00-02:00")
    return st.one_of(days.map(date.isoformat), with_time)


def _value(value_type: str, operator: str, observed: _Observed, today: date) -> st.SearchStrategy[object]:
    if operator in ("is_set", "is_not_set", "is_empty", "is_not_empty"):
        return st.sampled_from((None, "absent"))
    if operator == "within_last_days":
        return st.one_of(st.integers(0, 60), st.just(10**7))
    scalar: st.SearchStrategy[Any]
    if value_type == "string":
        contains = operator in ("contains", "not_contains", "starts_with", "ends_with")
        scalar = _needle(observed) if contains else _pick(observed.strings, hostile_text())
    elif value_type == "number":
        scalar = _number(observed)
    elif value_type == "boolean":
        scalar = st.booleans()
    elif value_type == "date":
        scalar = _day(observed, today)
    else:
        scalar = _pick(observed.items, st.sampled_from(ITEMS) | hostile_text(4))
    if operator in ("between", "not_between"):
        return st.lists(scalar, min_size=2, max_size=2).map(lambda pair: sorted(pair, key=_sort_key))
    if operator in ("in", "not_in", "contains_any", "contains_all"):
        return st.lists(scalar, min_size=1, max_size=4)
    return scalar


def _sort_key(value: Any) -> Any:
    return parse_iso_date(value) if isinstance(value, str) else value  # a date-time sorts by its UTC day


@st.composite
def _condition(
    draw: st.DrawFn, properties: dict[str, FieldType], observed: _Observed, today: date
) -> dict[str, Any]:
    prop = draw(st.sampled_from(sorted(properties)))
    value_type = VALUE_TYPE_OF[properties[prop]]
    operator = draw(st.sampled_from(OPERATORS[value_type]))
    condition: dict[str, Any] = {
        "type": "product_attribute",
        "property": prop,
        "operator": operator,
        "value_type": value_type,
    }
    value = draw(_value(value_type, operator, observed, today))
    if value != "absent":
        condition["value"] = value
    return condition


@st.composite
def _group(
    draw: st.DrawFn, properties: dict[str, FieldType], observed: _Observed, today: date, depth: int
) -> dict[str, Any]:
    children = []
    for _ in range(draw(st.integers(1, 3))):
        if depth < 5 and draw(st.integers(0, 4)) == 0:
            children.append(draw(_group(properties, observed, today, depth + 1)))
        else:
            children.append(draw(_condition(properties, observed, today)))
    return {"logic": draw(st.sampled_from(("AND", "OR"))), "conditions": children}
