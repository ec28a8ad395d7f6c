"""Reporting's tables as a page reads them: rows as records, and every figure named
`<table>.<row key>.<column>` (the page's `data-figure` attribute), so a test can put each
number on the page next to the same number of the API."""
from dataclasses import dataclass

KEYS = {"accountability": ("opd_code", "service_type"), "opd": ("opd_code",),
        "posyandu": ("posyandu_id",), "areas": ("spm_area",), "kecamatan": ("kecamatan_code",),
        "overdue": ("report_id",), "coverage": ("kabupaten_code",)}
NOT_FIGURES = {"deadline", "opd_code", "service_type", "desa_code", "report_id", "posyandu_id",
               "spm_area", "kecamatan_code", "kabupaten_code"}


@dataclass(frozen=True)
class Figure:
    """One number of a table, where it comes from, and the column that says what it measures."""
    name: str
    column: str
    value: object

    @property
    def raw(self) -> str:
        """The value as `data-value` carries it: as the API's JSON would give it, "" for null."""
        return "" if self.value is None else str(self.value)


def records(table: dict) -> list[dict]:
    return [dict(zip(table["columns"], row)) for row in table["rows"]]


def key_columns(table: dict) -> tuple[str, ...]:
    """What tells a row from the others: its code (`counts`: the `by` value and period)."""
    return KEYS.get(table["table"]) or tuple(c for c in table["columns"] if c != "reports")


def row_key(table: dict, record: dict) -> str:
    return ":".join(str(record[column]) for column in key_columns(table))


def figure(table: dict, record: dict, column: str) -> Figure:
    return Figure(f"{table['table']}.{row_key(table, record)}.{column}", column, record[column])


def figures(table: dict, record: dict) -> dict[str, Figure]:
    """Every number of a row, by column."""
    return {column: figure(table, record, column) for column in table["columns"]
            if column not in NOT_FIGURES and column not in key_columns(table)}


def column(table: dict, name: str) -> list:
    index = table["columns"].index(name)
    return [row[index] for row in table["rows"]]
