"""The error answers an operation may give besides its own, documented once for every route by
its shape (docs/security.md, "Fuzzing"), so the OpenAPI names every status code the gateway
answers and the fuzz holds it to them: 400 where a JSON body is read, 404 where a path names
an object, 409 on a write that creates or changes one, 503 everywhere. Each body is
`{"detail": "..."}`; 401 and 403 are `access.DENIED`, 413 and 429 `limits.py`'s, 422 FastAPI's
own list of field errors."""
from fastapi import FastAPI
from pydantic import BaseModel, Field

WRITES = {"post", "put", "patch", "delete"}


class Problem(BaseModel):
    detail: str = Field(..., description="What went wrong, in Bahasa Indonesia")


def _answer(description: str, **extra) -> dict:
    return {"description": description, **extra,
            "content": {"application/json": {"schema": Problem.model_json_schema()}}}


UNREADABLE = _answer("The body is not JSON in UTF-8")
MISSING = _answer("No such object, or one outside the caller's Posyandu, OPD or kabupaten/kota")
CONFLICT = _answer("The change conflicts with what is stored: a duplicate, or a move the "
                   "case's status does not allow (the message says which)")
UNAVAILABLE = _answer("A service or the broker did not answer in time: try again after "
                      "`Retry-After` seconds", headers={"Retry-After": {
                          "description": "Seconds to wait", "schema": {"type": "integer"}}})


def answers_of(path: str, method: str, operation: dict) -> dict:
    answers = {"503": UNAVAILABLE}
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        answers["400"] = UNREADABLE
    if "{" in path:
        answers["404"] = MISSING
    if method in WRITES and ("{" in path or "201" in operation["responses"]):
        answers["409"] = CONFLICT
    return answers


def document(app: FastAPI) -> None:
    """Adds the answers to the app's OpenAPI as it is made (after what `limits.install` adds:
    call it after); what an operation documents itself stays as it is."""
    made = app.openapi

    def openapi() -> dict:
        schema = made()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                for status, answer in answers_of(path, method, operation).items():
                    operation["responses"].setdefault(status, answer)
        return schema
    app.openapi = openapi
