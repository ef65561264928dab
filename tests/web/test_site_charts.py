"""Inline SVG charts: well-formed, scaled to their box, with their figures as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from scoreline.web.charts import bar_chart, line_chart, share_bar

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(
        str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def test_bar_chart_one_bar_per_item_tallest_fills_the_plot() -> None:
    svg = _parse(bar_chart("Points", [("W01", 10), ("W02", 5), ("W03", 0)]))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Points. W01: 10; W02: 5; W03: 0"
    assert svg.get("viewBox") == "0 0 640 200" and svg.get("width") == "100%"
    heights = [float(r.get("height")) for r in svg.iter(f"{SVG}rect")]
    assert heights == [160.0, 80.0, 0.0]
    assert svg.find(f"{SVG}title").text == "Points. W01: 10; W02: 5; W03: 0"


def test_line_chart_draws_a_polyline_through_every_point() -> None:
    svg = _parse(line_chart("Average", [("a", 1.5), ("b", 3.0)]))
    points = svg.find(f"{SVG}polyline").get("points").split()
    assert len(points) == 2 and len(list(svg.iter(f"{SVG}circle"))) == 2
    assert float(points[1].split(",")[1]) == 12.0  # the highest value touches the top


def test_labels_are_escaped_and_long_series_summarised() -> None:
    markup = bar_chart('<b>"x"</b>', [(f"<{i}>", i) for i in range(20)])
    assert "<b>" not in markup and "&lt;b&gt;" in markup
    assert "8 earlier values not listed" in _parse(markup).get("aria-label")


def test_empty_charts_say_so() -> None:
    assert _parse(bar_chart("Points", [])).get("aria-label") == "Points: no data yet"
    assert _parse(line_chart("Average", [])).find(f"{SVG}polyline") is None


def test_share_bar_widths_are_the_percentages() -> None:
    svg = _parse(share_bar("Tendencies", [("home", 50.0), ("draw", 25.0), ("away", 25.0)]))
    widths = [r.get("width") for r in svg.iter(f"{SVG}rect")]
    assert widths == ["100", "50.00", "25.00", "25.00"]
    assert svg.get("aria-label") == "Tendencies. home: 50; draw: 25; away: 25"
