"""Column suggestions for CSV imports: the sku and name columns, and the field each other column fills."""

from pim_api.imports.suggestions.engine import ColumnSuggestion, Suggestion, suggest_columns
from pim_api.imports.suggestions.headers import derived_name

__all__ = ["ColumnSuggestion", "Suggestion", "derived_name", "suggest_columns"]
