"""One error hierarchy and one JSON error format for every service.

Every error response is `{"detail": "<what is wrong>", "errors": [{"path": …, "message": …}]}`,
`errors` present only when there are several located problems.
"""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException


class SegOpsError(Exception):
    """Base of errors a client can act on; `status_code` is what the API answers."""

    status_code = 400

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class BadRequest(SegOpsError):
    status_code = 400


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


async def _segops_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SegOpsError)
    return segops_error_response(exc)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"path": json_path(e["loc"]), "message": e["msg"]} for e in exc.errors()]
    first = errors[0] if errors else {"path": "$", "message": "invalid request"}
    detail = f"{first['path']}: {first['message']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return JSONResponse(error_body(detail, errors), 400)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return JSONResponse(error_body(str(exc.detail)), exc.status_code, headers=exc.headers)


# Postgres rolled the transaction back because of a concurrent one; the same request may succeed.
_RETRYABLE_SQLSTATES = {"40001": "a serialization failure", "40P01": "a deadlock"}


async def _database_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    cause = _RETRYABLE_SQLSTATES.get(getattr(exc.orig, "sqlstate", None) or "")
    if cause is None:
        raise exc  # a fault of ours: the request-context middleware answers 500
    detail = f"the write was rolled back after {cause} with a concurrent one; retry the request"
    return JSONResponse(error_body(detail), 409, headers={"Retry-After": "1"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SegOpsError, _segops_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
