"""A column's field type from its header's hints and a sample of its values, read with segdsl's parsers.

Conservative on purpose: a wrong narrow type turns good rows into row errors, while a string column
loses nothing, so a type is inferred only when (almost) every sampled value reads as it.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pim_api.imports.suggestions.headers import ParsedHeader, is_currency_code
from segdsl import CoercionError, FieldType, coerce

# Share of the sampled values that must read as a type for a column to get it (the rest are row errors).
FIT = 0.9
_PRICE_WORDS = frozenset(
    "price prices cost costs msrp rrp amount fee prix preis fiyat fiyati precio prezzo charge".split()
)
_BOOLEAN_WORDS = frozenset(
    "is has allow allowed enable enabled active published visible show can use flag online featured".split()
)
_DATE_WORDS = frozenset("date dates at on from to since until starts ends tarih tarihi datum".split())
_WORDY_BOOLEANS = frozenset({"true", "false", "yes", "no", "y", "n"})
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_LIST_DELIMITERS = ("|", ";", ",")
_AMOUNT_CHARACTERS = "0123456789.,'+- \u00a0"
_PROSE_LENGTH = 80
_LIST_ITEM_LENGTH = 40
_LIST_SHARE = 0.5
_LIST_MIN_VALUES = 3


@dataclass(frozen=True)
class Inferred:
    """An inferred type and the share of the sampled values that read as it."""

    field_type: FieldType
    fit: float


def fit_share(field_type: FieldType, values: Sequence[str]) -> float:
    """The share of `values` that `coerce` accepts as `field_type` (1.0 when there are none)."""
    if not values:
        return 1.0
    return sum(_fits(field_type, value) for value in values) / len(values)


def infer_type(header: ParsedHeader, values: Sequence[str]) -> Inferred:
    """The narrowest type (almost) all non-empty sampled `values` read as; string when unsure."""
    present = [value for value in values if value.strip()]
    stripped = [value.strip() for value in present]
    if not stripped:
        return Inferred("string", 0.0)
    tokens = set(header.key.split())
    if (share := _boolean_share(header, tokens, stripped)) >= FIT:
        return Inferred("boolean", share)
    if not any(_is_identifier_like(value) for value in stripped):
        price_like = bool(tokens & _PRICE_WORDS or header.variant.currency) and header.unit is None
        marked = any(_has_currency_mark(value) for value in stripped)
        if (price_like or marked) and (share := _fitting_share("price", stripped)) >= FIT:
            return Inferred("price", share)
        if (share := _fitting_share("number", stripped)) >= FIT:
            return Inferred("number", share)
    if (share := _fitting_share("url", stripped)) >= FIT:
        return Inferred("url", share)
    dated = "date" in header.hints or bool(tokens & _DATE_WORDS) or not all(v.isdigit() for v in stripped)
    if dated and (share := _fitting_share("date", stripped)) >= FIT:
        return Inferred("date", share)
    if "html" in header.hints or _is_prose(present):
        return Inferred("text", 1.0)
    if (share := _list_share(header, stripped)) > 0:
        return Inferred("array", share)
    return Inferred("string", 1.0)


def _fitting_share(field_type: FieldType, values: Sequence[str]) -> float:
    """`fit_share`, or 0.0 as soon as too many values fail for it to reach FIT (most types fail fast)."""
    allowed = int(len(values) * (1 - FIT))
    misses = 0
    for value in values:
        if not _fits(field_type, value):
            misses += 1
            if misses > allowed:
                return 0.0
    return 1 - misses / len(values)


def _fits(field_type: FieldType, value: str) -> bool:
    try:
        coerce(field_type, value)
    except CoercionError:
        return False
    return True


def _boolean_share(header: ParsedHeader, tokens: set[str], values: Sequence[str]) -> float:
    """0/1 columns are counts as often as flags: they are boolean only when the header says so."""
    wordy = any(value.lower() in _WORDY_BOOLEANS for value in values)
    if not (wordy or "boolean" in header.hints or tokens & _BOOLEAN_WORDS):
        return 0.0
    return _fitting_share("boolean", values)


def _is_identifier_like(value: str) -> bool:
    """Leading zeros or 12+ digits: a code (barcode, zip, id) that a number would corrupt."""
    digits = value.lstrip("+-")
    return (len(digits) > 1 and digits[0] == "0" and digits[1].isdigit()) or (
        digits.isdigit() and len(digits) >= 12
    )


def _has_currency_mark(value: str) -> bool:
    """'$12', '12,50 €', '15.00 USD'; not '12kg', which the price parser would read as a currency."""
    mark = value.strip().strip(_AMOUNT_CHARACTERS).strip()
    return (len(mark) == 1 and unicodedata.category(mark) == "Sc") or is_currency_code(mark)


def _is_prose(values: Sequence[str]) -> bool:
    average = sum(len(value) for value in values) / len(values)
    return average > _PROSE_LENGTH or any("\n" in value or _HTML_TAG.search(value) for value in values)


def _list_share(header: ParsedHeader, values: Sequence[str]) -> float:
    """The share of values holding the commonest delimiter, when that is enough to call the column a list.

    Unless the header says it is a list ("Tags (x,y,z...)", "value(s)"), most values, and at least
    three, must hold the same delimiter, with short items whose number varies: a comma in an
    occasional value, in prose, in an enum ("Catalog, Search") or a fixed "Title | Store" is no list.
    """
    best, delimiter = max((sum(d in value for value in values), d) for d in _LIST_DELIMITERS)
    share = best / len(values)
    hinted = "list" in header.hints
    if best == 0 or (not hinted and (share < _LIST_SHARE or best < _LIST_MIN_VALUES)):
        return 0.0
    lists = [[item.strip() for item in value.split(delimiter)] for value in values]
    lengths = [len(item) for items in lists for item in items]
    short = sum(lengths) / len(lengths) <= _LIST_ITEM_LENGTH
    varying = hinted or len({len(items) for items in lists}) > 1
    return share if short and varying else 0.0
