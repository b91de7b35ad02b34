"""The product list's query string: `q` and `<field>=value` filters typed by the schema.

Paging (`page`, `page_size`) and the other declared parameters are FastAPI's; what is left of the
query string is read here, because its names are the tenant's schema fields.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query

from pim_api.products.data import SchemaView
from segdsl.coercion import CoercionError, coerce
from segops_platform.errors import BadRequest
from segops_platform.text_rules import NO_NUL_PATTERN, NUL_MESSAGE, Text

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGING_PARAMS = ("page", "page_size")
# `q`, as the list and facets declare it; read with the filters from the query string (the
# parameter is declared to be documented and checked).
SearchTerm = Annotated[Text | None, Query(description="Case-insensitive search in names (contains)")]
# How the documents declare the free-form `<field>=value` parameters (FastAPI has no such parameter).
FIELD_FILTERS_PARAMETER = {
    "name": "filters",
    "in": "query",
    "required": False,
    "style": "form",
    "explode": True,
    "description": "`<field>=value`: exact match on a string, number, price, boolean, date or url field "
    "(typed: `?price=$129.99` matches 129.99), or on one element of an array field. Repeat a parameter "
    "to match any of its values (`?color=red&color=blue`); different fields must all match. A name "
    "that is not a schema field, or a value that does not fit its field, is a 400.",
    "schema": {
        "type": "object",
        "propertyNames": {"pattern": NO_NUL_PATTERN},
        "additionalProperties": {
            "anyOf": [
                {"type": "string", "pattern": NO_NUL_PATTERN},
                {"type": "array", "items": {"type": "string", "pattern": NO_NUL_PATTERN}},
            ]
        },
    },
    "example": {"brand": "Nike"},
}
# `ai_readability_score__<op>=x`: products scored below, at most, above, at least x.
SCORE_FILTERS = {f"ai_readability_score__{op}": op for op in ("lt", "lte", "gt", "gte")}
SCORE_FILTER_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"Products whose `ai_readability_score` is {words} the number (0-100); products "
        "not scored yet match none. Combines with the other filters and `q`.",
        "schema": {"type": "number"},
    }
    for name, words in zip(SCORE_FILTERS, ("below", "at most", "above", "at least"), strict=True)
]


@dataclass(frozen=True)
class ProductFilter:
    """`q` and attribute filters; each attribute matches any of its values (repeated params)."""

    q: str | None
    # field -> JSON documents, any of which `data` must contain
    containments: dict[str, list[dict[str, Any]]]
    params: list[tuple[str, str]]  # as given, to rebuild next/previous links
    scores: list[tuple[str, float]] = field(default_factory=list)  # (lt|lte|gt|gte, bound)

    @property
    def narrows(self) -> bool:
        return bool(self.q or self.containments or self.scores)

    def link(self, path: str, page: int, page_size: int) -> str:
        paging = [("page", str(page))] + (
            [("page_size", str(page_size))] if page_size != DEFAULT_PAGE_SIZE else []
        )
        return f"{path}?{urlencode([*self.params, *paging])}"


def _filter_value(schema: SchemaView, name: str, raw: str) -> Any:
    if schema.types[name] == "array":
        return [raw.strip()]  # one element: ?tags=running finds the products tagged "running"
    return coerce(schema.types[name], raw)


def parse_filter(
    items: Sequence[tuple[str, str]], schema: SchemaView, declared: Sequence[str]
) -> ProductFilter:
    """Typed filters from the query string: every parameter but `q` and the endpoint's `declared`
    ones names a schema field. Unknown names and values that don't fit are a 400."""
    errors: list[dict[str, str]] = []
    containments: dict[str, list[dict[str, Any]]] = {}
    q: str | None = None
    params: list[tuple[str, str]] = []
    scores: list[tuple[str, float]] = []
    for name, raw in items:
        if name not in PAGING_PARAMS:
            params.append((name, raw))
        if "\x00" in name or "\x00" in raw:
            errors.append({"path": name, "message": NUL_MESSAGE})
        elif name == "q":
            q = raw.strip() or None
        elif name in declared:
            continue
        elif name in SCORE_FILTERS:
            try:
                bound = float(raw)
            except ValueError:
                bound = math.nan
            if math.isfinite(bound):
                scores.append((SCORE_FILTERS[name], bound))
            else:
                errors.append({"path": name, "message": f"{raw!r} is not a number"})
        elif name not in schema.types:
            errors.append({"path": name, "message": f"unknown query parameter {name!r}: not a schema field"})
        else:
            try:
                value = _filter_value(schema, name, raw)
            except CoercionError as error:
                errors.append({"path": name, "message": str(error)})
                continue
            containments.setdefault(name, []).append({name: value})
    if errors:
        raise BadRequest.at(errors)
    return ProductFilter(q=q, containments=containments, params=params, scores=scores)
