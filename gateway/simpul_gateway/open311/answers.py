"""What an Open311 answer looks like (GeoReport v2, "Format Support" and "Errors"): JSON or XML,
as the extension of the path asks, in UTF-8; XML schemaless, without a namespace, each list an
element holding one element per item (`<services><service>…`); every error the spec's list of
`{"code", "description"}` (`<errors><error>…`). `Open311Route` gives that shape to whatever
error a route raises as the rest of the gateway does (HTTPException, 422, 429, 413, 503), with
the spec's statuses: 403 for a missing or bad api_key, 404 for what does not exist, 400 for any
other request that cannot be fulfilled; 413, 429 and 503 stay, with their `Retry-After`."""
import json
import re
from xml.etree import ElementTree

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from ..api.limits import BodyTooLarge
from ..broker import Unavailable

MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_OF = {"services": "service", "service_requests": "request", "errors": "error",
           "attributes": "attribute", "values": "value", "endpoints": "endpoint",
           "formats": "format"}   # the element of each item of a list, by the list's element
AS_OPEN311 = {401: 403, 415: 400, 422: 400}   # the spec's status for what the gateway answers
RETRY_SECONDS = "5"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # no XML 1.0 document holds them


def answer(fmt: str, root: str, body, status: int = 200, headers: dict | None = None) -> Response:
    """`body` in `fmt`; `root` names the XML document's element (`services`, ...)."""
    if fmt == "json":
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    else:
        content = xml_document(root, body)
    return Response(content, status_code=status, media_type=MEDIA_TYPES[fmt], headers=headers)


def xml_document(root: str, body) -> bytes:
    text = ElementTree.tostring(_element(root, body), encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")


def _element(name: str, value) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(_element(ITEM_OF[name], item) for item in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("\ufffd", str(value))   # an unknown field's name, echoed
    return element


def format_of(request: Request) -> str:
    """The format the path asks for; XML (the spec's required one) when it names none we have."""
    fmt = request.path_params.get("fmt")
    if fmt in MEDIA_TYPES:
        return fmt
    return "json" if request.url.path.endswith(".json") else "xml"


def errors(fmt: str, status: int, descriptions: list[str], headers: dict | None = None) -> Response:
    body = [{"code": status, "description": text} for text in descriptions]
    return answer(fmt, "errors", body, status, headers)


def failure(fmt: str, exc: Exception) -> Response:
    """The Open311 answer of an error raised by a route or its dependencies."""
    if isinstance(exc, RequestValidationError):
        return errors(fmt, 400, [_described(error) for error in exc.errors()])
    if isinstance(exc, Unavailable):
        return errors(fmt, 503, ["layanan sementara tidak tersedia, coba lagi"],
                      {"Retry-After": RETRY_SECONDS})
    status = AS_OPEN311.get(exc.status_code, exc.status_code)
    detail = exc.detail if isinstance(exc.detail, list) else [str(exc.detail)]
    kept = getattr(exc, "headers", None) if status == exc.status_code else None   # Retry-After
    return errors(fmt, status, [_described(item) if isinstance(item, dict) else str(item)
                                for item in detail], kept)


def _described(error: dict) -> str:
    """A field error as a sentence, naming the field and never echoing the value sent."""
    field = error["loc"][-1] if error.get("loc") else None
    return f"{field}: {error['msg']}" if field not in (None, "body") else error["msg"]


def too_large(path: str, exc: BodyTooLarge) -> Response:
    """The body limit's 413 (limits.BodyLimit, before any route runs) in the path's format."""
    return errors("json" if path.endswith(".json") else "xml", 413, [exc.detail])


class Open311Route(APIRoute):
    """A route whose every error, its dependencies' too, is answered as the spec's errors."""

    def get_route_handler(self):
        handle = super().get_route_handler()

        async def handled(request: Request) -> Response:
            try:
                return await handle(request)
            except (HTTPException, RequestValidationError, Unavailable) as exc:
                return failure(format_of(request), exc)
        return handled
