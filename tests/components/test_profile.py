from __future__ import annotations

import polars as pl
import pytest

from components import i18n
from components import profile as view

NULL_INT = pl.Int32


def _history() -> pl.DataFrame:
    """Two synthetic third-party editions, one synthetic audit and one real published band."""
    return pl.DataFrame(
        {
            "edition_id": ["d-2020", "real-2021", "audit-2021", "d-2021"],
            "title_en": ["Demo 2020", "Real 2021", "Audit 2021", "Demo 2021"],
            "data_year": [2020, 2021, 2021, 2021],
            "evaluator_id": ["demo", "real", "audit", "demo"],
            "evaluator_en": ["Demo Firm", "Real Firm", "Demo Audit", "Demo Firm"],
            "evaluator_zh": ["示例", "某公司", "示例审核", "示例"],
            "mode": ["third_party", "third_party", "upper_level_audit", "third_party"],
            "is_synthetic": [True, False, True, True],
            "status": ["assessed", "published", "assessed", "assessed"],
            "reason": [None, None, None, None],
            "total": [70.0, None, 88.0, 76.4],
            "rank_national": [300, None, 350, 209],
            "n_national": [2752, None, 2739, 2739],
            "rank_province": [11, None, 6, 7],
            "n_province": [88, None, 88, 88],
            "rank_prefecture": [2, None, 1, 1],
            "n_prefecture": [10, None, 10, 10],
            "grade": ["BB", None, None, "BBB"],
            "published_rank": [None, None, None, None],
            "published_list_pos": [None, None, None, None],
            "published_band": [None, "top100", None, None],
            "source_id": ["gen", "src", "gen", "gen"],
            "source_title": ["generator", "a <b>report</b>", "generator", "generator"],
            "source_url": [None, "https://example.org/r", None, None],
            "source_reliability": ["synthetic", "media", "synthetic", "synthetic"],
        },
        schema_overrides={
            "published_rank": NULL_INT,
            "published_list_pos": NULL_INT,
            "reason": pl.String,
            "rank_national": pl.UInt32,
            "n_national": pl.UInt32,
        },
    )


def _breakdown(*, synthetic: bool = True) -> pl.DataFrame:
    keys = ["transparency", "compliance", "honoring_agreements", "integrity_work", "public_opinion"]
    return pl.DataFrame(
        {
            "indicator_id": keys,
            "name_en": ["Transparency", "Compliance", "Honoring", "Integrity work", "Opinion"],
            "name_zh": ["透明度", "合规度", "践约度", "政务诚信专项工作", "政务舆情事件"],
            "county": [82.0, 72.4, 80.1, 72.3, 72.7],
            "province_mean": [64.5, 63.8, 64.4, 63.8, 63.5],
            "national_mean": [63.5, 64.0, 63.7, 63.6, 63.8],
            "n_province": [88] * 5,
            "n_national": [2739] * 5,
            "edition_id": ["d-2021"] * 5,
            "is_synthetic": [synthetic] * 5,
        }
    )


def test_history_table_labels_every_row_and_spells_out_results() -> None:
    table = view.history_table(_history())
    rows = {row["edition_id"]: row for row in table.iter_rows(named=True)}
    assert table.get_column("data").to_list() == [
        "synthetic (demo)",
        "real (cited)",
        "synthetic (demo)",
        "synthetic (demo)",
    ]
    for row in table.iter_rows(named=True):
        assert row["evaluator"].endswith("(synthetic)") == row["is_synthetic"]
    real = rows["real-2021"]
    assert real["published"] == "Top 100 (published, no rank given)"
    assert (real["published_band"], real["is_synthetic"], real["national"]) == (
        "top100",
        False,
        "—",
    )
    demo = rows["d-2021"]
    assert (demo["national"], demo["provincial"], demo["prefectural"]) == (
        "209 of 2,739",
        "7 of 88",
        "1 of 10",
    )
    assert demo["published"] == "—"
    assert rows["audit-2021"]["mode"] == "upper-level audit"
    assert "reason" not in table.columns  # every row assessed or published: no empty column
    excluded = _history().with_columns(reason=pl.lit("outside this edition"))
    assert view.history_table(excluded).get_column("reason").unique().to_list() == [
        "outside this edition"
    ]


@pytest.mark.parametrize(
    ("rank", "pos", "band", "expected"),
    [
        (None, None, "top100", "Top 100 (published, no rank given)"),
        (3, None, "top10", "Rank 3 (published, Top 10)"),
        (7, None, None, "Rank 7 (published)"),
        (None, 4, None, "No. 4 in the published list (no rank given)"),
        (None, None, "bottom5", "Bottom 5 (published, no rank given)"),
        (None, None, "member", "Listed (published, no rank given)"),
        (None, None, None, None),
    ],
)
def test_published_expr(rank: int | None, pos: int | None, band: str | None, expected: str) -> None:
    frame = pl.DataFrame(
        {"published_rank": [rank], "published_list_pos": [pos], "published_band": [band]},
        schema={
            "published_rank": NULL_INT,
            "published_list_pos": NULL_INT,
            "published_band": pl.String,
        },
    )
    assert frame.select(view.published_expr()).item() == expected


def test_history_chart_has_a_total_and_a_rank_panel_per_series() -> None:
    fig = view.history_chart(_history(), lang=i18n.lang())
    names = [t.name for t in fig.data]
    assert names == [
        "Demo Firm (synthetic)",
        "Demo Firm (synthetic)",
        "Demo Audit · upper-level audit (synthetic)",
        "Demo Audit · upper-level audit (synthetic)",
        "Real Firm (real, published)",
    ]
    totals, ranks, audit_totals, audit_ranks, published = fig.data
    assert list(totals.x) == [2020, 2021] and list(totals.y) == [70.0, 76.4]
    # Every list has its own rank axis: the firm's ranks never share one with the audit's.
    assert totals.yaxis == audit_totals.yaxis == "y"
    assert (ranks.yaxis, audit_ranks.yaxis) == ("y2", "y3")
    assert list(ranks.y) == [300, 209] and list(audit_ranks.y) == [350]
    assert fig.layout.yaxis2.autorange == fig.layout.yaxis3.autorange == "reversed"
    assert totals.line.dash == "dot"  # synthetic series are dotted
    # The real top-100 membership is a labelled point on a category axis, not a rank.
    assert published.yaxis == "y4" and fig.layout.yaxis4.type == "category"
    assert list(published.y) == ["Real Firm (real, published)"]
    assert published.customdata[0] == "Top 100 (published, no rank given)"
    assert published.text == ("Top 100",)
    assert [a.text.replace("<br>", " ") for a in fig.layout.annotations] == [
        "Total score",
        "Rank in the list of Demo Firm (synthetic) (1 = best)",
        "Rank in the list of Demo Audit · upper-level audit (synthetic) (1 = best)",
        "Real published results (each with its own list)",
    ]


def test_a_published_rank_says_the_size_of_its_list() -> None:
    frame = pl.DataFrame(
        {"published_rank": [1], "published_list_pos": [None], "published_band": [None],
         "n_subjects": [137]},
        schema_overrides={"published_list_pos": NULL_INT, "published_band": pl.String},
    )  # fmt: skip
    assert frame.select(view.published_expr(frame.columns)).item() == ("Rank 1 of 137 (published)")


def test_history_chart_escapes_names_for_plotly() -> None:
    history = _history().with_columns(evaluator_en=pl.lit("<b>X</b>"))
    assert all("<b>" not in t.name for t in view.history_chart(history, lang=i18n.lang()).data)


def test_history_chart_of_an_unscored_county_is_empty() -> None:
    history = _history().filter(pl.col("is_synthetic")).with_columns(total=pl.lit(None, pl.Float64))
    assert len(view.history_chart(history, lang=i18n.lang()).data) == 0


def test_breakdown_chart_groups_county_province_and_china() -> None:
    fig = view.breakdown_chart(_breakdown(), county="修文县", province="贵州省", lang=i18n.lang())
    assert [t.name for t in fig.data] == [
        "修文县 (synthetic)",
        "贵州省 average (synthetic)",
        "China average (synthetic)",
    ]
    assert all(t.orientation == "h" and len(t.x) == 5 for t in fig.data)
    assert list(fig.data[0].x) == [82.0, 72.4, 80.1, 72.3, 72.7]
    assert list(fig.data[2].x) == [63.5, 64.0, 63.7, 63.6, 63.8]
    assert fig.data[0].y[0] == "Transparency 透明度"
    assert fig.layout.barmode == "group"
    assert tuple(fig.layout.xaxis.range) == (0, 100)
    assert fig.data[1].customdata[0] == "mean of 88 counties"


def test_breakdown_chart_of_real_data_is_not_called_synthetic() -> None:
    fig = view.breakdown_chart(
        _breakdown(synthetic=False), county="a<b>", province="p", lang=i18n.lang()
    )
    assert [t.name for t in fig.data] == ["a&lt;b&gt;", "p average", "China average"]


def test_evaluator_summary_lists_who_assessed() -> None:
    summary = view.evaluator_summary(_history())
    assert summary.select("data", "evaluator_en", "years", "editions").rows() == [
        ("real (cited)", "Real Firm", "2021", 1),
        ("synthetic (demo)", "Demo Audit", "2021", 1),
        ("synthetic (demo)", "Demo Firm", "2020, 2021", 2),
    ]
    excluded = _history().with_columns(status=pl.lit("excluded"))
    assert view.evaluator_summary(excluded).is_empty()


def test_real_results_keep_only_real_published_rows() -> None:
    results = view.real_results(_history())
    assert results.height == 1
    row = results.row(0, named=True)
    assert row["published"] == "Top 100 (published, no rank given)"
    assert (row["source_url"], row["source_reliability"]) == ("https://example.org/r", "media")


def test_edition_label_and_rank_text() -> None:
    editions = _history().select("edition_id", "data_year", "evaluator_en", "mode", "is_synthetic")
    assert view.edition_label(editions, "audit-2021") == (
        "2021 · Demo Audit · upper-level audit (synthetic)"
    )
    assert view.edition_label(editions, "real-2021") == "2021 · Real Firm"
    assert view.of(1, 10) == "1 of 10" and view.of(None, 10) == "—"


def test_plain_neutralises_markdown_and_html() -> None:
    text = view.plain("**bold** [link](javascript:x) <script>")
    assert "**" not in text.replace("\\*", "")
    assert "<" not in text.replace("\\<", "")
    assert view._safe_url("javascript:alert(1)") is None
    assert view._safe_url("https://example.org/a(b)") is None
    assert view._safe_url("http://gzzd.cn/newsinfo/4907842.html") is not None


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test as if the interface were in Chinese."""
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


@pytest.mark.usefixtures("zh")
@pytest.mark.parametrize(
    ("rank", "pos", "band", "expected"),
    [
        (None, None, "top100", "前100名（已公开，未给出名次）"),
        (3, None, "top10", "第 3 名（已公开、前10名）"),
        (None, 4, None, "公开名单第 4 位（未给出名次）"),
        (None, None, "proposed_member", "拟入选名单（尚未正式命名）（已公开，未给出名次）"),
    ],
)
def test_published_expr_in_chinese(
    rank: int | None, pos: int | None, band: str | None, expected: str
) -> None:
    frame = pl.DataFrame(
        {"published_rank": [rank], "published_list_pos": [pos], "published_band": [band]},
        schema={
            "published_rank": NULL_INT,
            "published_list_pos": NULL_INT,
            "published_band": pl.String,
        },
    )
    assert frame.select(view.published_expr()).item() == expected


@pytest.mark.usefixtures("zh")
def test_history_table_in_chinese() -> None:
    table = view.history_table(_history())
    first = table.row(0, named=True)
    assert first["data"] == "合成（演示）" and first["evaluator"] == "示例（合成）"
    assert first["status"] == "已评估" and first["mode"] == "第三方评估"
    assert first["national"] == "300 / 2,752"
    audit = table.filter(pl.col("edition_id") == "audit-2021").row(0, named=True)
    assert audit["mode"] == "上级考核" and audit["source_reliability"] == "生成的来源（合成）"
    assert view.of(209, 2739) == "209 / 2,739"


@pytest.mark.usefixtures("zh")
def test_charts_in_chinese() -> None:
    history = view.history_chart(_history(), lang=i18n.lang())
    names = {t.name for t in history.data}
    assert names == {"示例（合成）", "示例审核 · 上级考核（合成）", "某公司（真实，已公开）"}
    assert [a.text for a in history.layout.annotations] == [
        "总分",
        "示例（合成）名单中的排名（1 = 最好）",
        "示例审核 · 上级考核（合成）名单中的排名（1 = 最好）",
        "真实公开结果（各有其名单）",
    ]
    breakdown = view.breakdown_chart(
        _breakdown(), county="修文县", province="贵州省", lang=i18n.lang()
    )
    assert [t.name for t in breakdown.data] == [
        "修文县（合成）",
        "贵州省平均（合成）",
        "全国平均（合成）",
    ]
    assert list(breakdown.data[0].y) == [
        "透明度",
        "合规度",
        "践约度",
        "政务诚信专项工作",
        "政务舆情事件",
    ]
    assert breakdown.data[1].customdata[0] == "88 个县区的平均值"
    assert breakdown.layout.xaxis.title.text == "得分"


def test_a_real_score_on_its_own_scale_stays_off_the_total_axis() -> None:
    """Lianyungang's 146.56 is out of 150: it is a result of its own list, never a point
    beside demo totals out of 100."""
    history = pl.DataFrame(
        {"data_year": [2021, 2021], "evaluator_id": ["d", "lyg"],
         "evaluator_en": ["Demo X", "Lianyungang 12345"], "mode": ["third_party"] * 2,
         "is_synthetic": [True, False], "total": [78.0, 146.56], "score_max": [100.0, 150.0],
         "rank_national": [120, None], "n_national": [2738, None], "grade": [None, None],
         "published_rank": [None, 3], "published_list_pos": [None, None],
         "published_band": [None, None], "n_subjects": [None, 4]},
        schema_overrides={"published_list_pos": NULL_INT, "published_band": pl.String},
    )  # fmt: skip
    fig = view.history_chart(history, lang="en")
    totals = [t for t in fig.data if t.yaxis == "y"]
    assert [list(t.y) for t in totals] == [[78.0]]
    (published,) = [t for t in fig.data if t.yaxis == "y3"]
    assert published.customdata[0] == "Rank 3 of 4 (published); score 146.56 of 150"
