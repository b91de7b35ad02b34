"""`/healthz` (the process is up), `/readyz` (its dependencies answer) and `/metrics` (Prometheus)."""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from segops_platform.routing import ServiceRouter

ReadinessCheck = Callable[[], Awaitable[object]]
CHECK_TIMEOUT_SECONDS = 2.0

router = ServiceRouter(tags=["operations"])
metrics_router = ServiceRouter(include_in_schema=False)


class Liveness(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    """Each dependency's state; `detail` names those that are down."""

    status: Literal["ready", "unavailable"]
    detail: str | SkipJsonSchema[None] = Field(default=None, examples=["not ready: redis is unreachable"])
    checks: dict[str, str] = Field(examples=[{"postgres": "ok", "redis": "down: no answer within 2 s"}])


async def _run_check(check: ReadinessCheck) -> str:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"down: no answer within {CHECK_TIMEOUT_SECONDS:g} s"
    except Exception as exc:  # any failure means "not reachable"; the reason is reported
        return f"down: {type(exc).__name__}: {exc}"[:300]
    return "ok"


async def readiness(checks: Mapping[str, ReadinessCheck]) -> tuple[bool, dict[str, str]]:
    results = await asyncio.gather(*(_run_check(check) for check in checks.values()))
    report = dict(zip(checks, results, strict=True))
    return all(result == "ok" for result in results), report


@router.get("/healthz", summary="Liveness: the process is up")
async def health_live() -> Liveness:
    return Liveness(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: every dependency answers",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A dependency is down; `detail` names it"}},
)
async def health_ready(request: Request) -> JSONResponse:
    ok, report = await readiness(request.app.state.readiness_checks)
    if ok:
        return JSONResponse(Readiness(status="ready", checks=report).model_dump(exclude_none=True))
    down = [name for name, result in report.items() if result != "ok"]
    detail = "not ready: " + ", ".join(f"{name} is unreachable" for name in down)
    return JSONResponse(Readiness(status="unavailable", detail=detail, checks=report).model_dump(), 503)


@metrics_router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
