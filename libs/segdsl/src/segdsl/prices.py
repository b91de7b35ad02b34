"""Reading a price text: currency markers, thousands separators and decimal commas."""

import re
import unicodedata
from decimal import Decimal

_PRICE = re.compile(
    r"(?P<sign>[-+]?)\s*(?P<before>[^\d\s.,+-]*)\s*(?P<sign2>[-+]?)\s*"
    r"(?P<amount>\d(?:[\d.,'\u2019 \u00a0\u202f\u2009]*\d)?)\s*(?P<after>[^\d\s.,+-]*)"
)
_SEPARATOR = re.compile(r"([.,'\u2019 \u00a0\u202f\u2009])")


class PriceParseError(ValueError):
    """A text that is not a price; the message says why."""


def parse_price_text(text: str) -> Decimal:
    """'€1.299,00', '$1,299.00', '1299', 'USD 12.5', "CHF 1'299.50" → the amount, unrounded."""
    match = _PRICE.fullmatch(text.strip())
    if match is None:
        raise PriceParseError("not a price (expected an amount such as 1299.00, optionally with a currency)")
    if match["sign"] and match["sign2"]:
        raise PriceParseError("two signs")
    if match["before"] and match["after"]:
        raise PriceParseError("currency given twice")
    marker = match["before"] or match["after"]
    if marker and not _is_currency_marker(marker):
        raise PriceParseError(f"{marker!r} is not a currency symbol or code")
    amount = _parse_amount(match["amount"])
    return -amount if "-" in (match["sign"], match["sign2"]) else amount


def _is_currency_marker(marker: str) -> bool:
    """'$', '€', 'USD', 'US$', 'R$', 'kr', 'zł', 'Rs.' and the like."""
    body = marker.removesuffix(".")
    letters = [ch for ch in body if ch.isalpha()]
    symbols = [ch for ch in body if unicodedata.category(ch) == "Sc"]
    return len(letters) + len(symbols) == len(body) and len(letters) <= 3 and len(symbols) <= 1 and body != ""


def _parse_amount(amount: str) -> Decimal:
    tokens = _SEPARATOR.split(amount)
    groups, separators = tokens[0::2], tokens[1::2]
    if any(group == "" for group in groups):
        raise PriceParseError("two separators in a row")
    decimal_separator = _decimal_separator(groups, separators)
    if decimal_separator is not None:
        whole_groups, fraction, thousands = groups[:-1], groups[-1], separators[:-1]
    else:
        whole_groups, fraction, thousands = groups, "", separators
    if thousands:
        if len(set(thousands)) != 1 or thousands[0] == decimal_separator:
            raise PriceParseError("mixed thousands separators")
        if len(whole_groups[0]) > 3 or any(len(group) != 3 for group in whole_groups[1:]):
            raise PriceParseError("thousands separators must separate groups of three digits")
    return Decimal("".join(whole_groups) + ("." + fraction if fraction else ""))


def _decimal_separator(groups: list[str], separators: list[str]) -> str | None:
    """The last '.' or ',' is the decimal separator unless it reads as a thousands separator.

    A lone separator followed by exactly three digits after a 1-3 digit whole part ("1,299",
    "€1.299") is a thousands separator, as prices have at most two decimals by convention.
    """
    if not separators or separators[-1] not in ".," or separators.count(separators[-1]) != 1:
        return None
    if len(separators) > 1:
        return separators[-1]
    whole, fraction = groups
    looks_like_thousands = len(fraction) == 3 and len(whole) <= 3 and not whole.startswith("0")
    return None if looks_like_thousands else separators[-1]
