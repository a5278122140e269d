"""Every chart says where it came from, inside the figure, and can be saved as PNG or SVG."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from components import charts, routes, theme
from components.i18n import labels

DEMO_RECORDS = labels.RECORD_LAYERS["demo"]  # the records page opens on the real records

PAGES = [
    (routes.ATLAS.file, {"province": "52"}),
    (routes.METRICS.file, {"province": "33"}),
    (routes.RECORDS.file, {"province": "52", "county": "520123", "records_layer": DEMO_RECORDS}),
    (routes.COUNTY.file, {"county": "520123"}),
    (routes.EVALUATORS.file, {"compare": "demo-audit-2021"}),
]


def _charts(at: AppTest) -> list[tuple[dict, dict]]:
    return [
        (json.loads(c.proto.spec), json.loads(c.proto.config or "{}"))
        for c in at.get("plotly_chart")
    ]


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[p for p, _ in PAGES])
def test_every_chart_carries_title_source_and_mark(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str]
) -> None:
    at = run_app(page, **params)
    assert not at.exception
    found = _charts(at)
    assert found
    for spec, config in found:
        title = spec["layout"]["title"]
        assert title["text"]
        subtitle = title["subtitle"]["text"]
        # One short line: it never wraps into the plot, on a phone or in presentation.
        assert "<br>" not in subtitle and charts._cells(subtitle) <= charts.MAX_LINE
        assert "SYNTHETIC" in subtitle  # every one of these views shows demo data
        assert "sha256" not in subtitle  # the full citation is in "Share and cite"
        assert not [
            a for a in spec["layout"].get("annotations", []) if a.get("name") == theme.MARK_NAME
        ]  # no second mark crowding the figure
        assert "toImage" not in config.get("modeBarButtonsToRemove", [])
        assert config["toImageButtonOptions"]["format"] == "png"


def test_a_real_edition_chart_is_not_marked_synthetic(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.METRICS.file, edition="zhongding-2021")
    assert not at.exception
    for spec, _ in _charts(at):
        subtitle = spec["layout"]["title"]["subtitle"]["text"]
        assert theme.SYNTHETIC_MARK not in subtitle.replace("<br>", " ")
        assert "Zhongding" in subtitle or "中鼎" in subtitle  # the real evaluator is cited


def test_records_charts_never_cite_the_edition(run_app: Callable[..., AppTest]) -> None:
    """Synthetic records must not be attributed to the evaluator of the sidebar's edition."""
    at = run_app(routes.RECORDS.file, edition="zhongding-2021", province="52")
    assert not at.exception
    subtitles = [s["layout"]["title"]["subtitle"]["text"] for s, _ in _charts(at)]
    assert subtitles
    assert not any("Zhongding" in s for s in subtitles)


def test_svg_format_choice_reaches_every_chart(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.ATLAS.file, province="52")
    at.sidebar.button_group(key=charts.FORMAT_KEY).set_value("svg").run()
    assert {c["toImageButtonOptions"]["format"] for _, c in _charts(at)} == {"svg"}


def test_a_cached_figure_is_framed_once_and_never_changed() -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=[1], y=[2]))
    first = charts._framed(fig, "t", True, "s", False, 80)
    assert charts._framed(fig, "t", True, "s", False, 80) is first
    assert charts._framed(fig, "t", True, "other source", False, 80) is not first
    assert charts._framed(go.Figure(fig), "t", True, "s", False, 80) is not first
    assert not fig.layout.title.text  # the cached original is untouched


def test_real_records_charts_carry_no_synthetic_mark(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.RECORDS.file)
    assert not at.exception
    found = _charts(at)
    assert len(found) >= 3  # month, type, map
    for spec, _ in found:
        marks = spec["layout"]["title"]["subtitle"]["text"] + " ".join(
            a.get("text", "") for a in spec["layout"].get("annotations", [])
        )
        assert "SYNTHETIC" not in marks


def test_records_charts_say_records_not_assessments(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.RECORDS.file, province="52", records_layer=DEMO_RECORDS)
    assert not at.exception
    texts = [
        spec["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")
        + " ".join(a.get("text", "") for a in spec["layout"].get("annotations", []))
        for spec, _ in _charts(at)
    ]
    records = [t for t in texts if "SYNTHETIC DEMO RECORDS" in t]
    assert len(records) >= 5  # month, type, map, polarity, lifecycle
    assert not any("not a real assessment" in t for t in records)


SUMMARISED = {"bar", "scatter", "scattergl", "box", "violin", "histogram", "choropleth"}


@pytest.mark.parametrize(
    ("page", "params"),
    [
        (routes.ATLAS.file, {"province": "52"}),
        (routes.METRICS.file, {"province": "52"}),
        (routes.RECORDS.file, {"province": "52", "records_layer": DEMO_RECORDS}),
        (routes.RECORDS.file, {}),
        (routes.COUNTY.file, {"county": "520123", "province": "52"}),
        (routes.EVALUATORS.file, {"compare": "demo-tp-2020"}),
    ],
)
def test_every_plain_chart_has_a_sentence_under_it(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str]
) -> None:
    """Bars, points, spreads and maps get a text alternative; the atlas map has its own."""
    at = run_app(page, **params)
    kinds = [{t["type"] for t in spec["data"]} for spec, _ in _charts(at)]
    plain = sum(1 for k in kinds if k and k <= SUMMARISED)
    summaries = [c.value for c in at.caption if c.value.startswith("Chart summary: ")]
    own = 1 if page == routes.ATLAS.file else 0  # the atlas map's own summary, not this one
    assert plain - own >= 1
    assert len(summaries) == plain - own, summaries
    assert all(re.search(r"\d", s) for s in summaries)  # each says something from the data
    assert not [s for s in summaries if re.search(r": *\.$|：。$|from 0 to 0", s)]
