"""Rankings table: its columns, provenance and notes, page-local filters and the CSV export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st

from components.frame.filters import PageControl
from components.i18n import chinese, is_zh, labels, mark, pick, tr
from components.profile import band_text, template_expr
from components.provenance import md_escape
from components.reasons import reason_text
from loaders.derive.compare import RankChangeBasis
from loaders.schemas import FIRST_LEVEL

# What a screenshot should hold comes first (rank, names, total, grade, change and the
# five bars fit a 1440-px-wide window beside the sidebar); where the county lies, its
# adcode and the published result follow, one horizontal scroll away.
SHOWN = (
    "rank",
    "rank_national",
    "name_zh",
    "name_pinyin",
    "score",
    "total",
    "grade",
    "rank_change",
    *FIRST_LEVEL,
    "prefecture_name_zh",
    "province_name_zh",
    "adcode",
    "published",
    "previous_rank",
)
SEARCH_KEY = "rankings_search"
TOP_KEY = PageControl.RANKINGS_TOP  # rankings?top=10, as in a newsroom's "top 10"
TOP_CHOICES = ("10", "20", "50", "100", "all")
PREFECTURE_KEY = "rankings_prefecture"
GRADES_KEY = "rankings_grades"


@dataclass(frozen=True)
class RankingFilters:
    """What the user chose on the rankings page: a prefecture, grades and a search."""

    prefecture: str | None = None
    grades: tuple[str, ...] = ()
    search: str = ""


def shown_columns(frame: pl.DataFrame, metric: str = "total") -> pl.DataFrame:
    """Return the columns of a ranking table that the page shows and exports, in order.

    The metric ranked by comes first after the names (``score``; for the total, the
    ``total`` column is it). In Chinese the pinyin column is left out and the published
    result is spelled out in Chinese (from ``published_rank``, ``published_list_pos`` and
    ``published_band``).

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": ["1"], "rank": [1], "score": [2.0], "prefecture_adcode": ["p"]})
    >>> shown_columns(f).columns, shown_columns(f, "transparency").columns
    (['rank', 'adcode'], ['rank', 'score', 'adcode'])
    """
    shown = [c for c in SHOWN if c in frame.columns and (c != "score" or metric != "total")]
    if not is_zh():
        return frame.select(shown)
    if {"published", *PUBLISHED_PARTS} <= set(frame.columns):
        frame = frame.with_columns(published_zh())
    return frame.select(c for c in shown if c != "name_pinyin")


PUBLISHED_PARTS = ("published_rank", "published_list_pos", "published_band")


def published_zh() -> pl.Expr:
    """Return the ``published`` label of a ranking row in the interface language.

    The words of :func:`loaders.rankings.published_label` ("No. 3 · top10",
    "listed 7th"), with the band spelled out as on the county profile.

    Examples
    --------
    >>> f = pl.DataFrame({"published_rank": [3, None, None], "published_list_pos": [None, 7, None],
    ...     "published_band": ["top10", None, None]},
    ...     schema={"published_rank": pl.Int32, "published_list_pos": pl.Int32,
    ...     "published_band": pl.String})
    >>> f.select(published_zh()).to_series().to_list()
    ['No. 3 · Top 10', 'Listed at position 7', None]
    """
    rank = template_expr(tr("No. {rank}"), rank=pl.col("published_rank"))
    listed = template_expr(
        tr("Listed at position {position}"), position=pl.col("published_list_pos")
    )
    parts = [rank, listed, band_text()]
    return (
        pl.when(pl.any_horizontal(p.is_not_null() for p in parts))
        .then(pl.concat_str(parts, separator=" · ", ignore_nulls=True))
        .alias("published")
    )


def rank_titles(*, provincial: bool, metric_label: str) -> dict[str, str]:
    """Return the titles of the rank columns: what they rank, and among whom.

    Examples
    --------
    >>> rank_titles(provincial=True, metric_label="Transparency")
    {'rank': 'Provincial rank (Transparency)', 'rank_national': 'National rank (Transparency)', \
'score': 'Transparency'}
    """
    national = tr("National rank ({metric})", metric=metric_label)
    return {
        "rank": tr("Provincial rank ({metric})", metric=metric_label) if provincial else national,
        "rank_national": national,
        "score": metric_label,
    }


def column_config(
    *, provincial: bool, score_max: float | None = None, metric_label: str | None = None
) -> dict[str, Any]:
    """Return ``st.dataframe`` column settings for a ranking table.

    Parameters
    ----------
    provincial
        Whether ``rank`` is the rank within a province (then ``rank_national`` is shown too).
    score_max
        Top of the edition's score scale (the bars' full length); 100 when unknown.
    metric_label
        The metric ranked by, in the interface language (default: the total score).

    Examples
    --------
    >>> config = column_config(provincial=True)
    >>> config["rank"]["label"], config["rank"]["help"]
    ('Provincial rank (Total score)', 'Rank within the province by Total score, computed here; \
ties share the best rank.')
    """
    top = score_max or 100.0
    metric_label = metric_label or tr("Total score")
    titles = rank_titles(provincial=provincial, metric_label=metric_label)
    if provincial:
        rank_help = tr(
            "Rank within the province by {metric}, computed here; ties share the best rank.",
            metric=metric_label,
        )
    else:
        rank_help = tr(
            "Rank among all counties assessed by {metric}, computed here; "
            "ties share the best rank.",
            metric=metric_label,
        )
    config: dict[str, Any] = {
        "rank": st.column_config.NumberColumn(
            titles["rank"], format="%d", help=rank_help, pinned=True, width=130
        ),
        "rank_national": st.column_config.NumberColumn(
            titles["rank_national"],
            format="%d",
            help=tr("Rank among all counties assessed (computed here)."),
            width=130,
        ),
        "score": st.column_config.NumberColumn(
            metric_label, format="%.2f", help=tr("Score on the metric ranked by."), width=120
        ),
        "name_zh": st.column_config.TextColumn(tr("County"), pinned=True, width=140),
        # NOTE: the Chinese page drops the column (shown_columns); hidden here as well.
        "name_pinyin": None if is_zh() else st.column_config.TextColumn(tr("Pinyin"), width=130),
        "prefecture_name_zh": st.column_config.TextColumn(tr("Prefecture"), width=150),
        "province_name_zh": st.column_config.TextColumn(tr("Province"), width=110),
        "adcode": st.column_config.TextColumn(tr("Adcode"), width=70),
        "total": st.column_config.NumberColumn(tr("Total"), format="%.2f", width=60),
        "grade": st.column_config.TextColumn(
            tr("Grade"),
            help=tr("On the edition's grade scale (illustrative for demo data)."),
            width=52,
        ),
        "rank_change": st.column_config.NumberColumn(
            tr("Change"),
            format="%+d",
            help=tr(
                "Places moved since the previous edition of the series (+ = up). "
                "Blank when the editions cannot be compared or the county was not ranked."
            ),
            width=60,
        ),
        "previous_rank": st.column_config.NumberColumn(
            tr("Previous rank"), format="%d", help=tr("Rank in the previous edition, same scope.")
        ),
        "published": st.column_config.TextColumn(
            tr("Published"),
            help=tr(
                "The rank, list position or band the evaluator itself published — "
                "not computed here."
            ),
        ),
    }
    for key in FIRST_LEVEL:
        metric = pick(
            f"{labels.METRICS[key]} {chinese(labels.METRICS[key])}", tr(labels.METRICS[key])
        )
        config[key] = st.column_config.ProgressColumn(
            tr(labels.METRIC_HEADERS[key]),
            format="%.1f",
            min_value=0.0,
            max_value=top,
            help=tr("{metric}: first-level score, 0–{top}.", metric=metric, top=f"{top:g}"),
            width=90 if key == "transparency" else 82,
        )
    return config


def rank_change_note(basis: RankChangeBasis, previous: Mapping[str, Any] | None = None) -> str:
    """Return the sentence that says what rank change is measured against, or why it is blank.

    Parameters
    ----------
    basis
        What rank change is measured against (:func:`loaders.rankings.rank_change_basis`).
    previous
        The previous edition's facts (``title_zh``), to name it in Chinese.

    Examples
    --------
    >>> from loaders.derive.compare import Reason
    >>> rank_change_note(RankChangeBasis("e2", None, None, False, False, (Reason("no_previous"),)))
    'No rank change: there is no previous edition of this series.'
    """
    title = pick(basis.previous_title, (previous or {}).get("title_zh")) or basis.previous
    # NOTE: English names the previous edition by id, as the loader's reason does; Chinese
    # by its title (an id is English words).
    names = {basis.previous: title} if basis.previous and title and is_zh() else None
    reason = reason_text(basis.reasons, names)
    if basis.previous is None or not basis.comparable:
        return tr("No rank change: {reason}.", reason=reason)
    if basis.flagged:
        return tr(
            "Rank change is against {edition}. Compare with care: {reason}.",
            edition=title,
            reason=reason,
        )
    return tr("Rank change is against {edition} ({reason}).", edition=title, reason=reason)


def render_rank_change_note(
    basis: RankChangeBasis, previous: Mapping[str, Any] | None = None
) -> None:
    """Show the rank-change note: a caption when clean, an info box when blank or flagged."""
    note = md_escape(rank_change_note(basis, previous))  # names an edition, indicators: data
    if basis.comparable and not basis.flagged:
        st.caption(note)
    else:
        st.info(note, icon=":material/compare_arrows:")


def count_caption(shown: pl.DataFrame, ranking: pl.DataFrame) -> str:
    """Return "N of M counties shown" for the filtered and the full ranking.

    Examples
    --------
    >>> count_caption(pl.DataFrame({"a": [1]}), pl.DataFrame({"a": range(2739)}))
    '1 of 2,739 counties shown'
    """
    return tr(
        "{shown} of {total} counties shown", shown=f"{shown.height:,}", total=f"{ranking.height:,}"
    )


def table_height(shown: pl.DataFrame, *, most: int = 560) -> int:
    """Return a table height in pixels that fits the rows, up to ``most`` (then it scrolls).

    Examples
    --------
    >>> table_height(pl.DataFrame({"a": [1]})), table_height(pl.DataFrame({"a": range(99)}))
    (73, 560)
    """
    row, header = 35, 38
    return min(most, header + row * max(shown.height, 1))


def single_match(shown: pl.DataFrame, chosen: RankingFilters) -> tuple[str, str] | None:
    """Return (adcode, name) of the one county a search found, or None.

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": ["520123"], "name_zh": ["修文县"]})
    >>> single_match(f, RankingFilters(search="xiuwen"))
    ('520123', '修文县')
    >>> single_match(f, RankingFilters()) is None
    True
    """
    if not chosen.search.strip() or shown.height != 1:
        return None
    return str(shown.item(0, "adcode")), str(shown.item(0, "name_zh"))


def prefecture_options(frame: pl.DataFrame) -> dict[str, str]:
    """Return prefecture adcode → label for the prefectures in a ranking table.

    The label names the province too when the table spans several.

    Examples
    --------
    >>> f = pl.DataFrame({"prefecture_adcode": ["520100", "520100", "330100"],
    ...     "prefecture_name_zh": ["贵阳市", "贵阳市", "杭州市"],
    ...     "province_name_zh": ["贵州省", "贵州省", "浙江省"]})
    >>> prefecture_options(f)
    {'330100': '杭州市 · 浙江省', '520100': '贵阳市 · 贵州省'}
    """
    rows = frame.select("prefecture_adcode", "prefecture_name_zh", "province_name_zh").unique()
    rows = rows.drop_nulls("prefecture_adcode").sort("prefecture_adcode")
    several = rows.get_column("province_name_zh").n_unique() > 1
    return {
        code: f"{name} · {province}" if several else str(name)
        for code, name, province in rows.iter_rows()
    }


def grade_options(frame: pl.DataFrame) -> list[str]:
    """Return the grades present in a ranking table, best first.

    Examples
    --------
    >>> grade_options(pl.DataFrame({"grade": ["B", "A", None, "B"], "total": [70, 90, 1, 60]}))
    ['A', 'B']
    """
    best = frame.drop_nulls("grade").group_by("grade").agg(pl.col("total").max())
    return best.sort("total", "grade", descending=[True, False]).get_column("grade").to_list()


def top_rows(frame: pl.DataFrame, top: str | None) -> pl.DataFrame:
    """Return the first ``top`` rows (``"10"`` … ``"100"``), or all of them.

    Examples
    --------
    >>> top_rows(pl.DataFrame({"a": range(30)}), "10").height, top_rows(pl.DataFrame({"a":
    ...     range(30)}), "all").height
    (10, 30)
    """
    return frame.head(int(top)) if top and top.isdigit() else frame


def render_top() -> str:
    """Draw the "Top N" choice (10, 20, 50, 100, all; bound to the link as ``top``)."""
    everything = tr("All")  # in this run's language (format_func may run outside it)
    if st.session_state.get(TOP_KEY) not in TOP_CHOICES:
        st.session_state[TOP_KEY] = "all"
    chosen = st.segmented_control(
        tr("Top N"),
        TOP_CHOICES,
        key=TOP_KEY,
        bind="query-params",  # part of the shareable view: rankings?top=10
        required=True,
        format_func=lambda n: everything if n == "all" else n,  # the link says top=10
        help=tr("The first N rows of the ranking, after the filters; the download holds the same."),
    )
    return str(chosen or "all")


def render_filters(frame: pl.DataFrame) -> RankingFilters:
    """Draw the page's own filters (prefecture, grades, search) above the table.

    The prefecture list holds only the prefectures in ``frame``, so it is limited to the
    chosen province when one is set. Choices no longer on offer (after the province or
    edition changed) are dropped rather than kept invisibly.
    """
    prefectures = prefecture_options(frame)
    grades = grade_options(frame)
    state = st.session_state
    if state.get(PREFECTURE_KEY) not in prefectures:
        state[PREFECTURE_KEY] = None
    state[GRADES_KEY] = [g for g in state.get(GRADES_KEY) or [] if g in grades]
    search_col, prefecture_col, grade_col = st.columns([2, 2, 2])
    with search_col:
        search = st.text_input(
            tr("Search county"),
            key=SEARCH_KEY,
            bind="query-params",  # part of the shareable view
            placeholder=tr("修文 or xiuwen or 520123"),
            help=tr("Chinese name, pinyin (case, spaces and apostrophes ignored) or adcode."),
            persist_state="session",
        )
    with prefecture_col:
        prefecture = st.selectbox(
            tr("Prefecture"),
            list(prefectures),
            index=None,
            key=PREFECTURE_KEY,
            bind="query-params",  # part of the shareable view
            placeholder=tr("All prefectures"),
            format_func=lambda code: prefectures.get(code, code),
            persist_state="session",
        )
    with grade_col:
        chosen = st.multiselect(
            tr("Grade"),
            grades,
            key=GRADES_KEY,
            bind="query-params",  # part of the shareable view
            placeholder=tr("All grades") if grades else tr("This edition has no grades"),
            disabled=not grades,
            persist_state="session",
        )
    return RankingFilters(prefecture, tuple(chosen), (search or "").strip())


def csv_name(edition: str, province: str | None, metric: str = "total", top: str = "all") -> str:
    """Return the download's file name: edition, province code, metric and top N if set.

    Examples
    --------
    >>> csv_name("demo-tp-2021", "520000"), csv_name("demo-tp-2021", None, "transparency", "10")
    ('rankings-demo-tp-2021-52.csv', 'rankings-demo-tp-2021-transparency-top10.csv')
    """
    where = f"-{province[:2]}" if province else ""
    by = f"-{metric}" if metric != "total" else ""
    first = f"-top{top}" if top.isdigit() else ""
    return f"rankings-{edition}{where}{by}{first}.csv"


PUBLISHED_NOTE = mark(
    "This edition published only part of its results: these are the counties its sources "
    "name, in the order published (rank where the source gives a number, else the list "
    "position), with each source. No ranks are computed for it."
)
