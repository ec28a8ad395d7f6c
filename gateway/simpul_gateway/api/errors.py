"""Error bodies in FastAPI's own shape, so clients parse one format for every 4xx."""
from fastapi import HTTPException


def invalid(field: str, message: str, value=None, where: str = "body") -> HTTPException:
    """422 naming the field, as FastAPI reports schema errors."""
    return HTTPException(status_code=422, detail=[field_error(field, message, value, where)])


def field_error(field: str, message: str, value=None, where: str = "body") -> dict:
    """One error of a 422's `detail`."""
    return {"loc": [where, field], "msg": message, "type": "value_error", "input": value}


def registry_answer(result, where: str = "body", missing: str | None = None):
    """A registry answer (docs/registry-rpc.md) as the API gives it: a success passes through;
    an error result raises its HTTP error, its fields located in `where` (`body` or `query`);
    None raises 404 with the message `missing`, when one is given."""
    if result is None and missing is not None:
        raise HTTPException(404, detail=missing)
    if isinstance(result, dict) and "errors" in result and "status" in result:
        raise _from_error_result(result["status"], result["errors"], where)
    return result


def _from_error_result(status: int, errors: list[dict], where: str) -> HTTPException:
    if status == 422:
        return HTTPException(422, detail=[{"loc": [where, e["field"]], "msg": e["message"],
                                           "type": "value_error"} for e in errors])
    return HTTPException(status, detail=errors[0]["message"] if errors else None)
