"""The suggestion for an uploaded CSV: which column is the sku, the name, and which schema field each fills.

Offline and deterministic: headers and a sample of rows in, a mapping and a schema out. Each target
goes to its best-scoring column (sku and name first, so that every file with such columns has
exactly one of each); every other column keeps a field of its own under a derived name, so
nothing is dropped silently. The user confirms or edits the result.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from pim_api.imports.csv_format import is_blank
from pim_api.imports.suggestions.headers import derived_name, parse_header
from pim_api.imports.suggestions.inference import fit_share, infer_type
from pim_api.imports.suggestions.matching import (
    Candidate,
    Defaults,
    existing_candidates,
    variant_adjustment,
    vocabulary_candidate,
)
from pim_api.imports.suggestions.vocabulary import NAME, SKU, TARGETS
from pim_api.schema.schemas import MAX_FIELD_NAME_LENGTH
from segdsl import FieldType

DEFAULT_CURRENCY = "USD"
DEFAULT_LOCALE = "en_US"
# Distinct non-empty values per column that inference looks at: enough to see a type, bounded for speed.
SAMPLE_VALUES = 64
_MIN_SCORE = 0.4
_DERIVED_CONFIDENCE = 0.5
_EMPTY_FACTOR = 0.4
_EMPTY_KEY_PENALTY = 0.5
_MIN_FIT = 0.5
_MISFIT_PENALTY = 1.0  # below any score: the column gets a derived name and the type its values have
_BUILTINS = (SKU, NAME)
_NO_FIELDS: Mapping[str, FieldType] = MappingProxyType({})


@dataclass(frozen=True)
class ColumnSuggestion:
    """What one CSV column becomes, how sure the suggestion is, and why."""

    header: str
    target: str | None  # "sku", "name", a schema field name, or None (skip the column)
    field_type: FieldType | None  # the field's type when target is a schema field, else None
    confidence: float  # 0..1, rounded to 2 decimals
    reason: str


@dataclass(frozen=True)
class Suggestion:
    """The suggestion for a whole file, with the shapes the upload response needs."""

    columns: list[ColumnSuggestion]  # in header order

    def mapping(self) -> dict[str, str | None]:
        """Header -> target, as in `suggested_mapping`."""
        return {column.header: column.target for column in self.columns}

    def schema(self) -> list[dict[str, object]]:
        """The schema fields the mapping fills, in header order, as in `suggested_schema`."""
        fields: dict[str, dict[str, object]] = {}
        for column in self.columns:
            if column.target is None or column.field_type is None or column.target in fields:
                continue
            target = TARGETS.get(column.target)
            description = target.description if target is not None else column.header.strip()
            fields[column.target] = {
                "name": column.target,
                "type": column.field_type,
                "required": False,
                "description": description,
            }
        return list(fields.values())

    def confidence(self) -> dict[str, float]:
        """Header -> confidence of its suggestion."""
        return {column.header: column.confidence for column in self.columns}


def suggest_columns(
    headers: Sequence[str],
    samples: Sequence[Sequence[str]],
    existing_fields: Mapping[str, FieldType] = _NO_FIELDS,
    default_currency: str | None = None,
    default_locale: str | None = None,
) -> Suggestion:
    """Suggest a target and type for each column of a CSV from its headers and sampled rows."""
    defaults = Defaults(default_currency or DEFAULT_CURRENCY, default_locale or DEFAULT_LOCALE)
    values = [_sampled(samples, index) for index in range(len(headers))]
    candidates = sorted(
        (
            candidate
            for index, header in enumerate(headers)
            for candidate in _candidates(index, header, values[index], existing_fields, defaults)
        ),
        key=lambda candidate: (candidate.target not in _BUILTINS, -candidate.score, candidate.column),
    )
    chosen: dict[int, Candidate] = {}
    taken: set[str] = set()
    for candidate in candidates:
        if candidate.column not in chosen and candidate.target not in taken and candidate.score >= _MIN_SCORE:
            chosen[candidate.column] = candidate
            taken.add(candidate.target)
    used = taken | set(existing_fields)
    columns = []
    for index, header in enumerate(headers):
        if index in chosen:
            columns.append(_suggested(header, chosen[index], values[index]))
        else:
            name = _unique(derived_name(header), used)
            used.add(name)
            columns.append(_derived(header, name, values[index]))
    return Suggestion(columns)


def _sampled(samples: Sequence[Sequence[str]], index: int) -> list[str]:
    """The first distinct non-empty values of a column (a short row reads as empty cells)."""
    seen: dict[str, None] = {}
    for row in samples:
        if index < len(row) and not is_blank(row[index]) and row[index] not in seen:
            seen[row[index]] = None
            if len(seen) == SAMPLE_VALUES:
                break
    return list(seen)


def _candidates(
    index: int, header: str, values: list[str], existing: Mapping[str, FieldType], defaults: Defaults
) -> list[Candidate]:
    parsed = parse_header(header)
    vocabulary = vocabulary_candidate(index, parsed, values)
    found = existing_candidates(index, parsed, derived_name(header), vocabulary, values, existing)
    if vocabulary is not None:
        found.append(_checked_by_values(vocabulary, values))
    change, note = variant_adjustment(parsed.variant, defaults)
    if not note:
        return found
    return [
        Candidate(c.column, c.target, c.field_type, c.score + change, f"{c.reason}; {note}") for c in found
    ]


def _checked_by_values(candidate: Candidate, values: list[str]) -> Candidate:
    """A vocabulary candidate, demoted when the sampled values speak against it: an empty column
    keys no row (a filled, weaker spelling gets sku or name), and a type that most values do not
    fit would make most rows errors (Magento's relative `base_image` paths are no URLs). A
    tenant's own field is not demoted: its misfits are row errors (DESIGN.md)."""
    if not values and candidate.target in _BUILTINS:
        penalty, note = _EMPTY_KEY_PENALTY, "no sample values"
    elif values and candidate.field_type is not None and fit_share(candidate.field_type, values) < _MIN_FIT:
        penalty, note = _MISFIT_PENALTY, f"most sample values are no {candidate.field_type}"
    else:
        return candidate
    return Candidate(
        candidate.column,
        candidate.target,
        candidate.field_type,
        candidate.score - penalty,
        f"{candidate.reason}; {note}",
    )


def _suggested(header: str, candidate: Candidate, values: list[str]) -> ColumnSuggestion:
    confidence = min(candidate.score, 1.0)
    if not values:
        confidence *= _EMPTY_FACTOR
        reason = f"{candidate.reason}; no sample values"
    elif candidate.field_type is not None:
        fit = fit_share(candidate.field_type, values)
        confidence *= 0.75 + 0.25 * fit
        reason = candidate.reason if fit == 1 else f"{candidate.reason}; {fit:.0%} of sample values fit"
    else:
        reason = candidate.reason
    return ColumnSuggestion(header, candidate.target, candidate.field_type, round(confidence, 2), reason)


def _derived(header: str, name: str, values: list[str]) -> ColumnSuggestion:
    if not values:
        confidence = round(_DERIVED_CONFIDENCE * _EMPTY_FACTOR, 2)
        return ColumnSuggestion(header, name, "string", confidence, "derived name; no sample values")
    inferred = infer_type(parse_header(header), values)
    fit = "" if inferred.fit == 1 else f" ({inferred.fit:.0%} of them)"
    reason = f"derived name; values read as {inferred.field_type}{fit}"
    return ColumnSuggestion(
        header, name, inferred.field_type, round(_DERIVED_CONFIDENCE * inferred.fit, 2), reason
    )


def _unique(name: str, used: set[str]) -> str:
    """`name`, or `name_2`, `name_3`... when another column or field has it (kept within 63 characters)."""
    number = 1
    candidate = name
    while candidate in used:
        number += 1
        suffix = f"_{number}"
        candidate = name[: MAX_FIELD_NAME_LENGTH - len(suffix)].rstrip("_") + suffix
    return candidate
