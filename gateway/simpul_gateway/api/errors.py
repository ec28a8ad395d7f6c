"""Error bodies in FastAPI's own shape, so clients parse one format for every 4xx."""
from fastapi import HTTPException


def invalid(field: str, message: str, value=None) -> HTTPException:
    """422 naming the field, as FastAPI reports schema errors."""
    return HTTPException(status_code=422, detail=[{
        "loc": ["body", field], "msg": message, "type": "value_error", "input": value}])


def invalid_query(field: str, message: str, value=None) -> HTTPException:
    return HTTPException(status_code=422, detail=[{
        "loc": ["query", field], "msg": message, "type": "value_error", "input": value}])
