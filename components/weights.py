"""Your own weights: sliders, the re-ranking they give, and how stable ranks are to weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from components import i18n, routes, theme
from components.frame import links, sidebar
from components.frame.filters import Filters, format_weights
from components.i18n import speaks, tr
from components.metrics import metric_header, metric_name, metric_title, percent
from components.profile import plain
from loaders.derive.weights import (
    DEFAULT_BAND,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TOP,
    MAX_BAND,
    normalise,
)
from loaders.schemas import FIRST_LEVEL

RANGE_COLOUR = "#bdbdbd"  # neutral, so the dots' colour scale (P(top 100)) stands out

SLIDER_KEYS = {key: f"weight_{key}" for key in FIRST_LEVEL}

BAND_KEY = "sensitivity_band"

SEED_KEY = "sensitivity_seed"

TOP_N_KEY = "sensitivity_top_n"

_ZERO_WEIGHTS = "_metrics_zero_weights"


def shares_text(weights: Sequence[float]) -> str:
    """Return renormalised weights as text, zero-weight metrics left out.

    Examples
    --------
    >>> shares_text([100, 0, 0, 0, 0])
    'Transparency 100%'
    >>> shares_text([25, 25, 20, 15, 15])
    'Transparency 25% · Compliance 25% · Honoring agreements 20% · Integrity work 15% · \
Public opinion 15%'
    """
    shares = normalise(weights)
    return " · ".join(
        f"{metric_title(m)} {percent(float(s))}"
        for m, s in zip(FIRST_LEVEL, shares, strict=True)
        if s > 0
    )


def _apply_sliders() -> None:
    chosen = [float(st.session_state[SLIDER_KEYS[m]]) for m in FIRST_LEVEL]
    if sum(chosen) <= 0:
        st.session_state[_ZERO_WEIGHTS] = True  # keep the previous weights
        return
    sidebar.set_weights(chosen)


def _reset_weights() -> None:
    sidebar.set_weights(None)


def render_weight_sliders(
    chosen: Sequence[float] | None, evaluator: Sequence[float] | None
) -> tuple[float, ...]:
    """Draw one 0–100 slider per first-level metric and a reset button; return the weights.

    Sliders start from ``chosen`` (the ``weights`` parameter) or the evaluator's
    weights × 100; moving one sets the view's weights (and the URL) through
    :func:`components.frame.sidebar.set_weights`. Setting every slider to zero is refused
    with a notice.
    """
    baseline = [w * 100 for w in evaluator] if evaluator else [20.0] * len(FIRST_LEVEL)
    current = [float(w) for w in (chosen or baseline)]
    for metric, value in zip(FIRST_LEVEL, current, strict=True):
        st.session_state[SLIDER_KEYS[metric]] = value  # follow the view (URL, reset, edition)
    if st.session_state.pop(_ZERO_WEIGHTS, False):
        st.warning(tr("At least one weight must be above zero: kept the previous weights."))
    columns = st.columns(len(FIRST_LEVEL))
    for column, metric in zip(columns, FIRST_LEVEL, strict=True):
        column.slider(
            metric_title(metric),
            min_value=0.0,
            max_value=100.0,
            step=0.5,
            format="%g",
            key=SLIDER_KEYS[metric],
            on_change=_apply_sliders,
            help=tr(
                "Weight of {metric}; weights are rescaled to sum to 100%.",
                metric=metric_name(metric),
            ),
        )
    left, right = st.columns([3, 1], vertical_alignment="center")
    whose = tr("the evaluator's weights") if chosen is None else tr("your weights")
    left.caption(
        plain(tr("Composite under {whose}: {shares}.", whose=whose, shares=shares_text(current)))
    )
    right.button(
        tr("Reset to the evaluator's weights"),
        on_click=_reset_weights,
        disabled=chosen is None,
        icon=":material/restart_alt:",
    )
    return tuple(current)


def ranking_columns(ranking: pl.DataFrame, *, provincial: bool) -> pl.DataFrame:
    """Return the columns of a reweighted ranking that the page shows and exports, in order.

    Examples
    --------
    >>> r = pl.DataFrame({"adcode": ["1"], "rank": [1], "rank_national": [3], "x": [0]})
    >>> ranking_columns(r, provincial=False).columns, ranking_columns(r, provincial=True).columns
    (['rank', 'adcode'], ['rank', 'rank_national', 'adcode'])

    In Chinese the pinyin column is left out.
    """
    wanted = (
        "rank",
        *(("rank_national",) if provincial else ()),
        "evaluator_rank",
        "rank_change",
        "name_zh",
        "adcode",
        "composite",
        "total",
        *FIRST_LEVEL,
        *(() if i18n.is_zh() else ("name_pinyin",)),
        "prefecture_name_zh",
        "province_name_zh",
    )
    return ranking.select(c for c in wanted if c in ranking.columns)


def ranking_config(*, provincial: bool) -> dict[str, Any]:
    """Return ``st.dataframe`` column settings for a reweighted ranking."""
    rank_help = (
        tr("Rank within the province under the weights above; ties share the best rank.")
        if provincial
        else tr(
            "Rank among all counties assessed under the weights above; ties share the best rank."
        )
    )
    config: dict[str, Any] = {
        "rank": st.column_config.NumberColumn(
            tr("Rank"), format="%d", help=rank_help, pinned=True, width=50
        ),
        "rank_national": st.column_config.NumberColumn(tr("National"), format="%d", width=66),
        "evaluator_rank": st.column_config.NumberColumn(
            tr("Evaluator's"),
            format="%d",
            help=tr(
                "Rank under the evaluator's own weights, recomputed here from the "
                "published first-level scores (to the published 2 decimals); it equals the "
                "rank by the published total on Rankings."
            ),
            width=80,
        ),
        "rank_change": st.column_config.NumberColumn(
            tr("Move"),
            format="%+d",
            help=tr("Places gained (+) or lost (−) under your weights against the evaluator's."),
            width=60,
        ),
        "name_zh": st.column_config.TextColumn(tr("County"), pinned=True, width=120),
        "adcode": st.column_config.TextColumn(tr("Adcode"), width=70),
        "composite": st.column_config.NumberColumn(
            tr("Composite"),
            format="%.2f",
            help=tr("Weighted mean under the weights above."),
            width=80,
        ),
        "total": st.column_config.NumberColumn(
            tr("Total"), format="%.2f", help=tr("The evaluator's published total."), width=60
        ),
        "name_pinyin": st.column_config.TextColumn(tr("Pinyin")),
        "prefecture_name_zh": st.column_config.TextColumn(tr("Prefecture")),
        "province_name_zh": st.column_config.TextColumn(tr("Province")),
    }
    if i18n.is_zh():
        del config["name_pinyin"]  # no pinyin in Chinese (ranking_columns leaves it out)
    for key in FIRST_LEVEL:
        config[key] = st.column_config.NumberColumn(
            metric_header(key),
            format="%.1f",
            help=metric_name(key),
            width=96 if key == "transparency" else 84,
        )
    return config


def render_movers(movers: pl.DataFrame, config: Mapping[str, Any]) -> None:
    """Draw the table of the biggest rank movers, or say that no county moves."""
    if movers.is_empty():
        st.caption(tr("No county moves: these are the evaluator's weights (or rank the same)."))
        return
    height = min(420, 38 + 35 * movers.height)
    st.dataframe(movers, hide_index=True, column_config=config, height=height, placeholder="–")


def csv_name(edition: str, weights: Sequence[float] | None, province: str | None) -> str:
    """Return the download's file name: edition, weights and, for a province view, its code.

    Examples
    --------
    >>> csv_name("demo-tp-2021", (100, 0, 12.5, 0, 0), "520000")
    'reweighted-demo-tp-2021-w100-0-12.5-0-0-52.csv'
    """
    w = "-w" + format_weights(weights).replace(",", "-") if weights else ""
    where = f"-{province[:2]}" if province else ""
    return f"reweighted-{edition}{w}{where}.csv"


def render_sensitivity_controls(*, with_top_n: bool = True) -> tuple[float, int, int]:
    """Draw the band, seed and (optionally) how-many-counties controls; return them.

    The values are kept for the session, so the metrics page and the county profile
    use the same band and seed. Returns ``(band, seed, n)`` with band as a fraction.
    """
    st.session_state.setdefault(BAND_KEY, round(DEFAULT_BAND * 100))
    st.session_state.setdefault(SEED_KEY, DEFAULT_SEED)
    st.session_state.setdefault(TOP_N_KEY, 30)
    columns = st.columns(3 if with_top_n else 2)
    columns[0].slider(
        tr("Weight band ± %"),
        min_value=0,
        max_value=round(MAX_BAND * 100),
        step=5,
        key=BAND_KEY,
        bind="query-params",  # part of the shareable view
        persist_state="session",
        help=tr(
            "Each weight varies independently within ± this share of itself; the "
            "varied weights are rescaled to sum to 100%."
        ),
    )
    columns[1].number_input(
        tr("Random seed"),
        min_value=0,
        max_value=2**31 - 1,
        step=1,
        key=SEED_KEY,
        bind="query-params",  # part of the shareable view
        persist_state="session",
        help=tr("The same seed gives the same samples. Default {seed}.", seed=DEFAULT_SEED),
    )
    if with_top_n:
        columns[2].slider(
            tr("Counties shown"),
            min_value=10,
            max_value=100,
            step=5,
            key=TOP_N_KEY,
            bind="query-params",  # part of the shareable view
            persist_state="session",
        )
    band = int(st.session_state[BAND_KEY]) / 100
    return band, int(st.session_state[SEED_KEY]), int(st.session_state[TOP_N_KEY])


def _range_labels(rows: pl.DataFrame, where: str) -> list[str]:
    """Return "rank. county · place" per row, escaped (pinyin beside the county in English)."""
    pinyin = pl.col("name_pinyin") if "name_pinyin" in rows.columns else pl.lit(None)
    named = rows.select("rank", "name_zh", pinyin.alias("pinyin"), where).iter_rows()
    return [
        theme.plotly_escape(f"{rank}. {i18n.county_name(name, spelled)} · {place}")
        for rank, name, spelled, place in named
    ]


@speaks
def range_figure(
    ranges: pl.DataFrame,
    *,
    n: int,
    top: int = DEFAULT_TOP,
    title: str,
    where: str = "province_name_zh",
    lang: str,
) -> go.Figure:
    """Return the best-to-worst rank range of the ``n`` best-ranked counties of ``ranges``.

    Each county is a line from its best to its worst rank with a dot at its rank
    under the chosen weights, coloured by its chance of being in the top ``top``.

    Parameters
    ----------
    ranges
        :func:`loaders.weights.sensitivity` rows (``name_zh``, ``province_name_zh``,
        ``adcode``, ``rank``, ``best_rank``, ``worst_rank``, ``p_top``).
    n
        How many counties to draw (best ranks first).
    top
        The cut-off of the probability, drawn as a dashed line.
    title
        Figure title.
    where
        Column that says where each county lies (its province, or its prefecture in a
        province view), shown after its name: ``province_name_en`` or
        ``prefecture_name_en`` in English. In English the county's pinyin
        (``name_pinyin``) stands beside its Chinese name.

    Examples
    --------
    >>> r = pl.DataFrame({"name_zh": ["甲", "乙"], "province_name_zh": ["P", "P"],
    ...     "adcode": ["1", "2"], "rank": [2, 1], "best_rank": [1, 1],
    ...     "worst_rank": [5, 3], "p_top": [0.5, 1.0]})
    >>> fig = range_figure(r, n=2, top=2, title="t", lang="en")
    >>> list(fig.data[0].x), list(fig.data[1].x), list(fig.data[1].marker.color)
    ([1, 3, None, 1, 5, None], [1, 2], [1.0, 0.5])
    """
    rows = ranges.filter(pl.col("rank").is_not_null()).sort("rank", "adcode").head(n)
    labels = _range_labels(rows, where)
    xs: list[int | None] = []
    ys: list[str | None] = []
    for label, best, worst in zip(labels, rows["best_rank"], rows["worst_rank"], strict=True):
        xs += [best, worst, None]
        ys += [label, label, None]
    custom = list(
        zip(
            rows["best_rank"].to_list(),
            rows["worst_rank"].to_list(),
            rows["adcode"].to_list(),
            strict=True,
        )
    )
    chance = tr("P(top {top})", top=top)
    fig = go.Figure(
        [
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": RANGE_COLOUR, "width": 6},
                hoverinfo="skip",
                name=tr("best to worst rank"),
            ),
            go.Scatter(
                x=rows["rank"].to_list(),
                y=labels,
                mode="markers",
                marker={
                    "color": rows["p_top"].to_list(),
                    "cmin": 0,
                    "cmax": 1,
                    "colorscale": theme.sequential_scale(),
                    "size": 10,
                    "line": {"color": theme.OUTLINE, "width": 1},
                    "colorbar": {"title": chance, "thickness": 12},
                },
                customdata=custom,
                hovertemplate="%{y}<br>"
                + tr("rank %{x} at the chosen weights")
                + "<br>"
                + tr("best %{customdata[0]}, worst %{customdata[1]}")
                + f"<br>{chance} = %{{marker.color:.0%}}<br>"
                + tr("adcode")
                + " %{customdata[2]}<extra></extra>",
                name=tr("rank at the chosen weights"),
            ),
        ]
    )
    fig.add_vline(
        x=top + 0.5,
        line={"dash": "dash", "color": theme.PUBLISHED, "width": 1},
        annotation={
            "text": tr("top {top}", top=top),
            "font": {"color": theme.PUBLISHED, "size": 11},
        },
        annotation_position="bottom right",
    )
    fig.update_layout(
        height=140 + 20 * rows.height,
        margin={"l": 0, "r": 0, "t": 96, "b": 0},
        title={
            "text": theme.plotly_escape(title),
            "font": {"size": 14},
            "y": 0.995,
            "yanchor": "top",
        },
        xaxis={"title": tr("national rank (1 = best)"), "rangemode": "tozero", "side": "top"},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
        showlegend=False,
        font={"family": theme.FONT},
    )
    return fig


def sensitivity_caption(
    *, band: float, seed: int, samples: int = DEFAULT_SAMPLES, top: int = 100
) -> str:
    """Return the sentence that says how the rank ranges were computed.

    Examples
    --------
    >>> sensitivity_caption(band=0.5, seed=7)  # doctest: +ELLIPSIS
    'Each weight varied within ±50% ... 1,000 sampled weight vectors (seed 7) ...'
    """
    return tr(
        "Each weight varied within ±{band}% of itself, independently, and rescaled to sum "
        "to 100%: {samples} sampled weight vectors (seed {seed}) plus the chosen weights. "
        "Best and worst are national ranks over all of them; P(top {top}) is the share of "
        "samples that put the county in the top {top}.",
        band=f"{band * 100:.0f}",
        samples=f"{samples:,}",
        seed=seed,
        top=top,
    )


def render_sensitivity_caption(weights: Sequence[float], *, band: float, seed: int) -> None:
    """Say how the ranges were computed, and why they are empty when one metric has all weight."""
    if int((normalise(weights) > 0).sum()) < 2:
        st.info(
            tr(
                "Only one metric has a weight above zero: varying it changes nothing, so "
                "every rank is fixed. Give two or more metrics a weight to see how ranks move."
            ),
            icon=":material/info:",
        )
    st.caption(sensitivity_caption(band=band, seed=seed))


def chance_text(p: float) -> str:
    """Return a probability as a percentage that never rounds a possibility away.

    Examples
    --------
    >>> [chance_text(p) for p in (0.0, 0.004, 0.25, 0.996, 1.0)]
    ['0%', '<1%', '25%', '>99%', '100%']
    """
    if 0 < p < 0.01:
        return "<1%"
    if 0.99 < p < 1:
        return ">99%"
    return f"{p:.0%}"


def weights_text(chosen: Sequence[float] | None, evaluator: Sequence[float] | None) -> str:
    """Return which weights a view uses, spelled out.

    Examples
    --------
    >>> weights_text(None, (0.5, 0.5, 0, 0, 0))
    "the evaluator's weights (Transparency 50% · Compliance 50%)"
    >>> weights_text((1, 0, 0, 0, 0), None)
    'your weights (Transparency 100%)'
    """
    if chosen:
        return tr("your weights ({shares})", shares=shares_text(chosen))
    if evaluator:
        return tr("the evaluator's weights ({shares})", shares=shares_text(evaluator))
    return tr(
        "equal weights, as the evaluator published none ({shares})",
        shares=shares_text([1.0] * 5),
    )


def render_county_sensitivity(
    row: Mapping[str, Any] | None,
    filters: Filters,
    *,
    band: float,
    seed: int,
    evaluator_weights: Sequence[float] | None,
) -> None:
    """Draw a county's rank range under the view's weights: rank, best, worst, P(top 100).

    ``row`` is ``loaders.weights.county_sensitivity`` at ``band`` and ``seed`` (the
    metrics page's controls, kept for the session); None for a county not ranked in the
    edition, which gets a sentence instead.
    """
    chosen = filters.weights
    if row is None:
        st.info(
            tr("Not ranked in this edition, so there is no rank range."), icon=":material/info:"
        )
        return
    top = DEFAULT_TOP
    columns = st.columns(4)
    columns[0].metric(
        tr("Rank at these weights"),
        tr("{rank} of {total}", rank=f"{row['rank']:,}", total=f"{row['n_ranked']:,}"),
    )
    columns[1].metric(tr("Best rank in the band"), f"{row['best_rank']:,}")
    columns[2].metric(tr("Worst rank in the band"), f"{row['worst_rank']:,}")
    columns[3].metric(tr("Chance of top {top}", top=top), chance_text(row["p_top"]))
    used = weights_text(chosen, evaluator_weights)
    note = tr(
        "Ranks here are recomputed from the published first-level scores to 2 decimals; "
        "at the evaluator's weights they equal the ranks above."
    )
    caption = sensitivity_caption(band=band, seed=seed)
    space = "" if i18n.is_zh() else " "  # Chinese sentences follow each other unspaced
    st.caption(plain(space.join((tr("Weights: {used}.", used=used), note, caption))))
    links.render(
        links.Links(filters).to(routes.METRICS), tr("Set your own weights"), icon=":material/tune:"
    )
