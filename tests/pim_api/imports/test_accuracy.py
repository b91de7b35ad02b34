"""Accuracy on the labelled header sets of the documented export formats: target and type per column."""

import pytest

from pim_api.imports.suggestions import suggest_columns
from tests.pim_api.imports.header_sets import HEADER_SETS, LabelledColumn

OVERALL = 0.95
PER_FORMAT = 0.90
ROWS = 6


def _misses(columns: list[LabelledColumn]) -> list[str]:
    """The columns whose suggested target or type differs from the label, described for the message."""
    headers = [header for header, _, _, _ in columns]
    rows = [[values[row % len(values)] for _, _, _, values in columns] for row in range(ROWS)]
    suggestion = suggest_columns(headers, rows)
    return [
        f"{header!r}: got {got.target}/{got.field_type} ({got.reason}), want {target}/{field_type}"
        for (header, target, field_type, _), got in zip(columns, suggestion.columns, strict=True)
        if (got.target, got.field_type) != (target, field_type)
    ]


@pytest.mark.parametrize("name", sorted(HEADER_SETS))
def test_each_format_is_mapped_well(name: str) -> None:
    columns = HEADER_SETS[name]
    misses = _misses(columns)
    accuracy = 1 - len(misses) / len(columns)
    print(f"{name}: {accuracy:.1%} of {len(columns)} columns")
    assert accuracy >= PER_FORMAT, f"{name}: {accuracy:.1%} right; misses:\n" + "\n".join(misses)


def test_all_formats_together_are_mapped_well() -> None:
    total = sum(len(columns) for columns in HEADER_SETS.values())
    misses = [f"{name}: {miss}" for name, columns in HEADER_SETS.items() for miss in _misses(columns)]
    accuracy = 1 - len(misses) / total
    print(f"overall: {accuracy:.1%} of {total} columns")
    assert accuracy >= OVERALL, f"{accuracy:.1%} right; misses:\n" + "\n".join(misses)
