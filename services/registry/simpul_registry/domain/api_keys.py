"""API keys of machine clients (an OPD's own system): each bound to one OPD, scoped, revocable.
Only the SHA-256 of the whole key is stored; the key itself is shown once, at creation."""
from . import credentials
from .checks import Problems

FIELDS = {"name", "opd_code", "scopes"}


def new(data: dict, opd_of, created_at: str) -> tuple[dict, str]:
    """The document to store and the whole key to show once; `opd_of` answers None for an
    unknown OPD."""
    problems = Problems()
    data = data if isinstance(data, dict) else {}
    for field in sorted(set(data) - FIELDS):
        problems.add(field, "kolom tidak dikenal")
    name = problems.text(data, "name", 3, 120)
    scopes = credentials.checked_scopes(data.get("scopes"), problems)
    opd_code = data.get("opd_code")
    opd = opd_of(opd_code) if isinstance(opd_code, str) else None
    if opd is None:
        problems.add("opd_code", "harus kode OPD yang ada di registry")
    problems.raise_if_any()
    key_id, _, key = credentials.new_api_key()
    document = {"_id": key_id, "name": name, "opd_code": opd["id"],
                "kabupaten_code": opd["kabupaten_code"], "scopes": scopes,
                "key_hash": credentials.key_hash(key), "created_at": created_at, "revoked_at": None}
    return document, key


def valid(document, key: str) -> bool:
    """A stored key that matches and is not revoked."""
    return (document is not None and document.get("revoked_at") is None
            and credentials.key_matches(key, document["key_hash"]))
