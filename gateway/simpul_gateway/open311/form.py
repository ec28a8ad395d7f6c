"""The form of a POST service request (GeoReport v2, "POST Service Request"), checked into what
Simpul files. Only the spec's fields are taken, each bounded; an unknown one is refused, as
every body of the gateway refuses one, and an empty one counts as not sent (the spec's
"Optional Arguments"). The desa is `attribute[desa_code]`, or `address_id` holding a desa code;
coordinates are not matched to a desa, since the registry knows no desa boundaries yet.

What is personal, the submitter's name and phone, the description, the address, the
coordinates and the media link, is sealed with the report like a kader's report and never
shown in an Open311 read; the e-mail address and device id are not kept (data minimisation),
`account_id` is only answered back."""
import re
from dataclasses import dataclass
from typing import Optional

from fastapi import HTTPException
from pydantic import TypeAdapter, ValidationError

from simpul_common.catalogue import REPORT_KINDS
from simpul_common.regions import DESA_PATTERN

from ..api.errors import field_error
from ..schemas import CitizenIn
from ..schemas.cases import EvidenceUrl
from .services import ATTRIBUTE_CODES, DEFAULT_KIND

FIELDS = {   # the spec's fields, with the longest value taken
    "jurisdiction_id": 20, "api_key": 200, "service_code": 100, "lat": 32, "long": 32,
    "address_string": 500, "address_id": 20, "email": 254, "device_id": 200, "account_id": 200,
    "first_name": 60, "last_name": 60, "phone": 20, "description": 4000, "media_url": 2000}
MOST_FIELDS = len(FIELDS) + len(ATTRIBUTE_CODES) + 5   # a few unknown ones, to name them
ATTRIBUTE = re.compile(r"attribute\[([^\]]*)\]")
ATTRIBUTE_LENGTH, MIN_DESCRIPTION = 100, 3
WEB_ADDRESS = TypeAdapter(EvidenceUrl)
CITIZEN_FIELDS = {"name": "first_name", "phone": "phone"}   # the form's field of each


@dataclass(frozen=True)
class Submission:
    service_code: str
    desa_code: str
    kind: str
    text: str                       # sealed: the description and the place as the client gave it
    citizen: Optional[CitizenIn]
    account_id: Optional[str]
    jurisdiction_id: Optional[str]


def submission(form: dict[str, str], service_codes) -> Submission:
    """The checked request; 404 for a service code not in the catalogue, else 400 listing
    every problem of the form."""
    given = {name: value.strip() for name, value in form.items() if value.strip()}
    code = given.get("service_code")
    if code is not None and code not in service_codes:
        raise HTTPException(404, detail=f"service_code {code[:100]} tidak ada; lihat services")
    problems = _unknown_or_too_long(given)
    if code is None:
        problems.append(field_error("service_code", "wajib diisi"))
    attributes = {ATTRIBUTE.fullmatch(name)[1]: value for name, value in given.items()
                  if ATTRIBUTE.fullmatch(name)}
    desa_code = _desa(attributes.get("desa_code"), given.get("address_id"), problems)
    kind = attributes.get("kind", DEFAULT_KIND)
    if kind not in REPORT_KINDS:
        problems.append(field_error("attribute[kind]",
                                    f"harus salah satu dari {', '.join(REPORT_KINDS)}"))
    if len(given.get("description", "")) < MIN_DESCRIPTION:
        problems.append(field_error("description",
                                    f"wajib diisi, paling sedikit {MIN_DESCRIPTION} karakter"))
    where = _place(given, problems)
    citizen = _citizen(given, problems)
    if problems:
        raise HTTPException(400, detail=problems)
    return Submission(code, desa_code, kind, "\n".join([given["description"], *where]), citizen,
                      given.get("account_id"), given.get("jurisdiction_id"))


def _unknown_or_too_long(given: dict) -> list[dict]:
    problems = []
    for name, value in given.items():
        attribute = ATTRIBUTE.fullmatch(name)
        if attribute and attribute[1] not in ATTRIBUTE_CODES:
            problems.append(field_error(name[:120], "atribut tidak ada dalam definisi layanan"))
        elif not attribute and name not in FIELDS:
            problems.append(field_error(name[:120], "kolom tidak dikenal di GeoReport v2"))
        elif len(value) > (ATTRIBUTE_LENGTH if attribute else FIELDS[name]):
            problems.append(field_error(name, f"paling banyak "
                                        f"{ATTRIBUTE_LENGTH if attribute else FIELDS[name]} karakter"))
    return problems


def _desa(attribute: Optional[str], address_id: Optional[str], problems: list) -> Optional[str]:
    if attribute and address_id and attribute != address_id:
        problems.append(field_error("address_id", "berbeda dengan attribute[desa_code]"))
    desa_code = attribute or address_id
    if desa_code is None:
        problems.append(field_error("attribute[desa_code]", "wajib diisi: kode desa/kelurahan "
                                    "(koordinat belum dapat dicocokkan ke desa)"))
    elif not re.fullmatch(DESA_PATTERN, desa_code):
        problems.append(field_error("attribute[desa_code]", "bukan kode desa/kelurahan "
                                    "Kemendagri (mis. 33.25.01.2001)"))
    return desa_code


def _place(given: dict, problems: list) -> list[str]:
    """The lines of the sealed text that say where: address, coordinates, media link."""
    lines = [f"Alamat: {given['address_string']}"] if "address_string" in given else []
    lat, long = given.get("lat"), given.get("long")
    if (lat is None) != (long is None):
        problems.append(field_error("lat" if lat is None else "long", "lat dan long dikirim berdua"))
    elif lat is not None:
        try:
            if not (-90 <= float(lat) <= 90 and -180 <= float(long) <= 180):
                raise ValueError
            lines.append(f"Koordinat: {float(lat)}, {float(long)}")
        except ValueError:
            problems.append(field_error("lat", "lat dan long harus derajat WGS84 yang sah"))
    if "media_url" in given:
        try:
            lines.append(f"Media: {WEB_ADDRESS.validate_python(given['media_url'])}")
        except ValidationError:
            problems.append(field_error("media_url", "harus alamat web http:// atau https://"))
    return lines


def _citizen(given: dict, problems: list) -> Optional[CitizenIn]:
    name = " ".join(given[part] for part in ("first_name", "last_name") if part in given) or None
    if name is None and "phone" not in given:
        return None
    try:
        return CitizenIn(name=name, phone=given.get("phone"))
    except ValidationError as exc:   # the message only: a phone number sent is never echoed
        problems.extend(field_error(CITIZEN_FIELDS[e["loc"][-1]],
                                    e["msg"].removeprefix("Value error, ")) for e in exc.errors())
        return None
