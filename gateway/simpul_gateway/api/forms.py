"""Forms sent as `application/x-www-form-urlencoded` (the OAuth2 token request, the dashboard's
login page), read with the standard library: no multipart parser is needed for them."""
from urllib.parse import parse_qs

from fastapi import HTTPException, Request

from .errors import invalid
from .limits import BodyTooLarge

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BYTES, MAX_FIELDS = 8 * 1024, 20
MAX_VALUE = 200   # a password is at most 200 characters, a username 63
# what an OAuth2 client sends to the token URL (RFC 6749, 4.3.2; `client_id` and `client_secret`
# when it names itself in the body, as Swagger UI can): accepted, and only these
PASSWORD_FIELDS = {"grant_type": {"type": "string", "enum": ["password"]},
                   "username": {"type": "string", "maxLength": MAX_VALUE, "examples": ["kader.batang"]},
                   "password": {"type": "string", "maxLength": MAX_VALUE, "format": "password"},
                   **{field: {"type": "string", "maxLength": MAX_VALUE, "description": "Ignored"}
                      for field in ("scope", "client_id", "client_secret")}}
PASSWORD_FORM_SCHEMA = {"type": "object", "required": ["username", "password"],
                        "properties": PASSWORD_FIELDS, "additionalProperties": False}


async def url_encoded(request: Request, max_bytes: int = MAX_BYTES,
                      max_fields: int = MAX_FIELDS) -> dict[str, str]:
    """The form's fields, each with its first value."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise HTTPException(415, detail=f"kirim formulir sebagai {FORM_TYPE}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise BodyTooLarge(max_bytes)
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields)
    except (UnicodeDecodeError, ValueError):
        raise invalid("body", "formulir tidak dapat dibaca") from None
    return {name: values[0] for name, values in fields.items()}


async def password_form(request: Request) -> dict[str, str]:
    """`username` and `password` of an OAuth2 password request (`grant_type=password`, if sent);
    a field of no OAuth2 client or a value too long for any account is refused (422)."""
    form = await url_encoded(request)
    for field, value in form.items():
        if field not in PASSWORD_FIELDS:
            raise invalid(field, "kolom tidak dikenal")   # its value is never echoed: a password?
        if len(value) > MAX_VALUE:
            raise invalid(field, f"paling banyak {MAX_VALUE} karakter")
    if form.get("grant_type", "password") != "password":
        raise invalid("grant_type", "hanya grant_type=password", form["grant_type"])
    for field in ("username", "password"):
        if not form.get(field):
            raise invalid(field, "wajib diisi")
    return form
