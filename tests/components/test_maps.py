from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from components import maps, theme
from loaders import derive


def _view() -> pl.DataFrame:
    view = pl.DataFrame(
        {
            "adcode": ["520123", "520323", "440103", "460301", "540102"],
            "name_zh": ["修文县", "<img src=x onerror=alert(1)>", "荔湾区", "西沙区", "城关区"],
            "name_pinyin": ["Xiuwen Xian", "Suiyang Xian", "Liwan Qu", "Xisha Qu", "Chengguan Qu"],
            "prefecture_name_zh": ["贵阳市", "遵义市", "广州市", "三沙市", "拉萨市"],
            "province_adcode": ["520000", "520000", "440000", "460000", "540000"],
            "prefecture_adcode": ["520100", "520300", "440100", "460300", "540100"],
            "province_name_zh": ["贵州省", "贵州省", "广东省", "海南省", "西藏自治区"],
            "status": ["assessed"] * 4 + ["excluded"],
            "reason": [None] * 4 + ["province outside this edition (Tibet …)"],
            "score": [80.0, 60.0, 70.0, 50.0, None],
            "total": [80.0, 60.0, 70.0, 50.0, None],
            "grade": ["A", "C", "B", "C", None],
        }
    )
    return derive.add_ranks(view)


def _figure(**kwargs: object):
    args = {
        "metric_label": "Total score",
        "counties_url": "app/static/geo/counties_national.json",
        "outlines_url": "app/static/geo/provinces.json",
    } | kwargs
    return maps.choropleth(_view(), **args)


def test_geometry_is_passed_by_url_not_inlined() -> None:
    fig = _figure()
    for trace in fig.data:
        assert isinstance(trace.geojson, str) and trace.geojson.startswith("app/static/geo/")
    assert len(fig.to_json()) < 20_000  # an inlined national layer would be megabytes


def test_assessed_and_missing_counties_are_split() -> None:
    assessed, missing, outlines = fig_main = _figure().data[:3]
    assert list(assessed.locations) == ["520123", "520323", "440103", "460301"]
    assert list(assessed.z) == [80.0, 60.0, 70.0, 50.0]
    assert list(missing.locations) == ["540102"]
    assert missing.customdata[0][4].startswith("province outside this edition")
    assert set(outlines.locations) == {"520000", "440000", "460000", "540000"}
    assert outlines.hoverinfo == "skip"
    assert fig_main[0].featureidkey == "properties.adcode"


def test_hover_carries_names_ranks_and_escapes_markup() -> None:
    assessed = _figure().data[0]
    xiuwen = assessed.customdata[0]
    assert tuple(xiuwen[:4]) == ("修文县", "Xiuwen Xian", "贵阳市", "贵州省")
    assert tuple(xiuwen[4:10]) == (80.0, 1, 4, 1, 2, "A")
    assert assessed.customdata[1][0] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "National rank %{customdata[5]} of %{customdata[6]}" in assessed.hovertemplate


def test_national_view_has_a_south_china_sea_inset() -> None:
    fig = _figure()
    inset = [t for t in fig.data if t.geo == "geo2"]
    assert {loc for t in inset for loc in t.locations} >= {"460301", "440103"}
    assert "520123" not in {loc for t in inset for loc in t.locations}
    assert fig.layout.geo.lonaxis.range == maps.CHINA_LON
    assert fig.layout.geo2.lataxis.range[0] < 10


def test_province_view_zooms_without_inset() -> None:
    fig = _figure(province="520000", counties_url="app/static/geo/counties_52.json")
    assert len(fig.data) == 3
    assert fig.layout.geo.fitbounds == "locations"
    assert list(fig.data[2].locations) == ["520000"]


def test_grade_classes_use_the_edition_bands() -> None:
    scale = pl.DataFrame({"grade": ["A", "B", "C"], "min_score": [75.0, 65.0, 0.0]})
    fig = _figure(classes="grade", grade_scale=scale)
    assert list(fig.data[0].z) == [2, 0, 1, 0]
    assert list(fig.layout.coloraxis.colorbar.ticktext) == ["C", "B", "A"]
    assert "illustrative" in fig.layout.coloraxis.colorbar.title.text


def test_quantile_classes_split_into_quintiles() -> None:
    scores = pl.Series([float(v) for v in range(10)])
    classing = maps.classify(scores, classes="quantile", label="Total")
    assert classing.z.to_list() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert classing.ticktext == ["0.0–1.8", "1.8–3.6", "3.6–5.4", "5.4–7.2", "7.2–9.0"]
    few = maps.classify(pl.Series([5.0, 5.0]), classes="quantile", label="Total")
    assert few.tickvals is None  # one distinct value: nothing to class, continuous


def test_tied_scores_never_leave_a_quantile_class_empty() -> None:
    scores = pl.Series([60.0] * 6 + [70.0, 75.0, 80.0, 90.0])
    classing = maps.classify(scores, classes="quantile", label="Total")
    assert set(classing.z.to_list()) == set(range(len(classing.ticktext)))
    assert classing.z.to_list()[:6] == [0] * 6


def test_equal_intervals() -> None:
    classing = maps.classify(pl.Series([0.0, 10.0, 49.0, 51.0, 100.0]), classes="equal", label="T")
    assert classing.ticktext[0] == "0.0–20.0" and classing.ticktext[-1] == "80.0–100.0"
    assert classing.z.to_list() == [0, 0, 2, 2, 4]


def test_grade_classes_only_for_the_total() -> None:
    scale = pl.DataFrame({"grade": ["A", "B", "C"], "min_score": [75.0, 65.0, 0.0]})
    fig = _figure(classes="grade", grade_scale=scale, metric="transparency")
    assert fig.layout.coloraxis.colorbar.ticktext is None  # continuous, not grades


def test_markup_in_labels_and_grades_is_escaped() -> None:
    view = _view().with_columns(grade=pl.lit("<a href='x'>A</a>"))
    scale = pl.DataFrame({"grade": ["<a href='x'>A</a>"], "min_score": [0.0]})
    fig = maps.choropleth(
        view,
        metric_label="T <b>x</b>",
        counties_url="u",
        outlines_url="o",
        classes="grade",
        grade_scale=scale,
    )
    assert "<a" not in fig.data[0].customdata[0][9]
    assert "<a" not in fig.layout.coloraxis.colorbar.ticktext[0]
    quantile = maps.choropleth(view, metric_label="T <b>x</b>", counties_url="u", outlines_url="o")
    assert "<b>" not in quantile.layout.coloraxis.colorbar.title.text


def test_continuous_scale_spans_the_scores() -> None:
    fig = _figure()
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (50.0, 80.0)
    assert fig.layout.coloraxis.colorbar.tickvals is None


def test_not_assessed_note_counts_statuses() -> None:
    note = _figure().layout.annotations[0].text
    assert note == "Grey: not assessed (1 excluded)"


def test_synthetic_maps_carry_the_mark_inside_the_figure() -> None:
    marked = _figure(synthetic=True)
    texts = [a.text for a in marked.layout.annotations]
    assert any("SYNTHETIC DEMO DATA" in t for t in texts)
    assert not any("SYNTHETIC" in a.text for a in _figure().layout.annotations)
    status = maps.status_map(_view(), counties_url="u", outlines_url="o", synthetic=True)
    assert "SYNTHETIC DEMO DATA" in status.layout.annotations[0].text


def test_synthetic_mark_and_grey_note_sit_on_separate_lines() -> None:
    """Side by side they overlapped on a 390 px phone screen; stacked they cannot."""
    note, mark = _figure(synthetic=True).layout.annotations
    assert note.yanchor == mark.yanchor == "bottom" and note.y == mark.y == 1.0
    assert (mark.yshift or 0) - (note.yshift or 0) >= 16  # one 11 px line apart
    assert _figure(synthetic=True).layout.margin.t >= 20 + (mark.yshift or 0)


def test_no_python_callbacks_inside_polars_in_the_app() -> None:
    """``map_elements``/``map_batches`` need the GIL on Polars' thread pool: with concurrent
    sessions that deadlocked the server (every page hung; found by the soak test)."""
    root = Path(__file__).resolve().parents[2]
    files = [root / "app.py", *(root / "components").glob("*.py"), *(root / "pages").glob("*.py")]
    files += [p for p in (root / "loaders").glob("*.py") if p.name not in RUNTIME_EXEMPT]
    offenders = [
        f"{p.relative_to(root)}:{n}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.(map_elements|map_batches|map_groups)\(", line)
    ]
    assert offenders == []


# Build-time only (python -m loaders demo / build-geo), never run by the app.
RUNTIME_EXEMPT = {"divisions.py"}


def test_vectorised_escape_equals_the_python_one() -> None:
    texts = [
        "<img src=x onerror=alert(1)>",
        "$\\href{javascript:x}{y}$",
        "a\u202eb %{z} & 5%",
        "修文县",
    ]
    got = pl.select(theme.plotly_escape_expr(pl.lit(pl.Series(texts)))).to_series().to_list()
    assert got == [theme.plotly_escape(t) for t in texts]
