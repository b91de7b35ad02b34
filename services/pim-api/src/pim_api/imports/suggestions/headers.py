"""CSV header normalisation: a matching key, the variant (currency, locale, channel) and a field name.

Export formats spell one column many ways ("Variant Price", "price-USD", "Price (USD)", "Prix *"):
matching works on a key of lowercase ASCII tokens, with what is not the column's meaning split off.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pycountry

from pim_api.schema.schemas import MAX_FIELD_NAME_LENGTH, RESERVED_FIELD_NAMES

Hint = Literal["boolean", "list", "date", "html"]

# Letters NFKD does not decompose to ASCII (\u0131 is the dotless i of Turkish).
_TRANSLITERATIONS = str.maketrans(
    dict(zip("\u0131øØđĐłŁðÐ", "ioOdDlLdD", strict=True))
    | {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"}
)
_CURRENCY_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₺": "TRY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "$": "USD",
}
# Codes also taken in lowercase, or in ALL-CAPS headers where a rarer code is more likely a word ("TOP").
_COMMON_CURRENCIES = frozenset(
    "usd eur gbp jpy chf cad aud nzd sek nok dkk pln czk huf ron bgn try rub uah cny hkd sgd krw inr "
    "idr myr thb vnd brl mxn ars clp cop zar ils aed sar twd".split()
)
_ISO_CURRENCIES = frozenset(currency.alpha_3 for currency in pycountry.currencies)
_CHANNELS = frozenset({"ecommerce", "print", "mobile", "web", "online", "pos", "retail", "marketplace"})
_UNITS = frozenset("kg g gr gram grams mg lb lbs pound pounds oz t cm mm m in inch inches ft ml l cl".split())
_MEASURES = frozenset({"weight", "length", "width", "height", "depth", "volume"})
# Header prefixes that only say where a column came from ("Google Shopping / Gender").
_NAMESPACES = frozenset({"google shopping", "google", "gps", "amazon"})

_PARENTHETICAL = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_QUALIFIED = re.compile(r"^(?P<head>[^/:]*[^\s/:])\s*(?:\s/\s*|:)\s*(?P<tail>.*\w.*)$")
_LOCALE = re.compile(r"(?<![A-Za-z])([a-z]{2})[_-]([A-Z]{2})(?![A-Za-z])")
_UPPER_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
# camelCase and ACRONYMWord boundaries, but not a plural acronym ("URLs", "SKUs").
_CAMEL = (re.compile(r"(?<=[a-z])(?=[A-Z])"), re.compile(r"(?<=[0-9A-Z])(?=[A-Z](?!s\b)[a-z])"))
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"[0-9]+|[a-z]+")
_BOOLEAN_HINT = re.compile(
    r"^\s*(0\s*/\s*1|1\s*/\s*0|yes\s*/\s*no|y\s*/\s*n|true\s*/\s*false|0\s*=.*1\s*=.*)\s*$", re.I
)
_LIST_HINT = re.compile(r"^\s*(s|x\s*,\s*y.*|.*separated.*|a\s*\|\s*b.*)\s*$", re.I)
_DATE_HINT = re.compile(r"^\s*(date|[ymd]{2,4}([-/.][ymd]{2,4}){2})\s*$", re.I)
_FALLBACK_NAME = "field"


@dataclass(frozen=True)
class Variant:
    """Which currency, locale and channel a column is the version for (all None for a plain column)."""

    currency: str | None = None  # ISO 4217, e.g. "EUR"
    locale: str | None = None  # e.g. "en_US"
    channel: str | None = None  # e.g. "ecommerce", "print", a Shopify market "united_states"


@dataclass(frozen=True)
class ParsedHeader:
    """A header split into what it means (`key`) and what only qualifies it."""

    header: str
    key: str  # lowercase ASCII tokens, digits apart: "Option1 Name" -> "option 1 name"
    words: tuple[str, ...]  # the whole header as lowercase ASCII words, hints left out
    variant: Variant
    unit: str | None
    hints: frozenset[Hint]


@lru_cache(maxsize=4096)
def parse_header(header: str) -> ParsedHeader:
    """Split a header into its matching key, variant, unit and the type hints written in it."""
    text = _ascii(header)
    hints: set[Hint] = {"boolean"} if text.rstrip().endswith("?") else set()
    units: list[str] = []
    currencies = [code for symbol, code in _CURRENCY_SYMBOLS.items() if symbol in header]

    def shown(match: re.Match[str]) -> str:
        """What a bracketed part adds to the words of the header (and so to its derived name)."""
        content = match[1] if match[1] is not None else match[2]
        if (hint := _hint_of(content)) is not None:
            hints.add(hint)
            return " "
        if "." in content.strip(" .") and " " not in content.strip():
            return " "  # a source reference such as (product.metafields.shopify.color-pattern)
        return f" {content.replace(':', ' ')} "

    def meant(match: re.Match[str]) -> str:
        """What a bracketed part adds to the key: not a unit or a currency, which are recorded instead."""
        content = (match[1] if match[1] is not None else match[2]).strip()
        if content.lower() in _UNITS:
            units.append(content.lower())
            return " "
        if is_currency_code(content):
            currencies.insert(0, content.upper())
            return " "
        return shown(match)

    words = _words(_PARENTHETICAL.sub(shown, text))
    head, channel = _PARENTHETICAL.sub(meant, text), None
    if qualified := _QUALIFIED.match(head):
        if " ".join(_words(qualified["head"])) in _NAMESPACES:
            head = qualified["tail"]
        else:
            head, channel = qualified["head"], "_".join(_words(qualified["tail"])) or None
    locale, head, after_locale = _split_locale(head)
    channel = channel or after_locale or _akeneo_channel(head)
    if channel and head.endswith(f"-{channel}"):
        head = head.removesuffix(f"-{channel}")
    currency, head = _split_currency(head, all_caps=header.upper() == header)
    tokens = [token for word in _words(head) for token in _DIGITS.findall(word)]
    if len(tokens) > 1 and tokens[-1] in _UNITS and tokens[-2] in _MEASURES:
        units.append(tokens.pop())
    return ParsedHeader(
        header=header,
        key=" ".join(tokens),
        words=tuple(words),
        variant=Variant(currency=currency or next(iter(currencies), None), locale=locale, channel=channel),
        unit=next(iter(units), None),
        hints=frozenset(hints),
    )


def is_currency_code(text: str) -> bool:
    """An ISO 4217 code in capitals ("CHF"), or a common one in any case ("eur")."""
    return text in _ISO_CURRENCIES or text.lower() in _COMMON_CURRENCIES


def derived_name(header: str) -> str:
    """A valid, non-reserved snake_case field name for a header ("Weight (kg)" -> "weight_kg")."""
    words = list(parse_header(header).words)
    if words and words[0][0].isdigit():
        words.insert(0, _FALLBACK_NAME)
    name = "_".join(words) or _FALLBACK_NAME
    if len(name) > MAX_FIELD_NAME_LENGTH:
        cut = name[:MAX_FIELD_NAME_LENGTH]
        name = cut.rsplit("_", 1)[0] if "_" in cut else cut
    return f"{name}_value" if name in RESERVED_FIELD_NAMES else name


def _ascii(text: str) -> str:
    """Accents dropped, other letters transliterated, anything else non-ASCII a space; case kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATIONS))
    kept = (ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if ch.isascii() else " " for ch in kept)


def _words(text: str) -> list[str]:
    for boundary in _CAMEL:
        text = boundary.sub(" ", text)
    return _WORD.findall(text.lower())


def _hint_of(content: str) -> Hint | None:
    if _BOOLEAN_HINT.match(content):
        return "boolean"
    if _LIST_HINT.match(content):
        return "list"
    if _DATE_HINT.match(content):
        return "date"
    return "html" if content.strip().lower() == "html" else None


def _split_locale(head: str) -> tuple[str | None, str, str | None]:
    """The last locale in the header, the header without it, and a channel written right after it."""
    matches = list(_LOCALE.finditer(head))
    if not matches:
        return None, head, None
    last = matches[-1]
    rest = head[last.end() :]
    channel = "_".join(_words(rest)) or None
    return f"{last[1]}_{last[2]}", head[: last.start()], channel


def _akeneo_channel(head: str) -> str | None:
    """`release_date-ecommerce`: a known channel after a dash, in a header without spaces."""
    base, dash, last = head.strip().rpartition("-")
    return last.lower() if dash and base and " " not in head.strip() and last.lower() in _CHANNELS else None


def _split_currency(head: str, *, all_caps: bool) -> tuple[str | None, str]:
    for match in reversed(list(_UPPER_CODE.finditer(head))):
        code = match[1]
        if is_currency_code(code) and (not all_caps or code.lower() in _COMMON_CURRENCIES):
            rest = head[: match.start()] + " " + head[match.end() :]
            if _words(rest):
                return code, rest
    words = _words(head)
    if len(words) > 1 and words[-1] in _COMMON_CURRENCIES:
        return words[-1].upper(), " ".join(words[:-1])
    return None, head
