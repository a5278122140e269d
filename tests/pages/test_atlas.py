from __future__ import annotations

import itertools
import json
from collections.abc import Callable

import polars as pl
from streamlit.testing.v1 import AppTest

from components import routes, theme
from components.classing import jenks_breaks
from loaders import assessments, geo
from tests.fixtures import demo_snapshot
from tests.pages.conftest import chart_configs, figures, values

SNAPSHOT = str(demo_snapshot())
ATLAS = routes.ATLAS.file


def _map(at: AppTest) -> dict:
    return figures(at)[0]


def test_default_atlas_maps_every_county(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS)
    assert not at.exception
    fig = _map(at)
    main = [t for t in fig["data"] if t.get("geo", "geo") == "geo"]
    assessed, missing, outlines = main
    assert assessed["geojson"] == geo.static_url("counties_national")
    assert assessed["geojson"].startswith("app/static/geo/counties_national.json?v=")
    assert outlines["geojson"] == geo.static_url("provinces")
    assert len(assessed["locations"]) + len(missing["locations"]) == 2875
    view = assessments.county_view(SNAPSHOT, "demo-tp-2021")
    scores = dict(view.select("adcode", "score").drop_nulls().iter_rows())
    assert dict(zip(assessed["locations"], assessed["z"], strict=True)) == scores
    assert "fitbounds" not in fig["layout"]["geo"]
    assert fig["layout"]["geo2"]["lataxis"]["range"][0] < 5  # South China Sea inset
    assert chart_configs(at)[0]["topojsonURL"] == "app/static/topojson/"
    assert at.query_params["edition"] == "demo-tp-2021"


def test_province_parameter_zooms_to_its_counties(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, province="52")
    assert not at.exception
    fig = _map(at)
    assert len(fig["data"]) == 3  # no inset when zoomed
    assessed, missing, outlines = fig["data"]
    assert assessed["geojson"] == geo.static_url("counties_52")
    codes = assessed["locations"] + missing["locations"]
    assert len(codes) == 88 and all(c.startswith("52") for c in codes)
    assert outlines["locations"] == ["520000"]
    assert fig["layout"]["geo"]["fitbounds"] == "locations"


def test_edition_and_metric_parameters(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, edition="demo-tp-2019", metric="transparency", province="520000")
    assert not at.exception
    fig = _map(at)
    view = assessments.county_view(SNAPSHOT, "demo-tp-2019", "transparency", "520000")
    expected = dict(view.select("adcode", "score").drop_nulls().iter_rows())
    assessed = fig["data"][0]
    assert dict(zip(assessed["locations"], assessed["z"], strict=True)) == expected
    assert "Transparency" in fig["layout"]["coloraxis"]["colorbar"]["title"]["text"]
    hover = assessed["customdata"][0]
    row = view.filter(pl.col("adcode") == assessed["locations"][0]).row(0, named=True)
    assert hover[0] == row["name_zh"] and hover[1] == row["name_pinyin"]
    assert (hover[5], hover[6]) == (row["rank_national"], row["n_national"])
    assert (hover[7], hover[8]) == (row["rank_province"], row["n_province"])


def test_not_assessed_counties_are_grey_and_say_why(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS)
    missing = _map(at)["data"][1]
    reasons = {row[4] for row in missing["customdata"]}
    assert any("Tibet" in r for r in reasons)
    assert any("not covered" in r for r in reasons)
    assert "Not assessed" in missing["hovertemplate"]
    assert {c for c, _ in missing["colorscale"]} == {0, 1}


def test_quantile_and_grade_classes(run_app: Callable[..., AppTest]) -> None:
    quantile = _map(run_app(ATLAS, classes="quantile"))
    assert set(quantile["data"][0]["z"]) == {0, 1, 2, 3, 4}
    assert len(quantile["layout"]["coloraxis"]["colorbar"]["ticktext"]) == 5
    grade = _map(run_app(ATLAS, classes="grade"))
    ticktext = grade["layout"]["coloraxis"]["colorbar"]["ticktext"]
    assert ticktext[0] == "D" and ticktext[-1] == "AAA"  # AAA to D, as the hint names it
    assert "illustrative" in grade["layout"]["coloraxis"]["colorbar"]["title"]["text"]


def test_bad_parameters_are_ignored_with_a_notice(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, province="<script>alert(1)</script>", edition="nope", classes="natural")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "Ignored province" in notices and "Ignored edition" in notices
    assert "<script>" not in notices
    fig = _map(at)
    assert "/counties_national.json?v=" in fig["data"][0]["geojson"]  # the national view
    assert "geo2" in fig["layout"]  # with the South China Sea inset


def test_distribution_and_extremes_follow_the_view(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, province="33")
    top = at.dataframe[0].value
    assert len(top) == 10
    assert top["adcode"].str.startswith("33").all()
    assert list(top["score"]) == sorted(top["score"], reverse=True)
    histogram = figures(at)[1]
    zhejiang = assessments.county_view(SNAPSHOT, "demo-tp-2021", province="330000")
    assessed = zhejiang.filter(pl.col("score").is_not_null()).height
    assert len(values(histogram["data"][0]["x"])) == assessed > 50  # Zhejiang's assessed


def test_a_link_with_parameters_changes_the_view(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, province="52")
    at.query_params["province"] = "33"  # e.g. a page link or the back button
    at.run()
    assert _map(at)["data"][0]["geojson"] == geo.static_url("counties_33")
    at.query_params.clear()  # a plain page switch: the session keeps its view
    at.run()
    assert _map(at)["data"][0]["geojson"] == geo.static_url("counties_33")
    assert at.query_params["province"] == "33"


def test_sidebar_change_is_written_to_the_url(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS)
    at.selectbox(key="province").set_value("440000").run()
    at.selectbox(key="metric").set_value("compliance").run()
    assert at.query_params["province"] == "44"
    assert at.query_params["metric"] == "compliance"
    assert _map(at)["data"][0]["geojson"] == geo.static_url("counties_44")


def test_real_edition_colours_only_the_named_counties(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, edition="zhongding-2021")
    assert not at.exception
    assert not any("Synthetic demo data" in w.value for w in at.warning)
    assert any("Real published results" in i.value for i in at.info)
    traces = {t["name"]: t for t in _map(at)["data"]}
    named = traces["in the top 100 (3)"]
    assert sorted(named["locations"]) == ["520123", "520323", "520621"]
    not_published = next(t for n, t in traces.items() if n.startswith("not published"))
    assert len(not_published["locations"]) == 2875 - 3
    assert "z" not in named or set(named["z"]) == {0}  # one colour: no score is implied
    table = at.dataframe[0].value
    assert set(table["adcode"]) == {"520123", "520323", "520621"}
    assert table["published_source_url"].str.startswith("http").all()
    assert set(table["published_source_kind"]) == {"media"}


def test_the_sidebar_shows_the_edition_whole_and_whether_it_is_real(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(ATLAS, edition="zhongding-2021")
    text = " ".join(m.value for m in at.sidebar.markdown) + " ".join(
        c.value for c in at.sidebar.caption
    )
    assert "Real, published" in text and "Zhongding Credit Rating Service Co., Ltd." in text
    assert "China County Government Integrity Big-Data Monitoring and Assessment Report" in text
    demo = run_app(ATLAS)
    assert "Demo (synthetic)" in " ".join(m.value for m in demo.sidebar.markdown)


def test_an_excluded_province_says_why_instead_of_empty_panels(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(ATLAS, province="54")
    assert not at.exception
    assert any("No county here has a score" in i.value and "Tibet" in i.value for i in at.info)
    assert not at.dataframe  # no empty top/bottom tables
    assert len(figures(at)) == 1  # the map only


def test_jenks_classes_bin_at_the_natural_breaks(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, classes="jenks")
    assert not at.exception
    fig = _map(at)
    view = assessments.county_view(SNAPSHOT, "demo-tp-2021")
    scores = view.get_column("score").drop_nulls()
    breaks = jenks_breaks(scores.to_numpy(), k=5)
    edges = [scores.min(), *breaks, scores.max()]
    bar = fig["layout"]["coloraxis"]["colorbar"]
    assert bar["ticktext"] == [f"{a:.1f}–{b:.1f}" for a, b in itertools.pairwise(edges)]
    assert "natural breaks" in bar["title"]["text"]
    # A binned scale: five hard-edged colour steps, one per class.
    assert fig["layout"]["coloraxis"]["colorscale"] == theme.discrete_scale(5)
    assessed = fig["data"][0]
    classes = {
        a: sum(s > b for b in breaks) for a, s in view.select("adcode", "score").drop_nulls().rows()
    }
    assert dict(zip(assessed["locations"], values(assessed["z"]), strict=True)) == classes
    assert at.query_params["classes"] == "jenks"


def test_classes_control_offers_natural_breaks(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS)
    control = at.segmented_control(key="classes")
    assert control.format_func("jenks") == "Natural breaks"
    control.set_value("jenks").run()
    assert at.query_params["classes"] == "jenks"
    assert "natural breaks" in _map(at)["layout"]["coloraxis"]["colorbar"]["title"]["text"]


def test_not_assessed_counties_have_a_legend_entry(run_app: Callable[..., AppTest]) -> None:
    fig = _map(run_app(ATLAS))
    entries = [t for t in fig["data"] if t.get("showlegend")]
    assert [t["name"] for t in entries] == ["Not assessed"]
    assert {c for _, c in entries[0]["colorscale"]} == {theme.NOT_ASSESSED}


def test_map_caption_says_what_the_map_shows(run_app: Callable[..., AppTest]) -> None:
    at = run_app(ATLAS, province="33")
    view = assessments.county_view(SNAPSHOT, "demo-tp-2021", "total", "330000")
    top = view.sort("score", descending=True, nulls_last=True).row(0, named=True)
    captions = [c.value for c in at.caption]
    summary = next(c for c in captions if "counties are coloured by Total score" in c)
    assert f"{top['score']:.2f} \\({top['name_zh']} {top['name_pinyin']}" in summary
    assert summary.startswith(f"{view['score'].is_not_null().sum()} of {view.height} counties")


def test_finding_a_county_zooms_to_its_province_and_outlines_it(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(ATLAS)
    at.text_input(key="atlas_search").input("黔西县").run()  # an old name
    found = next(b for b in at.button if b.key == "atlas_search-520581")
    assert "formerly 黔西县" in found.label
    found.click().run()
    assert not at.exception
    assert at.query_params["county"] == "520581" and at.query_params["province"] == "52"
    atlas = next(c for c in at.get("plotly_chart") if c.key == "atlas_map")
    spec = json.loads(atlas.proto.spec)
    outline = spec["data"][-1]
    assert outline["locations"] == ["520581"] and outline["marker"]["line"]["width"] == 3
    assert "counties_52" in outline["geojson"]  # the province's layer: zoomed in
    links = [link.proto.label for link in at.get("page_link")]
    assert "Open the profile of 黔西市 Qianxi Shi (outlined on the map)" in links
