"""The CSV file of an import: the raw request body (`text/csv`) or the `file` field of a
multipart form. Read here, bounded by MAX_UPLOAD_BYTES (as `limits.BodyLimit` bounds it
before), so a huge upload is refused before it is all in memory."""
from email import message_from_bytes, policy

from fastapi import HTTPException, Request

from .errors import field_error, invalid
from .limits import BodyTooLarge

RAW_TYPES = ("text/csv", "text/plain", "application/octet-stream")
OPENAPI_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}, "example":
                 "registration_number,name,desa_code,ilp,six_spm,active,kader\n"
                 "400.5/12/2024,Posyandu Mawar I,33.25.01.2001,ya,tidak,ya,Siti Aminah;Sri Wahyuni\n"},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}, "additionalProperties": False}}}}}


async def csv_text(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "multipart/form-data" and media_type not in RAW_TYPES:
        raise HTTPException(415, detail="kirim berkas CSV sebagai text/csv atau multipart/form-data "
                                        "(kolom `file`)")
    body = await _bounded_body(request)
    if media_type == "multipart/form-data":
        body = _form_file(content_type, body)
    return _decoded(body)


async def _bounded_body(request: Request) -> bytes:
    limit = request.app.state.settings.MAX_UPLOAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(limit)
    return bytes(body)


def _form_file(content_type: str, body: bytes) -> bytes:
    """The `file` field of a multipart form, parsed by the standard library's MIME parser; any
    other field is refused, as an unknown field of a JSON body is."""
    form = message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body,
                              policy=policy.HTTP)
    parts = list(form.iter_parts()) if form.is_multipart() else []
    names = [str(part.get_param("name", header="content-disposition") or "") for part in parts]
    errors = [] if "file" in names else [
        field_error("file", "formulir tidak memuat berkas bernama `file`")]
    errors += [field_error(name, "kolom tidak dikenal: formulir hanya memuat `file`")
               for name in names if name != "file"]
    if errors:
        raise HTTPException(422, detail=errors)
    return parts[names.index("file")].get_payload(decode=True) or b""


def _decoded(body: bytes) -> str:
    try:
        text = body.decode("utf-8-sig")   # drops a byte order mark, as spreadsheets write one
    except UnicodeDecodeError:
        raise invalid("file", "berkas harus teks UTF-8 (simpan ulang sebagai CSV UTF-8)") from None
    if not text.strip():
        raise invalid("file", "berkas CSV kosong")
    return text
