"""One error hierarchy and one JSON error format for every service.

Every error response is a `Problem`: `{"detail": "<what is wrong>", "errors": [{"path": …, "message": …}]}`,
`errors` present when the problems have places (a JSON path into the body, a query parameter).
"""

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

MAX_REPORTED_ERRORS = 1_000
RETRY_AFTER_SECONDS = "1"


class ProblemItem(BaseModel):
    """One located problem."""

    path: str = Field(
        description="Where: a JSON path into the body (`products[3].price`), or a query parameter's name",
        examples=["products[3].price"],
    )
    message: str = Field(examples=["'abc' is not a price"])


class Problem(BaseModel):
    """The body of every error response of every SegOps API."""

    detail: str = Field(
        description="What is wrong, in one sentence; for located problems, the first of them",
        examples=["products[3].price: 'abc' is not a price (and 1 more)"],
    )
    errors: list[ProblemItem] | SkipJsonSchema[None] = Field(
        default=None, description="Each located problem (present when the problems have places)"
    )


class SegOpsError(Exception):
    """Base of errors a client can act on; `status_code` is what the API answers."""

    status_code = 400

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class BadRequest(SegOpsError):
    status_code = 400

    @classmethod
    def at(cls, errors: Sequence[dict[str, str]]) -> "BadRequest":
        """Located problems: the first is the detail, all of them (up to a bound) are listed."""
        return cls(located_detail(errors), list(errors[:MAX_REPORTED_ERRORS]))


class Unauthorized(SegOpsError):
    status_code = 401


class NotFound(SegOpsError):
    status_code = 404


class Conflict(SegOpsError):
    status_code = 409


class PayloadTooLarge(SegOpsError):
    status_code = 413


class ServiceUnavailable(SegOpsError):
    status_code = 503


class InvalidRequest(StarletteHTTPException):
    """A 400 found while FastAPI reads the request (it lets only HTTPExceptions through there)."""

    def __init__(self, errors: Sequence[dict[str, str]]) -> None:
        super().__init__(400, located_detail(errors))
        self.errors = list(errors[:MAX_REPORTED_ERRORS])


def located_detail(errors: Sequence[dict[str, str]]) -> str:
    first = errors[0] if errors else {"path": "$", "message": "invalid request"}
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{first['path']}: {first['message']}{more}"


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    return body


def json_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """Render a pydantic location as a JSON path: ("body", "fields", 0, "name") -> fields[0].name."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "$"


def segops_error_response(exc: SegOpsError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return JSONResponse(error_body(exc.detail, exc.errors), exc.status_code, headers=headers)


# Out of reach or too slow: a database connection refused or lost, a pool or connect timeout.
_UNAVAILABLE = (ConnectionError, TimeoutError, PoolTimeout)


def unavailable_response(exc: Exception) -> JSONResponse | None:
    """503 for a database or another dependency out of reach (the request may be retried), else None."""
    if isinstance(exc, DBAPIError):
        sqlstate = getattr(exc.orig, "sqlstate", None) or ""
        reachable = not exc.connection_invalidated and not sqlstate.startswith(("08", "57P"))
        if reachable and not isinstance(exc.orig, ConnectionError):
            return None
    elif not isinstance(exc, _UNAVAILABLE):
        return None
    detail = "a service this request needs is unavailable; retry the request shortly"
    return JSONResponse(error_body(detail), 503, headers={"Retry-After": RETRY_AFTER_SECONDS})


async def _segops_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SegOpsError)
    return segops_error_response(exc)


def invalid_json(reason: object) -> dict[str, str]:
    """The problem of a body that is not JSON, as the parser words it."""
    message = f"the body is not valid JSON: {reason}"
    if "hex escape" in message:  # how pydantic-core's parser words a lone surrogate
        message += " (a \\ud800-\\udfff escape must be half of a surrogate pair)"
    return {"path": "$", "message": message}


def _validation_problem(error: Any) -> dict[str, str]:
    if error["type"] == "json_invalid":
        return invalid_json(error["ctx"]["error"])
    # A validator's own ValueError: its words, without pydantic's "Value error, " before them.
    message = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
    return {"path": json_path(error["loc"]), "message": message}


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_validation_problem(e) for e in exc.errors()]
    return JSONResponse(error_body(located_detail(errors), errors[:MAX_REPORTED_ERRORS]), 400)


def _allowed_methods(request: Request) -> str:
    """Every method some route of this path takes (Starlette names only the first such route's)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(request.url.path):
            methods |= route.methods
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    errors = exc.errors if isinstance(exc, InvalidRequest) else None
    return JSONResponse(error_body(str(exc.detail), errors), exc.status_code, headers=headers)


# Postgres rolled the transaction back because of a concurrent one; the same request may succeed.
_RETRYABLE_SQLSTATES = {"40001": "a serialization failure", "40P01": "a deadlock"}


async def _database_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    cause = _RETRYABLE_SQLSTATES.get(getattr(exc.orig, "sqlstate", None) or "")
    if cause is not None:
        detail = f"the write was rolled back after {cause} with a concurrent one; retry the request"
        return JSONResponse(error_body(detail), 409, headers={"Retry-After": RETRY_AFTER_SECONDS})
    if (response := unavailable_response(exc)) is not None:
        return response
    raise exc  # a fault of ours: the request-context middleware answers 500


async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    response = unavailable_response(exc)
    assert response is not None
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SegOpsError, _segops_error)
    app.add_exception_handler(DBAPIError, _database_error)
    for unavailable in _UNAVAILABLE:
        app.add_exception_handler(unavailable, _unavailable)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
