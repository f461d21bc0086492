"""Server-rendered SVG charts: geometry computed here, markup in templates/public/_charts.html.

No JavaScript is needed to read them; each has a title, a description and a data table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 44, 28, 12
MAX_BAR = 48  # a few weeks should not look like a wall


@dataclass(frozen=True)
class Bar:
    """One bar: position, size, the value it shows and its label."""

    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class BarChart:
    """Bars with a y axis of a few round ticks."""

    bars: list[Bar]
    ticks: list[tuple[float, int]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM


def _nice_top(peak: int) -> int:
    """The smallest of 1, 2, 5 × 10^k that is at least ``peak``."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= peak:
                return step * scale
        scale *= 10


def weekly_chart(weeks: list[tuple[date, int]]) -> BarChart:
    """Deliveries per week as vertical bars, labelled with the week's Monday."""
    top = _nice_top(max((count for _, count in weeks), default=1) or 1)
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(weeks), 1)
    bars = []
    for index, (monday, count) in enumerate(weeks):
        height = plot_height * count / top
        width = min(slot * 0.7, MAX_BAR)
        bars.append(Bar(LEFT + index * slot + (slot - width) / 2, HEIGHT - BOTTOM - height,
                        width, height, count, monday.isoformat()))
    ticks = [(HEIGHT - BOTTOM - plot_height * share, round(top * share))
             for share in (0, 0.5, 1)]
    return BarChart(bars, ticks)


def label_every(count: int, room: int = 8) -> int:
    """Show every n-th bar label so that at most ``room`` labels share the axis."""
    return max(1, -(-count // room))


@dataclass(frozen=True)
class Segment:
    """A part of a stacked bar: where it starts and how wide it is, in percent."""

    kind: str
    start: float
    width: float
    value: int


def coverage_rows(coverages: list[object]) -> list[tuple[object, list[Segment]]]:
    """Each priority's needs split into covered, partly covered and not yet covered."""
    rows = []
    for coverage in coverages:
        total = getattr(coverage, "needs", 0) or 1
        start, segments = 0.0, []
        for kind in ("covered", "partly", "uncovered"):
            value = int(getattr(coverage, kind))
            width = 100 * value / total
            segments.append(Segment(kind, start, width, value))
            start += width
        rows.append((coverage, segments))
    return rows
