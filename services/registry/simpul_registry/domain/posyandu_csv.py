"""Bulk import of Posyandu from a CSV file, as a Dinas PMD or the TPH keeps them in a
spreadsheet. Each row is checked on its own; the report says, per row, what happened and why."""
import csv
import io

from . import posyandu
from .checks import Problems, Rejected

COLUMNS = ("registration_number", "name", "desa_code", "ilp", "six_spm", "active", "kader")
REQUIRED = COLUMNS[:3]
MAX_ROWS = 20_000
_TRUE = {"ya", "y", "true", "1", "yes", "benar"}
_FALSE = {"tidak", "t", "false", "0", "no", "n", "salah"}


def _file_error(message: str) -> Rejected:
    return Rejected(422, [{"field": "file", "message": message}])


def parse(text: str) -> list[tuple[int, dict]]:
    """(line number, row) of every data row; a bad header rejects the whole file. Comma or
    semicolon separated (spreadsheets in Indonesian locale write semicolons); kader names are
    separated by the other of the two."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise _file_error("berkas kosong: baris pertama harus judul kolom")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise _file_error(f"judul kolom harus dari {', '.join(COLUMNS)}; wajib "
                          f"{', '.join(REQUIRED)}" + (f"; tidak dikenal: {', '.join(unknown)}" if unknown else "")
                          + (f"; tidak ada: {', '.join(missing)}" if missing else ""))
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        rows.append((reader.line_num, _row(header, cells, "," if delimiter == ";" else ";")))
    if not rows:
        raise _file_error("berkas tidak berisi baris data")
    if len(rows) > MAX_ROWS:
        raise _file_error(f"paling banyak {MAX_ROWS} baris per berkas")
    return rows


def _row(header: list[str], cells: list[str], kader_separator: str) -> dict:
    row = {}
    for column, cell in zip(header, cells):
        cell = cell.strip()
        if column in ("ilp", "six_spm", "active"):
            row[column] = None if cell == "" else _boolean(cell)
        elif column == "kader":
            row[column] = [name.strip() for name in cell.split(kader_separator) if name.strip()] or None
        else:
            row[column] = cell or None
    if len(cells) > len(header):
        row["extra"] = cells[len(header):]
    return row


def _boolean(cell: str):
    lowered = cell.lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else cell


def plan(rows, desa_of, existing: dict, taken_ids: set) -> tuple[list[dict], list[dict]]:
    """The per-row report and the documents to write. `existing` maps a registration number to
    the stored Posyandu; `taken_ids` are the ids already used in the desa concerned."""
    report, documents, seen = [], [], {}
    for line, data in rows:
        entry = {"row": line, "registration_number": data.get("registration_number"),
                 "status": "rejected", "id": None, "errors": []}
        report.append(entry)
        if "extra" in data:
            entry["errors"] = [{"field": "file", "message": "baris ini punya lebih banyak sel dari judul kolom"}]
            continue
        stored = existing.get(data.get("registration_number"))
        given = {k: v for k, v in data.items() if v is not None}
        if stored:  # a column left out or blank keeps what the registry has
            given = {**{k: stored[k] for k in posyandu.FIELDS}, **given}
        try:
            checked = posyandu.checked(given, desa_of, Problems())
        except Rejected as rejected:
            entry["errors"] = rejected.errors
            continue
        number = checked["registration_number"]
        if number in seen:
            entry["errors"] = [{"field": "registration_number",
                                "message": f"nomor registrasi sama dengan baris {seen[number]}"}]
            continue
        seen[number] = line
        if stored:
            entry.update(status="updated", id=stored["id"])
        else:
            entry.update(status="created", id=posyandu.new_id(checked["desa_code"], taken_ids))
            taken_ids.add(entry["id"])
        documents.append({"_id": entry["id"], **checked})
    return report, documents
