from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from components import classing as classing_module
from components import i18n, maps, theme
from components.classing import QUANTILES, classify, jenks_breaks
from components.frame.filters import CLASSES
from loaders.derive.ranks import add_ranks


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
    return add_ranks(view)


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
    classing = classify(scores, classes="quantile", label="Total")
    assert classing.z.to_list() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert classing.ticktext == ["0.0–1.8", "1.8–3.6", "3.6–5.4", "5.4–7.2", "7.2–9.0"]
    few = classify(pl.Series([5.0, 5.0]), classes="quantile", label="Total")
    assert few.tickvals is None  # one distinct value: nothing to class, continuous


def test_tied_scores_never_leave_a_quantile_class_empty() -> None:
    scores = pl.Series([60.0] * 6 + [70.0, 75.0, 80.0, 90.0])
    classing = classify(scores, classes="quantile", label="Total")
    assert set(classing.z.to_list()) == set(range(len(classing.ticktext)))
    assert classing.z.to_list()[:6] == [0] * 6


def test_equal_intervals() -> None:
    classing = classify(pl.Series([0.0, 10.0, 49.0, 51.0, 100.0]), classes="equal", label="T")
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
    status = maps.status_map(
        _view(), counties_url="u", outlines_url="o", synthetic=True, lang=i18n.lang()
    )
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


# --- Natural breaks (Fisher–Jenks) ---------------------------------------------------
# NOTE: mapclassify 2.11.0 needs Python >= 3.12 (this venv runs 3.11), so the oracle
# here is the brute-force optimum. mapclassify 2.10.0 was compared by hand: it sums in
# float32 and returned a partition with a larger within-class sum of squares than
# jenks_breaks on 4 of 120 random inputs (identical breaks on the other 116).


def _within_ss(values: np.ndarray, breaks: list[float]) -> float:
    classes = np.searchsorted(np.asarray(breaks), values, side="left")
    return float(
        sum(
            ((values[classes == c] - values[classes == c].mean()) ** 2).sum()
            for c in np.unique(classes)
        )
    )


def _brute_force(values: np.ndarray, k: int) -> list[tuple[float, list[float]]]:
    """Every partition of the sorted distinct values into k runs, best first."""
    distinct = np.unique(values)
    options = []
    for cuts in itertools.combinations(range(1, distinct.size), k - 1):
        breaks = [float(distinct[c - 1]) for c in cuts]
        options.append((_within_ss(values, breaks), breaks))
    return sorted(options)


def _samples() -> list[np.ndarray]:
    rng = np.random.default_rng(20261125)
    continuous = [rng.normal(70, 8, int(rng.integers(6, 13))) for _ in range(15)]
    tied = [rng.integers(0, 10, int(rng.integers(6, 25))).astype(float) for _ in range(15)]
    rounded = [np.round(rng.gamma(2.0, 10.0, 30), 0) for _ in range(5)]
    return continuous + tied + rounded


@pytest.mark.parametrize("block", [64, 3])
def test_jenks_breaks_are_the_brute_force_optimum(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small blocks make small inputs take several passes per class, as 2,800 scores do.
    monkeypatch.setattr(classing_module, "_JENKS_BLOCK", block)
    checked = 0
    for values in _samples():
        for k in range(2, 6):
            if np.unique(values).size <= k:
                continue
            breaks = jenks_breaks(values, k=k)
            (best, best_breaks), *rest = _brute_force(values, k)
            assert _within_ss(values, breaks) == pytest.approx(best, abs=1e-9)
            if not rest or rest[0][0] > best + 1e-9:  # a unique optimum: the same breaks
                assert breaks == best_breaks
                checked += 1
    assert checked > 50


def test_jenks_breaks_on_few_values_and_nan() -> None:
    assert jenks_breaks([3.0, 1.0, 2.0, 1.0], k=5) == [1.0, 2.0]
    assert jenks_breaks([1.0, np.nan, 1.0, 9.0, 10.0], k=2) == [1.0]
    assert jenks_breaks([4.0, 4.0], k=3) == []


def test_jenks_classes_colour_by_the_breaks() -> None:
    scores = pl.Series([1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0, 31.0, 50.0, 52.0, None])
    classing = classify(scores, classes="jenks", label="Total")
    breaks = jenks_breaks(scores.drop_nulls().to_numpy(), k=QUANTILES)
    assert breaks == [3.0, 12.0, 31.0, 50.0]  # a score equal to a break: the class below
    assert classing.z.to_list() == [0, 0, 0, 1, 1, 1, 2, 2, 3, 4, None]
    edges = [1.0, *breaks, 52.0]
    assert classing.ticktext == [f"{a:.1f}–{b:.1f}" for a, b in itertools.pairwise(edges)]
    assert "natural breaks" in classing.title
    assert classing.colorscale == theme.discrete_scale(5)


# --- "Not assessed" in the legend -----------------------------------------------------


def test_not_assessed_counties_have_one_legend_entry() -> None:
    fig = _figure()
    entries = [t for t in fig.data if t.showlegend]
    assert [t.name for t in entries] == ["Not assessed"]
    assert list(entries[0].locations) == ["540102"] and entries[0].geo == "geo"
    assert {c for _, c in entries[0].colorscale} == {theme.NOT_ASSESSED}
    assert theme.NOT_ASSESSED not in theme.SEQUENTIAL
    assessed_only = maps.choropleth(
        _view().filter(pl.col("score").is_not_null()),
        metric_label="Total",
        counties_url="u",
        outlines_url="o",
    )
    assert not any(t.showlegend for t in assessed_only.data)  # no swatch for no county


def test_legend_keeps_clear_of_the_colour_bar_and_the_notes() -> None:
    """Checked by eye at 1280 and 390 px wide: the legend sits level with the colour bar,
    on the other side, below the map; the notes sit above it."""
    layout = _figure(synthetic=True).layout
    bar = layout.coloraxis.colorbar
    assert bar.orientation == layout.legend.orientation == "h"
    assert bar.xanchor == "left" and bar.x + bar.len <= 0.6
    assert layout.legend.xanchor == "right" and layout.legend.x == 1.0
    assert layout.legend.y <= 0 and layout.legend.yanchor == "top"
    assert all(a.y >= 1.0 and a.yanchor == "bottom" for a in layout.annotations)


# --- Colour-blind safety ---------------------------------------------------------------
# Every colour a map draws must come from this list. Why each is safe:
# - theme.SEQUENTIAL is ColorBrewer YlGnBu, which ColorBrewer marks colour-blind safe:
#   its classes are ordered by lightness, which colour-vision deficiencies keep
#   (checked below by simulation, with a margin per step).
# - The greys (not assessed, not covered, excluded) have no hue to confuse; they differ
#   from each other by lightness.
# - theme.PUBLISHED (orange) is the one accent, on the blue–yellow axis that protan and
#   deutan vision keep, and far in lightness and hue from every blue of the scale.
CVD_SAFE = {
    *theme.SEQUENTIAL,
    theme.NOT_ASSESSED,
    "#bdbdbd",
    "#636363",
    theme.PUBLISHED,
    "rgba(0,0,0,0)",  # the transparent fill of the province outlines
}
# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD_SIMULATIONS = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def _lab(colour: str, simulation: list[list[float]]) -> np.ndarray:
    """CIELAB of a hex colour as seen with a colour-vision deficiency (D65)."""
    srgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    rgb = np.clip(np.array(simulation) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    t = (xyz @ rgb) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _published_view() -> pl.DataFrame:
    return _view().with_columns(
        status=pl.Series(["published", "published", "published", "not_published", "excluded"]),
        score=pl.lit(None, dtype=pl.Float64),
        published_rank=pl.Series([1, None, None, None, None], dtype=pl.Int32),
        published_list_pos=pl.Series([None, None, None, None, None], dtype=pl.Int32),
        published_band=pl.Series(["top10", "top100", "member", None, None]),
        published_source_kind=pl.Series(["media", "media", "official", None, None]),
    )


def _map_colours() -> set[str]:
    scale = pl.DataFrame({"grade": ["A", "B", "C"], "min_score": [75.0, 65.0, 0.0]})
    figures = [_figure(classes=c, grade_scale=scale) for c in CLASSES]
    figures.append(maps.status_map(_view(), counties_url="u", outlines_url="o", lang=i18n.lang()))
    figures.append(maps.published_map(_published_view(), counties_url="u", outlines_url="o"))
    colours = set()
    for fig in figures:
        scales = [t.colorscale for t in fig.data if getattr(t, "colorscale", None) is not None]
        colours |= {t.marker.color for t in fig.data if t.type == "scattergeo" and t.marker.color}
        scales += [fig.layout.coloraxis.colorscale] if fig.layout.coloraxis.colorscale else []
        colours |= {colour for scale in scales for _, colour in scale}
    return colours


def test_map_colours_come_from_the_colour_blind_safe_list() -> None:
    colours = _map_colours()
    assert len(colours) >= 8  # the test saw the scales, not an empty figure
    assert colours <= CVD_SAFE, colours - CVD_SAFE


def test_colour_blind_safe_list_survives_simulated_deficiencies() -> None:
    for name, simulation in CVD_SIMULATIONS.items():
        lightness = [_lab(c, simulation)[0] for c in theme.SEQUENTIAL]
        steps = np.diff(lightness)
        assert (steps < -3).all(), f"{name}: YlGnBu classes not ordered by lightness"
        categorical = [*maps.STATUS_COLOURS.values()]
        labs = [_lab(c, simulation) for c in categorical]
        for (a, la), (b, lb) in itertools.combinations(zip(categorical, labs, strict=True), 2):
            assert np.linalg.norm(la - lb) >= 10, f"{name}: {a} and {b} look alike"
        # NOTE: the closest call: grey vs YlGnBu #7fcdbb, ΔE 9.2 with protanopia.
        grey = _lab(theme.NOT_ASSESSED, simulation)
        assert min(np.linalg.norm(grey - _lab(c, simulation)) for c in theme.SEQUENTIAL) >= 8


# --- Text alternative -----------------------------------------------------------------


def test_map_summary_names_the_extremes_and_why_counties_are_grey() -> None:
    text = maps.map_summary(_view(), metric_label="Total score")
    assert text == (
        "4 of 5 counties are coloured by Total score, from 80.00 (修文县 Xiuwen Xian, 贵州省) "
        "down to 50.00 (西沙区 Xisha Qu, 海南省); 1 is grey, not assessed "
        "(1: province outside this edition (Tibet …))."
    )


def test_map_summary_without_scores_or_without_gaps() -> None:
    tibet = _view().filter(pl.col("adcode") == "540102")
    assert maps.map_summary(tibet, metric_label="T") == (
        "No county of the 1 here is coloured: none has a score "
        "(1: province outside this edition (Tibet …))."
    )
    guizhou = _view().filter(pl.col("province_adcode") == "520000")
    assert maps.map_summary(guizhou, metric_label="T").endswith("every county here is assessed.")


def test_map_summary_of_published_results() -> None:
    text = maps.map_summary(_published_view(), metric_label="T", published=True)
    assert text.startswith("3 of 5 counties are coloured: those named in this edition's")
    assert "荔湾区 Liwan Qu, 广东省" in text and "the other 2 are grey" in text


# --- In Chinese (lang=zh) ---------------------------------------------------------------


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the builders with the interface in Chinese."""
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


@pytest.mark.usefixtures("zh")
def test_chinese_hover_has_chinese_words_and_no_pinyin() -> None:
    fig = _figure(metric_label="总分", classes="quantile")
    assessed, missing = fig.data[:2]
    assert tuple(assessed.customdata[0][:4]) == ("修文县", "", "贵阳市", "贵州省")
    assert "%{customdata[1]}" not in assessed.hovertemplate
    assert "总分：%{customdata[4]:.2f}" in assessed.hovertemplate
    assert "全国排名 %{customdata[5]}（共 %{customdata[6]} 个）" in assessed.hovertemplate
    # The data's reasons are English only: the status says why instead.
    assert missing.customdata[0][4] == "已排除"
    assert missing.name == "未评估" and "未评估：%{customdata[4]}" in missing.hovertemplate
    assert fig.layout.annotations[0].text == "灰色：未评估（已排除 1 个）"
    assert fig.layout.coloraxis.colorbar.title.text == "总分（五分位）"


@pytest.mark.usefixtures("zh")
def test_chinese_grade_legend() -> None:
    scale = pl.DataFrame({"grade": ["A", "B", "C"], "min_score": [75.0, 65.0, 0.0]})
    fig = _figure(metric_label="总分", classes="grade", grade_scale=scale)
    assert fig.layout.coloraxis.colorbar.title.text == "总分等级（示例等级）"
    assert "等级 %{customdata[9]}（示例）" in fig.data[0].hovertemplate


@pytest.mark.usefixtures("zh")
def test_chinese_map_summary_counts_grey_counties_by_status() -> None:
    assert maps.map_summary(_view(), metric_label="总分") == (
        "5 个县区中有 4 个按总分着色，最高 80.00（修文县，贵州省），"
        "最低 50.00（西沙区，海南省）；1 个为灰色，未评估（已排除：1 个）。"
    )
    text = maps.map_summary(_published_view(), metric_label="总分", published=True)
    assert text.startswith("5 个县区中有 3 个着色") and "Liwan" not in text


@pytest.mark.usefixtures("zh")
def test_chinese_published_results() -> None:
    labels = maps.published_position(_published_view())["published"].to_list()
    assert labels[:3] == ["第 1 名 · 前10名", "前100名", "入选名单或获命名认定"]
    fig = maps.published_map(_published_view(), counties_url="u", outlines_url="o")
    names = [t.name for t in fig.data if t.showlegend]
    assert names == [
        "未公开（2）",
        "入选名单或获命名认定（1）",
        "前100名（1）",
        "有名次或名单位次（1）",
    ]
    assert fig.data[2].customdata[0][5] == "媒体报道"  # the source kind, in Chinese
    assert "来源：%{customdata[5]}" in fig.data[2].hovertemplate
    status = maps.status_map(_view(), counties_url="u", outlines_url="o", lang=i18n.lang())
    assert [t.name for t in status.data if t.showlegend] == ["已评估（4）", "已排除（1）"]


def test_published_map_keeps_its_legend_and_colour_bar_below_the_map_apart() -> None:
    """Legend, then colour bar, both under the map: never over the title, never on each other."""
    fig = maps.published_map(_published_view(), counties_url="u", outlines_url="o")
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.y <= 0 and legend.yanchor == "top"
    bars = [t.colorbar for t in fig.data if t.type == "choropleth" and t.colorbar.len]
    assert len(bars) == 1
    bar = bars[0]
    assert bar.orientation == "h" and bar.yanchor == "top"
    assert bar.y < legend.y - 0.05  # a row lower than the legend, not beside it
    assert fig.layout.margin.b >= 120  # and the room for both is kept under the plot
