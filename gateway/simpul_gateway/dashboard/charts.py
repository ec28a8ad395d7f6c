"""Charts as inline SVG, drawn from figures: horizontal bars (one or more per row), stacked
bars, and a donut for a share. Pure functions, numbers in and markup out; every value written
on a chart carries its figure's name, as in the tables."""
import math
from dataclasses import dataclass

from . import numbers
from .markup import esc, figure_attrs
from .tables import Figure

BAR_H, BAR_GAP, ROW_GAP = 14, 3, 10
CHAR_W = 8   # how wide a letter of a label may be, at 12 px (DejaVu Sans is wide)


@dataclass(frozen=True)
class Frame:
    """Where a chart draws: its labels (on the left, right-aligned), its bars, their values."""
    label_w: int = 200
    bar_w: int = 250
    value_w: int = 70

    @property
    def width(self) -> int:
        return self.label_w + self.bar_w + self.value_w


WIDE, NARROW = Frame(), Frame(140, 140, 56)   # names of OPD and places; the six areas


@dataclass(frozen=True)
class Bar:
    figure: Figure
    css: str      # colour: a class of markup.CSS
    series: str   # what the bar measures, for its tooltip


@dataclass(frozen=True)
class Row:
    label: str
    bars: tuple[Bar, ...]
    href: str | None = None


def scale(value, top, width: float = WIDE.bar_w) -> float:
    """A bar's length: in proportion to its value, `width` at `top`; nothing for None or 0."""
    if not value or not top or value < 0:
        return 0.0
    return round(width * min(value, top) / top, 1)


def _svg(height: float, title: str, parts: list[str], width: int, caption: bool = True) -> str:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:g}" '
           f'viewBox="0 0 {width} {height:g}" role="img" aria-label="{esc(title)}">'
           f'<title>{esc(title)}</title>{"".join(parts)}</svg>')
    return f'<figure><figcaption>{esc(title)}</figcaption>{svg}</figure>' if caption else svg


def _label(row: Row, middle: float, frame: Frame) -> str:
    room = (frame.label_w - 8) // CHAR_W
    shown = row.label if len(row.label) <= room else row.label[:room - 1] + "…"
    text = (f'<text x="{frame.label_w - 8}" y="{middle:g}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="12" fill="#1f2933"><title>{esc(row.label)}</title>{esc(shown)}</text>')
    return f'<a href="{esc(row.href)}">{text}</a>' if row.href else text


def _value(figure: Figure, x: float, middle: float, inside: bool = False) -> str:
    colour, anchor = ("#fff", "middle") if inside else ("#1f2933", "start")
    return (f'<text x="{x:g}" y="{middle:g}" text-anchor="{anchor}" dominant-baseline="middle" '
            f'font-size="12" fill="{colour}" {figure_attrs(figure)}>'
            f'{esc(numbers.shown(figure.value, figure.column))}</text>')


def _rect(css: str, x: float, y: float, width: float, tooltip: str = "") -> str:
    tip = f"<title>{esc(tooltip)}</title>" if tooltip else ""
    return (f'<rect class="{css}" x="{x:g}" y="{y:g}" width="{width:g}" height="{BAR_H}" '
            f'rx="2">{tip}</rect>')


def bars(rows: list[Row], title: str, top=None, frame: Frame = WIDE) -> str:
    """Each row's bars under each other, on one scale (`top`, else the largest value)."""
    top = top or max([b.figure.value or 0 for r in rows for b in r.bars] + [0]) or 1
    parts, y, x0 = [], 0.0, frame.label_w
    for row in rows:
        height = len(row.bars) * (BAR_H + BAR_GAP) - BAR_GAP
        parts.append(_label(row, y + height / 2, frame))
        for i, bar in enumerate(row.bars):
            top_y, length = y + i * (BAR_H + BAR_GAP), scale(bar.figure.value, top, frame.bar_w)
            shown = numbers.shown(bar.figure.value, bar.figure.column)
            parts += [_rect("track", x0, top_y, frame.bar_w),
                      _rect(bar.css, x0, top_y, length, f"{row.label} – {bar.series}: {shown}"),
                      _value(bar.figure, x0 + length + 6, top_y + BAR_H / 2)]
        y += height + ROW_GAP
    return _svg(max(y - ROW_GAP, 1), title, parts, frame.width)


def stacked(rows: list[tuple[Row, Figure | None]], title: str, frame: Frame = WIDE) -> str:
    """Each row's bars one after the other on one line, over a grey track as long as the row's
    total (when given); the total is written at the end, a segment's value inside it when it
    fits."""
    top = max([max((total.value or 0) if total else 0, sum(b.figure.value or 0 for b in row.bars))
               for row, total in rows] + [0]) or 1
    parts, y = [], 0.0
    for row, total in rows:
        parts.append(_label(row, y + BAR_H / 2, frame))
        end = frame.label_w + (scale(total.value, top, frame.bar_w) if total else 0)
        if total:
            parts.append(_rect("c-total", frame.label_w, y, end - frame.label_w,
                               f"{row.label}: {numbers.number(total.value)}"))
        x = frame.label_w
        for bar in row.bars:
            length = scale(bar.figure.value, top, frame.bar_w)
            shown = numbers.shown(bar.figure.value, bar.figure.column)
            parts.append(_rect(bar.css, x, y, length, f"{row.label} – {bar.series}: {shown}"))
            if length >= CHAR_W * len(shown) + 6:
                parts.append(_value(bar.figure, x + length / 2, y + BAR_H / 2, inside=True))
            x += length
        if total:
            parts.append(_value(total, max(x, end) + 6, y + BAR_H / 2))
        y += BAR_H + ROW_GAP
    return _svg(max(y - ROW_GAP, 1), title, parts, frame.width)


def donut(figure: Figure, css: str, label: str, size: int = 150) -> str:
    """A share (0–100) as a ring, the percentage in its middle and what it is beneath."""
    radius, centre = size * 0.34, size / 2
    around = 2 * math.pi * radius
    filled = around * min(max(figure.value or 0, 0), 100) / 100
    return _svg(size + 22, f"{label}: {numbers.percent(figure.value)}", [
        f'<circle class="ring" cx="{centre:g}" cy="{centre:g}" r="{radius:.1f}" fill="none" '
        f'stroke-width="16"/>',
        f'<circle class="{css}" cx="{centre:g}" cy="{centre:g}" r="{radius:.1f}" fill="none" '
        f'stroke-width="16" stroke-dasharray="{filled:.1f} {around:.1f}" '
        f'transform="rotate(-90 {centre:g} {centre:g})"/>',
        f'<text x="{centre:g}" y="{centre:g}" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="20" font-weight="600" fill="#1f2933" {figure_attrs(figure)}>'
        f'{esc(numbers.percent(figure.value))}</text>',
        f'<text x="{centre:g}" y="{size + 12}" text-anchor="middle" font-size="13" '
        f'fill="#3e4c59">{esc(label)}</text>'], width=size, caption=False)
