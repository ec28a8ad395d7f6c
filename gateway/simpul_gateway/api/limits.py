"""Hostile input at the door (docs/security.md, "Hostile input"). `BodyLimit`, a pure ASGI
middleware, refuses a request body larger than its limit with 413: at once when its
Content-Length says so, without reading it; else (a chunked body) as soon as the bytes that
streamed in pass the limit, so no route ever holds more. JSON and forms get MAX_BODY_BYTES,
the CSV upload MAX_UPLOAD_BYTES. `install` adds it, answers the rate limits' 429
(`ratelimit.py`), and documents 413 and 429 on every operation they can happen to."""
from typing import Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel

from ..settings import Settings
from .ratelimit import RateLimited, RateLimits, login_attempt
from .security import authenticated

UPLOADS = frozenset({"/api/v1/posyandu/import"})   # the routes that take a file, not JSON
WITH_BODY = {"POST", "PUT", "PATCH"}


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(413, detail=f"isi permintaan terlalu besar (maksimum {limit} bita)")

    def answer(self) -> JSONResponse:
        return JSONResponse({"detail": self.detail, "limit_bytes": self.limit}, status_code=413)


class TooLargeOut(BaseModel):
    detail: str
    limit_bytes: int


class RateLimitedOut(BaseModel):
    detail: str
    limit: Literal["client", "login", "posyandu"]
    retry_after: int


async def answer(request: Request, exc: BodyTooLarge | RateLimited) -> JSONResponse:
    return exc.answer()


class BodyLimit:
    """`answers`: path prefix → how a 413 is answered there (a standard with errors of its
    own: Open311); elsewhere `BodyTooLarge.answer`."""

    def __init__(self, app, limit: int, upload_limit: int, uploads=UPLOADS, answers=None):
        self.app, self.limit, self.upload_limit, self.uploads = app, limit, upload_limit, uploads
        self.answers = answers or {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] in self.uploads else self.limit
        if declared_length(scope) > limit:
            await self.answer(scope["path"], BodyTooLarge(limit))(scope, receive, send)
            return
        await self.app(scope, counting(receive, limit), send)

    def answer(self, path: str, exc: BodyTooLarge):
        render = next((render for prefix, render in self.answers.items()
                       if path.startswith(prefix)), None)
        return render(path, exc) if render else exc.answer()


def declared_length(scope) -> int:
    """The Content-Length a request declares; 0 if none (a chunked body is counted instead)."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            return int(value)
    return 0


def counting(receive, limit: int):
    """`receive`, raising BodyTooLarge (the app answers it) once the body passes `limit`."""
    received = 0

    async def receive_counted():
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message
    return receive_counted


TOO_LARGE = {"description": "The request body is over its limit (MAX_BODY_BYTES; "
             "MAX_UPLOAD_BYTES for a CSV upload)", "content": {"application/json": {"schema": {
                 "$ref": "#/components/schemas/TooLargeOut"}}}}
TOO_MANY = {"description": "A rate limit (per client, per IP address on signing in, per "
            "Posyandu on filing) refused the request: nothing was done; send it again after "
            "`Retry-After` seconds", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/RateLimitedOut"}}},
            "headers": {"Retry-After": {"description": "Seconds to wait (at least 1)",
                                        "schema": {"type": "integer", "minimum": 1}}}}


def document(app: FastAPI) -> None:
    """Adds 413 and 429 to the app's OpenAPI, once FastAPI made it (it knows nothing of the
    middleware): 413 on every operation that takes a body, 429 on every one behind a limit."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = generate()
            shapes = schema.setdefault("components", {}).setdefault("schemas", {})
            shapes.update({model.__name__: model.model_json_schema()
                           for model in (TooLargeOut, RateLimitedOut)})
            for route in iter_route_contexts(app.routes):
                for method in (route.methods or set()) - {"HEAD"}:
                    operation = schema["paths"].get(route.path, {}).get(method.lower())
                    if operation is not None and hasattr(route, "dependant"):
                        add_answers(operation.setdefault("responses", {}), method, route.dependant)
        return app.openapi_schema
    app.openapi = openapi


def add_answers(answers: dict, method: str, dependant: Dependant) -> None:
    if method in WITH_BODY:
        answers.setdefault("413", TOO_LARGE)
    if rate_limited(dependant):
        answers.setdefault("429", TOO_MANY)


def rate_limited(dependant: Dependant) -> bool:
    return any(d.call in (authenticated, login_attempt) or rate_limited(d)
               for d in dependant.dependencies)


def install(app: FastAPI, settings: Settings, answers=None) -> None:
    """Call before adding the request metrics: the body limit goes inside them, so they count
    its 413s as they count every answer. `answers`: as `BodyLimit`'s."""
    app.state.rate_limits = RateLimits(settings)
    app.add_middleware(BodyLimit, limit=settings.MAX_BODY_BYTES,
                       upload_limit=settings.MAX_UPLOAD_BYTES, answers=answers)
    app.add_exception_handler(BodyTooLarge, answer)
    app.add_exception_handler(RateLimited, answer)
    document(app)
