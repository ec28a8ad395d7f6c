"""Forms sent as `application/x-www-form-urlencoded` (the OAuth2 token request, the dashboard's
login page), read with the standard library: no multipart parser is needed for them."""
from urllib.parse import parse_qs

from fastapi import HTTPException, Request

from .errors import invalid

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BYTES, MAX_FIELDS = 8 * 1024, 20


async def url_encoded(request: Request) -> dict[str, str]:
    """The form's fields, each with its first value."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise HTTPException(415, detail=f"kirim formulir sebagai {FORM_TYPE}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            raise HTTPException(413, detail="formulir terlalu besar")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise invalid("body", "formulir tidak dapat dibaca") from None
    return {name: values[0] for name, values in fields.items()}


async def password_form(request: Request) -> dict[str, str]:
    """`username` and `password` of an OAuth2 password request (`grant_type=password`, if sent)."""
    form = await url_encoded(request)
    if form.get("grant_type", "password") != "password":
        raise invalid("grant_type", "hanya grant_type=password", form["grant_type"])
    for field in ("username", "password"):
        if not form.get(field):
            raise invalid(field, "wajib diisi")
    return form
