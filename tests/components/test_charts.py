"""Text alternatives: every chart says in a sentence what it shows (issue 8)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from components import charts, i18n


def test_bar_summary_names_the_highest_and_lowest() -> None:
    fig = go.Figure(
        go.Bar(y=["修文县", "绥阳县", "余杭区"], x=np.array([3, 12, 7]), orientation="h")
    )
    fig.update_layout(xaxis_title="Records")
    assert charts.describe(fig) == (
        "3 bars of Records: the highest is 绥阳县 (12), the lowest 修文县 (3)."
    )


def test_grouped_bars_count_series_and_categories() -> None:
    fig = go.Figure([go.Bar(x=["a", "b"], y=[1, 2]), go.Bar(x=["b", "c"], y=[3, 4])])
    assert charts.describe(fig) == "2 series of bars over 3 categories."


def test_scatter_summary_gives_both_ranges_and_skips_missing_values() -> None:
    fig = go.Figure(go.Scatter(x=[2016, 2021, 2019], y=[71.5, float("nan"), 88.25]))
    fig.update_layout(xaxis_title="Year", yaxis_title="Score")
    assert charts.describe(fig) == "3 points: Year from 2016 to 2021; Score from 71.5 to 88.25."


def test_box_and_histogram_summaries() -> None:
    box = go.Figure([go.Box(y=[1, 2, 3], name="a"), go.Box(y=[10, 20], name="b")])
    assert charts.describe(box) == "Spread of 5 values in 2 groups: from 1 to 20."
    hist = go.Figure(go.Histogram(x=[60.0, 75.5, 90.0]))
    hist.update_layout(xaxis_title="<b>Total</b> score")
    assert charts.describe(hist) == "Distribution of 3 values: Total  score from 60 to 90."


def test_charts_without_data_have_no_summary() -> None:
    assert charts.describe(go.Figure()) == ""
    assert charts.describe(go.Figure(go.Bar(x=[], y=[]))) == "1 series of bars over 0 categories."


def test_summary_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: "zh")
    fig = go.Figure(go.Bar(x=["甲", "乙"], y=[5, 2]))
    assert charts.describe(fig) == "2 个条形：最高为甲（5），最低为乙（2）。"


def test_timelines_give_their_date_range() -> None:
    fig = go.Figure(
        [
            go.Scatter(x=["2019-03-01", "2021-05-02"], y=["Courts", "12345"]),
            go.Scatter(x=["2018-01-01"], y=["Courts"]),
        ]
    )
    assert charts.describe(fig) == "3 points in 2 series: from 2018-01-01 to 2021-05-02."


def test_a_second_panel_is_counted_not_pooled_into_the_ranges() -> None:
    fig = make_subplots(rows=2, cols=1)
    fig.add_scatter(x=[2019, 2021], y=[70.5, 80], row=1, col=1)  # scores
    fig.add_scatter(x=[2019, 2021], y=[900, 200], row=2, col=1)  # ranks
    assert charts.describe(fig) == "4 points in 2 series: x from 2019 to 2021; y from 70.5 to 80."


def test_categorical_points_and_maps_are_counted() -> None:
    assert charts.describe(go.Figure(go.Scatter(x=["a", "b"], y=["c", "d"]))) == "2 points."
    assert charts.describe(go.Figure(go.Scatter(x=["a"], y=["c"]))) == "One point."
    fig = go.Figure(go.Choropleth(z=[0, 0, 0], locations=["a", "b", "c"]))
    assert charts.describe(fig) == "Map of 3 areas."
    assert charts.describe(go.Figure(go.Bar(x=["甲"], y=[4]))) == "One bar: 甲 (4)."


# --- text alternatives per chart type: only traces that carry data -----------------------
def test_a_scatter_summary_leaves_out_the_line_of_equality() -> None:
    fig = go.Figure(
        [
            go.Scatter(x=[28.85, 89.88], y=[79.22, 96.17], mode="markers"),
            go.Scatter(x=[0, 100], y=[0, 100], mode="lines", hoverinfo="skip"),
        ]
    )
    fig.update_layout(xaxis_title="A", yaxis_title="B")
    assert charts.describe(fig) == "2 points: A from 28.85 to 89.88; B from 79.22 to 96.17."


def test_a_box_plot_counts_its_groups_not_its_traces() -> None:
    provinces = [f"省{i}" for i in range(30) for _ in range(3)]
    fig = go.Figure(go.Box(x=provinces, y=list(range(90))))
    assert charts.describe(fig).startswith("Spread of 90 values in 30 groups")


def test_a_classed_map_is_summarised_by_its_values_not_its_classes() -> None:
    main = go.Choropleth(locations=["a", "b"], z=[0, 4], meta={"n": 2, "low": 46, "high": 103})
    inset = go.Choropleth(locations=["b"], z=[4], meta={"n": 1, "low": 103, "high": 103})
    inset.geo = "geo2"
    outline = go.Choropleth(locations=["p"], z=[0], hoverinfo="skip")
    fig = go.Figure([main, inset, outline])
    assert charts.describe(fig) == "Map of 2 areas: from 46 to 103."
