"""How the registry refuses a change: every problem names its field and says why, in Bahasa
Indonesia, and nothing is written. `Rejected` carries them out of the domain."""
import datetime as dt
import re


class Rejected(Exception):
    """422: fields are invalid; 404: the thing does not exist; 409: it conflicts with other data."""

    def __init__(self, status: int, errors: list[dict]):
        super().__init__(f"{status}: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.status = status
        self.errors = errors

    def result(self) -> dict:
        return {"status": self.status, "errors": self.errors}


def not_found(field: str, message: str) -> Rejected:
    return Rejected(404, [{"field": field, "message": message}])


def conflict(field: str, message: str) -> Rejected:
    return Rejected(409, [{"field": field, "message": message}])


class Problems:
    """Collects every problem of one input, so a client learns all of them at once."""

    def __init__(self):
        self.errors: list[dict] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def ok(self, field: str) -> bool:
        return not any(e["field"] == field for e in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Rejected(422, self.errors)

    def text(self, data: dict, field: str, low: int, high: int, pattern: str | None = None,
             required: bool = True):
        value = data.get(field)
        if value is None:
            if required:
                self.add(field, "wajib diisi")
            return None
        if not isinstance(value, str) or not low <= len(value.strip()) <= high:
            self.add(field, f"harus teks {low}–{high} karakter")
            return None
        value = value.strip()
        if pattern and not re.fullmatch(pattern, value):
            self.add(field, "bentuknya tidak sesuai")
            return None
        return value

    def boolean(self, data: dict, field: str, default: bool):
        value = data.get(field, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(field, "harus ya/tidak (true/false)")
        return value

    def number(self, data: dict, field: str, low: int, high: int):
        value = data.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(field, f"harus bilangan bulat {low}–{high}")
            return None
        return value

    def date(self, data: dict, field: str, required: bool = False):
        value = data.get(field)
        if value is None:
            if required:
                self.add(field, "wajib diisi")
            return None
        try:
            return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else _bad()
        except ValueError:
            self.add(field, "harus tanggal YYYY-MM-DD")
            return None


def _bad():
    raise ValueError


def only(changes: dict, allowed: set[str]) -> Problems:
    """A Problems that already holds every field a change may not touch."""
    problems = Problems()
    if not isinstance(changes, dict) or not changes:
        problems.add("body", "tidak ada perubahan")
        return problems
    for field in sorted(set(changes) - allowed):
        problems.add(field, "tidak dapat diubah atau tidak dikenal")
    return problems
