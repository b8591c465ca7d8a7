"""Bar charts laid out on the server, drawn as SVG by templates/charts.html (no script, no CDN)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 36, 28, 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str  # the text alternative: what the chart shows, in words
    value_label: str
    bars: list[Bar]
    ticks: list[tuple[float, float]]  # (value, y) for the grid lines
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def bar_chart(
    title: str, description: str, value_label: str, data: list[tuple[str, float]]
) -> BarChart:
    top = max([v for _, v in data] + [1])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(1, len(data))
    bars = []
    for index, (label, value) in enumerate(data):
        height = plot_height * value / top
        bars.append(
            Bar(
                label=label,
                value=value,
                x=LEFT + index * slot + slot * 0.1,
                y=HEIGHT - BOTTOM - height,
                width=slot * 0.8,
                height=height,
            )
        )
    step = max(1, round(top / 4))
    ticks = [(v, HEIGHT - BOTTOM - plot_height * v / top) for v in range(0, int(top) + 1, step)]
    return BarChart(title, description, value_label, bars, ticks)


def score_histogram(bins: list[int]) -> BarChart:
    size = 100 // len(bins)
    labels = [f"{i * size}–{i * size + size - 1}%" for i in range(len(bins))]
    labels[-1] = f"{(len(bins) - 1) * size}–100%"
    total = sum(bins)
    busiest = max(range(len(bins)), key=bins.__getitem__) if total else None
    description = f"Histogram of {total} students' scores in bands of {size} points. " + (
        f"The most common band is {labels[busiest]}." if busiest is not None else "No scores."
    )
    return bar_chart(
        "Score distribution", description, "Students", list(zip(labels, bins, strict=True))
    )
