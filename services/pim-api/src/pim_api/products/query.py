"""The product list's query string: `q`, `<field>=value` filters typed by the schema, paging."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pim_api.products.data import SchemaView
from segdsl.coercion import CoercionError, coerce
from segops_platform.errors import BadRequest

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGING_PARAMS = ("page", "page_size")


@dataclass(frozen=True)
class ProductFilter:
    """`q` and attribute filters; each attribute matches any of its values (repeated params)."""

    q: str | None
    # field -> JSON documents, any of which `data` must contain
    containments: dict[str, list[dict[str, Any]]]
    params: list[tuple[str, str]]  # as given, to rebuild next/previous links

    def link(self, path: str, page: int, page_size: int) -> str:
        paging = [("page", str(page))] + (
            [("page_size", str(page_size))] if page_size != DEFAULT_PAGE_SIZE else []
        )
        return f"{path}?{urlencode([*self.params, *paging])}"


def _int_param(raw: str | None, name: str, default: int, low: int, high: int | None) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(
            f"{name}: {raw!r} is not a whole number", [{"path": name, "message": "not a whole number"}]
        ) from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadRequest(f"{name}: must be {bounds}", [{"path": name, "message": f"must be {bounds}"}])
    return value


def parse_paging(items: Sequence[tuple[str, str]]) -> tuple[int, int]:
    given = dict(items)
    page = _int_param(given.get("page"), "page", 1, 1, None)
    page_size = _int_param(given.get("page_size"), "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    return page, page_size


def _filter_value(schema: SchemaView, name: str, raw: str) -> Any:
    if schema.types[name] == "array":
        return [raw.strip()]  # one element: ?tags=running finds the products tagged "running"
    return coerce(schema.types[name], raw)


def parse_filter(
    items: Sequence[tuple[str, str]], schema: SchemaView, extra_params: Sequence[str] = ()
) -> ProductFilter:
    """Typed filters from the query string; unknown params and values that don't fit are a 400."""
    known = {"q", *PAGING_PARAMS, *extra_params}
    errors: list[dict[str, str]] = []
    containments: dict[str, list[dict[str, Any]]] = {}
    q: str | None = None
    params: list[tuple[str, str]] = []
    for name, raw in items:
        if name in PAGING_PARAMS:
            continue
        params.append((name, raw))
        if name == "q":
            q = raw.strip() or None
        elif name in known:
            continue
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
        raise BadRequest(f"{errors[0]['path']}: {errors[0]['message']}", errors)
    return ProductFilter(q=q, containments=containments, params=params)
