"""Charts as inline SVG, drawn on the server: no script, no CDN, nothing to download.

Every chart is an ``<svg role="img">`` whose ``aria-label`` states its figures, so a screen
reader gets the numbers the picture shows; pages add a table with the same figures. The
SVG scales to its container (``viewBox`` and ``width: 100%``), so it never widens a phone's
page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

__all__ = ["bar_chart", "calibration_chart", "line_chart", "rank_sparkline", "share_bar"]

WIDTH, HEIGHT = 640, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 10, 12, 28
BAR_FILL = "#2f5bd3"
MAX_BAR_WIDTH = 48.0
LINE_STROKE = "#1a7f4b"
AXIS = "#475467"
SHARE_FILLS = ("#2f5bd3", "#8a94a6", "#c0262d")
_LABELLED_POINTS = 12
"""At most this many figures are spelled out in the label (then a summary)."""


def _label(title: str, items: Sequence[tuple[str, float]]) -> str:
    shown = "; ".join(f"{name}: {value:g}" for name, value in items[-_LABELLED_POINTS:])
    earlier = len(items) - _LABELLED_POINTS
    prefix = f"{earlier} earlier values not listed; " if earlier > 0 else ""
    return f"{title}. {prefix}{shown}" if items else f"{title}: no data yet"


def _open(title: str, items: Sequence[tuple[str, float]], css: str) -> str:
    label = escape(_label(title, items))
    return (
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
    )


def _axes(top: float, *, decimals: int) -> str:
    """The y axis from 0 to ``top`` with three gridlines, and the x axis."""
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    parts = []
    for i in range(4):
        value = top * i / 3
        y = HEIGHT - PAD_BOTTOM - plot_h * i / 3
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e4e7ec"/><text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="{AXIS}">{value:.{decimals}f}</text>'
        )
    return "".join(parts)


def _x_labels(names: Sequence[str], xs: Sequence[float]) -> str:
    """The first, middle and last category names under the x axis."""
    if not names:
        return ""
    picks = sorted({0, len(names) // 2, len(names) - 1})
    y = HEIGHT - 8
    return "".join(
        f'<text x="{xs[i]:.1f}" y="{y}" font-size="11" text-anchor="middle" '
        f'fill="{AXIS}">{escape(names[i])}</text>'
        for i in picks
    )


def _scale(items: Sequence[tuple[str, float]]) -> tuple[float, float]:
    top = max((value for _, value in items), default=0.0) or 1.0
    step = (WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(items), 1)
    return top, step


def bar_chart(title: str, items: Sequence[tuple[str, float]], *, decimals: int = 0) -> Markup:
    """Vertical bars, one per item (e.g. points per matchday).

    Args:
        title: What the chart shows (also the start of its accessible label).
        items: ``(category, value)`` pairs in display order; values at least 0.
        decimals: Decimals of the y-axis labels.
    """
    top, step = _scale(items)
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    bars, centres = [], []
    for i, (_, value) in enumerate(items):
        h = plot_h * max(value, 0.0) / top
        width = min(step * 0.7, MAX_BAR_WIDTH)
        centre = PAD_LEFT + step * (i + 0.5)
        centres.append(centre)
        bars.append(
            f'<rect x="{centre - width / 2:.1f}" y="{HEIGHT - PAD_BOTTOM - h:.1f}" '
            f'width="{width:.1f}" height="{h:.1f}" fill="{BAR_FILL}"/>'
        )
    body = _axes(top, decimals=decimals) + "".join(bars)
    body += _x_labels([name for name, _ in items], centres)
    return Markup(_open(title, items, "bars") + body + "</svg>")


def line_chart(title: str, items: Sequence[tuple[str, float]], *, decimals: int = 1) -> Markup:
    """A line through the items' values (e.g. the cumulative average), with dots.

    Args:
        title: What the chart shows (also the start of its accessible label).
        items: ``(category, value)`` pairs in display order; values at least 0.
        decimals: Decimals of the y-axis labels.
    """
    top, step = _scale(items)
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    points = [
        (PAD_LEFT + step * (i + 0.5), HEIGHT - PAD_BOTTOM - plot_h * max(value, 0.0) / top)
        for i, (_, value) in enumerate(items)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    body = _axes(top, decimals=decimals)
    if points:
        body += f'<polyline points="{path}" fill="none" stroke="{LINE_STROKE}" stroke-width="2"/>'
        body += "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE_STROKE}"/>' for x, y in points
        )
    body += _x_labels([name for name, _ in items], [x for x, _ in points])
    return Markup(_open(title, items, "line") + body + "</svg>")


def share_bar(title: str, parts: Sequence[tuple[str, float]]) -> Markup:
    """One horizontal bar split into shares (e.g. home win / draw / away win, in percent).

    Args:
        title: What the bar shows (also the start of its accessible label).
        parts: ``(name, percent)`` pairs; up to three, coloured in order.
    """
    label = escape(_label(title, [(name, round(pct, 1)) for name, pct in parts]))
    x, rects = 0.0, []
    for (_, pct), fill in zip(parts, SHARE_FILLS, strict=False):
        if pct > 0:
            rects.append(f'<rect x="{x:.2f}" y="0" width="{pct:.2f}" height="10" fill="{fill}"/>')
        x += pct
    return Markup(
        f'<svg class="share" viewBox="0 0 100 10" width="100%" height="12" '
        f'preserveAspectRatio="none" role="img" aria-label="{label}"><title>{label}</title>'
        f'<rect width="100" height="10" fill="#eef0f3"/>{"".join(rects)}</svg>'
    )


SPARK_W, SPARK_H, SPARK_PAD = 96, 24, 3


def rank_sparkline(title: str, days: Sequence[str], ranks: Sequence[int | None]) -> Markup:
    """A model's rank after each of the last matchdays, first place at the top.

    Args:
        title: Whose ranks (the start of the accessible label).
        days: The matchdays, oldest first.
        ranks: The rank after each day (``None``: not yet ranked then).
    """
    known = [(i, r) for i, r in enumerate(ranks) if r is not None]
    spelled = "; ".join(f"{days[i]}: {'–' if r is None else r}" for i, r in enumerate(ranks))
    label = escape(f"{title}, rank after each of the last matchdays. {spelled}")
    worst = max((r for _, r in known), default=1)
    step = (SPARK_W - 2 * SPARK_PAD) / max(len(ranks) - 1, 1)

    def y(rank: int) -> float:
        return SPARK_PAD + (SPARK_H - 2 * SPARK_PAD) * (rank - 1) / max(worst - 1, 1)

    points = " ".join(f"{SPARK_PAD + step * i:.1f},{y(r):.1f}" for i, r in known)
    body = ""
    if known:
        body = f'<polyline points="{points}" fill="none" stroke="{BAR_FILL}" stroke-width="1.5"/>'
        last_i, last_r = known[-1]
        body += f'<circle cx="{SPARK_PAD + step * last_i:.1f}" cy="{y(last_r):.1f}" r="2" '
        body += f'fill="{BAR_FILL}"/>'
    return Markup(
        f'<svg class="spark" viewBox="0 0 {SPARK_W} {SPARK_H}" width="{SPARK_W}" '
        f'height="{SPARK_H}" role="img" aria-label="{label}"><title>{label}</title>{body}</svg>'
    )


CAL_SIZE, CAL_PAD = 240, 30
CAL_COLOURS = {"home": "#2f5bd3", "draw": "#8a94a6", "away": "#c0262d"}


def calibration_chart(title: str, outcomes: Sequence[dict[str, Any]]) -> Markup:
    """A reliability diagram: forecast probability (x) against observed frequency (y).

    Args:
        title: Whose forecasts (the start of the accessible label).
        outcomes: ``model_calibration``'s ``outcomes``: per outcome, its bins with
            ``mean_forecast``, ``observed`` and ``count`` (empty bins are skipped).
    """
    plot = CAL_SIZE - 2 * CAL_PAD

    def xy(p: float, q: float) -> tuple[float, float]:
        return CAL_PAD + plot * p, CAL_SIZE - CAL_PAD - plot * q

    mid = CAL_SIZE / 2
    body = [
        f'<line x1="{CAL_PAD}" y1="{CAL_SIZE - CAL_PAD}" x2="{CAL_SIZE - CAL_PAD}" '
        f'y2="{CAL_PAD}" stroke="#e4e7ec"/>',
        f'<text x="{mid}" y="{CAL_SIZE - 6}" font-size="10" text-anchor="middle" '
        f'fill="{AXIS}">forecast probability</text>',
        f'<text x="10" y="{mid}" font-size="10" text-anchor="middle" fill="{AXIS}" '
        f'transform="rotate(-90 10 {mid})">observed frequency</text>',
    ]
    spoken = []
    for outcome in outcomes:
        name, colour = str(outcome["outcome"]), CAL_COLOURS.get(str(outcome["outcome"]), AXIS)
        bins = [b for b in outcome["bins"] if b["count"]]
        dots = [xy(b["mean_forecast"], b["observed"]) for b in bins]
        if dots:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in dots)
            body.append(f'<polyline points="{line}" stroke="{colour}" fill="none"/>')
            body += [
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in dots
            ]
        pairs = ", ".join(f"{b['mean_forecast']:.2f} → {b['observed']:.2f}" for b in bins)
        spoken.append(f"{name}: {pairs or 'no forecasts'}")
    label = escape(f"{title}, forecast against observed. " + "; ".join(spoken))
    return Markup(
        f'<svg class="chart calibration" viewBox="0 0 {CAL_SIZE} {CAL_SIZE}" width="100%" '
        f'role="img" aria-label="{label}"><title>{label}</title>{"".join(body)}</svg>'
    )
