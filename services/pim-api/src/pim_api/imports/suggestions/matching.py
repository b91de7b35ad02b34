"""Candidate targets for one column, scored: vocabulary spellings, near-spellings and the tenant's fields.

Scores only rank candidates (the engine hands each target to its best column); they are on one
scale so that, for one column or one target: an existing field of the same name > an existing field
of the same meaning > an existing field of a close name > an exact spelling (by strength) > a
numbered or prefixed spelling > a fuzzy match. A variant that is not the tenant's (currency,
locale, channel) loses enough to rank below any plain spelling of the same target.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from pim_api.imports.suggestions.headers import ParsedHeader, Variant, parse_header
from pim_api.imports.suggestions.inference import FIT, fit_share
from pim_api.imports.suggestions.vocabulary import SPELLINGS, TARGETS
from segdsl import FieldType

FUZZY_CUTOFF = 88  # rapidfuzz ratio (0-100); below it, near-spellings are mostly different words
_FUZZY_MIN_LENGTH = 4
_TYPO_MIN_LENGTH = 5
_FUZZY_MIN_STRENGTH = 0.8
_FUZZY_CHOICES = tuple(key for key, (_, strength) in SPELLINGS.items() if strength >= _FUZZY_MIN_STRENGTH)
# Leading words that say which record a column belongs to, not what it holds ("Product Title").
_RECORD_PREFIXES = frozenset({"product", "variant", "item", "gps"})
# Trailing words that only label the value ("Vendor Name", "Materials Used"); and those that say it
# is a code, which only identifiers lose ("EAN Code" is a gtin, but "Vendor Code" is no brand).
_LABEL_TAILS = frozenset({"name", "value", "values", "list", "used"})
_IDENTIFIER_TAILS = frozenset({"code", "no", "nr", "number", "num"})
_IDENTIFIERS = frozenset({"sku", "gtin", "mpn"})
_QUALIFIED_FACTOR = 0.9
_NUMBER_PENALTY = 0.02
_EXISTING_SAME_NAME = 1.05
_EXISTING_SAME_MEANING = 0.03
_EXISTING_CLOSE_NAME = 1.01
_VARIANT_MATCH_BONUS = 0.02
_OTHER_CURRENCY = 0.3
_OTHER_LOCALE = 0.2
_OTHER_COUNTRY = 0.1
_OTHER_CHANNEL = 0.2
_URL_LIST_SHARE = 0.5


@dataclass(frozen=True)
class Defaults:
    """The tenant's defaults the variant rule compares a column's variant with."""

    currency: str
    locale: str


@dataclass(frozen=True)
class Candidate:
    """One possible target for a column, with its score and a short reason."""

    column: int
    target: str
    field_type: FieldType | None
    score: float
    reason: str


def vocabulary_candidate(column: int, parsed: ParsedHeader, values: Sequence[str]) -> Candidate | None:
    """The column's vocabulary target: exact, numbered ("Image 2 Url"), prefixed, or a near-spelling."""
    found = _spelled(parsed.key)
    if found is None:
        return None
    target, score, reason = found
    if target == "image_url" and _holds_url_lists(values):
        target, reason = "additional_image_urls", f"{reason}, holding lists of URLs"
    return Candidate(column, target, TARGETS[target].field_type, score, reason)


def existing_candidates(
    column: int,
    parsed: ParsedHeader,
    derived: str,
    vocabulary: Candidate | None,
    values: Sequence[str],
    existing: Mapping[str, FieldType],
) -> list[Candidate]:
    """The tenant's fields this column may fill: same name, same vocabulary meaning, or a close name."""
    found: list[Candidate] = []
    for name in sorted(existing):
        if name == derived:
            found.append(
                Candidate(column, name, existing[name], _EXISTING_SAME_NAME, f"existing field {name}")
            )
        elif vocabulary is not None and vocabulary.target in (name, _meaning(name)):
            bonus = _EXISTING_SAME_NAME - 1 if name == vocabulary.target else _EXISTING_SAME_MEANING
            reason = f"existing field {name}, {vocabulary.reason}"
            found.append(Candidate(column, name, existing[name], vocabulary.score + bonus, reason))
    if found or not existing:
        return found
    close = process.extractOne(derived, sorted(existing), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if close is not None:
        name, ratio, _ = close
        if parse_header(name).variant == parsed.variant and fit_share(existing[name], values) >= FIT:
            reason = f"close to existing field {name} ({round(ratio)})"
            found.append(Candidate(column, name, existing[name], _EXISTING_CLOSE_NAME, reason))
    return found


def variant_adjustment(variant: Variant, defaults: Defaults) -> tuple[float, str]:
    """Score change for a column's variant: the tenant's currency/locale/channel gain, others lose."""
    change, notes = 0.0, []
    if variant.currency is not None:
        matches = variant.currency == defaults.currency
        change += _VARIANT_MATCH_BONUS if matches else -_OTHER_CURRENCY
        notes.append(f"currency {variant.currency}" + ("" if matches else f" (tenant {defaults.currency})"))
    if variant.locale is not None:
        locale, wanted = variant.locale.lower(), defaults.locale.replace("-", "_").lower()
        if locale == wanted:
            change += _VARIANT_MATCH_BONUS
        else:
            change -= _OTHER_COUNTRY if locale[:2] == wanted[:2] else _OTHER_LOCALE
        notes.append(
            f"locale {variant.locale}" + ("" if locale == wanted else f" (tenant {defaults.locale})")
        )
    if variant.channel is not None and variant.channel != "ecommerce":
        change -= _OTHER_CHANNEL
        notes.append(f"channel {variant.channel}")
    return change, ", ".join(notes)


def _spelled(key: str) -> tuple[str, float, str] | None:
    """A spelling's target, strength and why; exact first, then the looser readings in order."""
    if key in SPELLINGS:
        target, strength = SPELLINGS[key]
        return target, strength, f"synonym of {target}"
    return _numbered(key) or _qualified(key) or _fuzzy(key)


def _numbered(key: str) -> tuple[str, float, str] | None:
    """ "Image 2 Url", "other_image_url3": a spelling with an index, weaker the higher the index."""
    tokens = key.split()
    numbers = [token for token in tokens if token.isdigit()]
    unnumbered = " ".join(token for token in tokens if not token.isdigit())
    if not numbers or unnumbered not in SPELLINGS:
        return None
    target, strength = SPELLINGS[unnumbered]
    return target, strength - _NUMBER_PENALTY * int(numbers[0][:3]), f"synonym of {target} (numbered)"


def _qualified(key: str) -> tuple[str, float, str] | None:
    """A strong spelling after a record prefix ("Product Material") or before a tail ("Vendor Name")."""
    tokens = key.split()
    if len(tokens) < 2:
        return None
    readings: list[tuple[str, str, frozenset[str] | None]] = []
    if tokens[0] in _RECORD_PREFIXES:
        readings.append((" ".join(tokens[1:]), f"after '{tokens[0]}'", None))
    if tokens[-1] in _LABEL_TAILS:
        readings.append((" ".join(tokens[:-1]), f"before '{tokens[-1]}'", None))
    if tokens[-1] in _IDENTIFIER_TAILS:
        readings.append((" ".join(tokens[:-1]), f"before '{tokens[-1]}'", _IDENTIFIERS))
    for rest, note, only in readings:
        target, strength = SPELLINGS.get(rest, ("", 0.0))
        if strength >= _FUZZY_MIN_STRENGTH and (only is None or target in only):
            return target, strength * _QUALIFIED_FACTOR, f"synonym of {target} ({note})"
    return None


def _fuzzy(key: str) -> tuple[str, float, str] | None:
    """A near-spelling: rapidfuzz ratio over the cutoff, or one typo (edit or swap) in a longer word."""
    if len(key) < _FUZZY_MIN_LENGTH:
        return None
    close = process.extractOne(key, _FUZZY_CHOICES, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if close is None and len(key) >= _TYPO_MIN_LENGTH:
        typo = process.extractOne(key, _FUZZY_CHOICES, scorer=OSA.distance, score_cutoff=1)
        close = typo and (typo[0], fuzz.ratio(key, typo[0]), typo[2])
    if close is None:
        return None
    spelling, ratio, _ = close
    target, strength = SPELLINGS[spelling]
    score = strength * (0.55 + 0.2 * max(ratio - FUZZY_CUTOFF, 0) / (100 - FUZZY_CUTOFF))
    return target, score, f"fuzzy match {round(ratio)} to {target}"


def _meaning(field_name: str) -> str | None:
    """The vocabulary target a tenant's field name is a spelling of ("manufacturer" -> brand)."""
    found = SPELLINGS.get(parse_header(field_name).key)
    return found[0] if found else None


def _holds_url_lists(values: Sequence[str]) -> bool:
    """Most values hold several URLs: an "Image URL" column that is really a gallery."""
    if not values:
        return False
    lists = sum(value.count("http://") + value.count("https://") > 1 for value in values)
    return lists / len(values) >= _URL_LIST_SHARE
