"""The gateway's Prometheus metrics (docs/metrics.md): every request counted and timed by
its route template, not its path, so ids do not multiply the series; the reports it accepted;
and `GET /metrics` to scrape them. Scrapes themselves are not counted."""
import time

from fastapi import APIRouter, Request, Response
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder

from simpul_common import metrics

PATH = "/metrics"
UNMATCHED = "unmatched"   # no route: the path itself could be anything
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
ACCEPTING = {("POST", "/api/v1/reports"), ("POST", "/api/v1/visits")}

router = APIRouter(include_in_schema=False)


@router.get(PATH)
def scrape(request: Request) -> Response:   # not async: rendered on the thread pool
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(REGISTRY), headers={"Content-Type": content_type})


class RequestMetrics:
    """ASGI middleware; the router writes the matched route into the scope it is handed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] == PATH:
            await self.app(scope, receive, send)
            return
        started, answered = time.perf_counter(), [500]   # an exception: the error page's 500

        async def send_and_note(message):
            if message["type"] == "http.response.start":
                answered[0] = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            record(scope, answered[0], time.perf_counter() - started)


def record(scope, status: int, seconds: float) -> None:
    method = scope["method"] if scope["method"] in METHODS else "OTHER"
    route = getattr(scope.get("route"), "path", None) or UNMATCHED
    metrics.http_answered(method, route, status, seconds)
    if status == 202 and (method, route) in ACCEPTING:
        metrics.reports_accepted(route)
