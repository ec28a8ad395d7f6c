"""The HTML of the dashboard: the page around the sections, tables, links and every figure
written with where it comes from (`data-figure`, `data-value`). Pure functions; anything that
came from outside (names, codes) is escaped here."""
from html import escape

from . import numbers
from .tables import Figure

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
 color:#1f2933;background:#f3f5f7}
header{background:#0b5d4b;color:#fff;padding:18px 32px}
header a{color:#cfe9e1}
header h1{margin:4px 0;font-size:26px}
.crumbs{font-size:13px}.crumbs a{text-decoration:none}
.asof{margin:6px 0 0;font-size:14px;color:#e3f2ee}
main{max-width:1220px;margin:0 auto;padding:20px 24px 40px}
section{background:#fff;border:1px solid #dde3e8;border-radius:10px;padding:16px 20px;margin:0 0 18px}
h2{margin:0 0 4px;font-size:19px;color:#0b5d4b}
.note{margin:0 0 12px;color:#52606d;font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:14px 28px;align-items:flex-start}
figure{margin:6px 0}figcaption{font-size:13px;font-weight:600;color:#3e4c59;margin:0 0 6px}
.scroll{overflow-x:auto}.grow{flex:1 1 420px;min-width:0}.grow table{margin-top:0}
table{border-collapse:collapse;width:100%;margin-top:10px;font-size:13.5px}
th,td{padding:5px 7px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
th{background:#f5f7fa;font-weight:600;color:#3e4c59;font-size:12.5px}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.n{white-space:normal;min-width:4.5em}
a{color:#0b6e99}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;margin:4px 0}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.empty{color:#7b8794;font-style:italic}
svg text{font-family:inherit}
.c-resolved{fill:#2e8b57}.c-open{fill:#f0a202}.c-late{fill:#c0392b}.c-total{fill:#d9e2ec}
.c-ack{fill:#3b82c4}.c-sla{fill:#2e8b57}.c-b0{fill:#9bd3ae}.c-b1{fill:#f5d06f}.c-b2{fill:#f0a202}
.c-b3{fill:#c0392b}.c-ilp{stroke:#3b82c4}.c-six{stroke:#2e8b57}.track{fill:#eef2f5}
.ring{stroke:#eef2f5}
.stats{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.stat{flex:1 1 150px;background:#f5f7fa;border-radius:8px;padding:10px 14px}
.stat b{display:block;font-size:26px}.stat>span{font-size:13px;color:#52606d}
td.t{min-width:8.5em}
"""
COLORS = {"c-resolved": "#2e8b57", "c-open": "#f0a202", "c-late": "#c0392b", "c-total": "#d9e2ec",
          "c-ack": "#3b82c4", "c-sla": "#2e8b57", "c-b0": "#9bd3ae", "c-b1": "#f5d06f",
          "c-b2": "#f0a202", "c-b3": "#c0392b"}


def esc(text) -> str:
    return escape("" if text is None else str(text), quote=True)


def figure_attrs(figure: Figure) -> str:
    return f'data-figure="{esc(figure.name)}" data-value="{esc(figure.raw)}"'


def fig(figure: Figure, timezone: str = "Asia/Jakarta") -> str:
    """A number on the page, saying which figure it is."""
    return (f'<span class="fig" {figure_attrs(figure)}>'
            f'{esc(numbers.shown(figure.value, figure.column, timezone))}</span>')


def link(href: str, text) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def grid(headers: list[tuple[str, bool]], rows: list[list[str]], empty: str) -> str:
    """A table of cells already written as HTML; `headers` are (label, numeric)."""
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'
    head = "".join(f'<th class={"n" if numeric else "t"}>{esc(label)}</th>' for label, numeric in headers)
    body = "".join("<tr>" + "".join(f'<td class={"n" if numeric else "t"}>{cell}</td>'
                                    for cell, (_, numeric) in zip(row, headers)) + "</tr>"
                   for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def legend(items: list[tuple[str, str]]) -> str:
    """(css class, label) pairs, coloured as the charts colour them."""
    return '<div class="legend">' + "".join(
        f'<span><i style="background:{COLORS[css]}"></i>{esc(label)}</span>'
        for css, label in items) + "</div>"


def stats(items: list[tuple[str, Figure]]) -> str:
    """Headline figures in boxes, each over what it counts."""
    return '<div class="stats">' + "".join(
        f'<div class="stat"><b>{fig(figure)}</b><span>{esc(label)}</span></div>'
        for label, figure in items) + "</div>"


def section(anchor: str, title: str, note: str, *content: str) -> str:
    note_html = f'<p class="note">{esc(note)}</p>' if note else ""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{note_html}{"".join(content)}</section>'


def page(title: str, crumbs: list[tuple[str, str]], as_of: str, timezone: str, body: str) -> str:
    """A whole page: the trail of regions above it, its title, when its figures were taken."""
    trail = " › ".join(link(href, label) for href, label in crumbs)
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · Simpul</title><style>{CSS}</style></head>
<body><header><div class="crumbs">{trail}</div><h1>{esc(title)}</h1>
<p class="asof">Angka per <time datetime="{esc(as_of)}" data-as-of="{esc(as_of)}">{esc(
        numbers.moment(as_of, timezone))}</time>, dihitung dari laporan yang tercatat.</p></header>
<main>{body}</main></body></html>"""


def error_page(status: int, message: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{status} · Simpul</title><style>{CSS}</style></head>
<body><header><h1>Halaman tidak dapat ditampilkan</h1></header>
<main><section><p>{esc(message)}</p><p>{link("/dashboard", "Kembali ke dasbor")}</p></section></main>
</body></html>"""
