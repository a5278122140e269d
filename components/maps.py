"""County choropleths: geometry by URL from static/, fixed China extent, South China Sea inset."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from components import theme

# Plotly's geo subplot fetches a base-map topojson even when every base layer is off;
# pointing it at static/ keeps the browser off the CDN (DESIGN.md §3a).
CONFIG = {
    "topojsonURL": "app/static/topojson/",
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}
CHINA_LON = (73.4, 135.2)
CHINA_LAT = (17.6, 53.7)
INSET_LON = (106.0, 123.0)
INSET_LAT = (3.0, 23.5)
# Counties drawn in the South China Sea inset: the coast around it and the islands.
INSET_PROVINCES = ("44", "45", "46", "71")
QUANTILES = 5


@dataclass(frozen=True)
class Classing:
    """How scores map to colours: the values to colour and the legend that explains them."""

    z: pl.Series
    colorscale: list[list[float | str]]
    cmin: float
    cmax: float
    tickvals: list[float] | None
    ticktext: list[str] | None
    title: str


def classify(
    scores: pl.Series,
    *,
    classes: str,
    label: str,
    grades: pl.Series | None = None,
    grade_scale: pl.DataFrame | None = None,
) -> Classing:
    """Map scores to colour values: ``continuous``, ``quantile``, ``equal`` or ``grade``.

    Quantile classing breaks at the quintiles (tied breaks merge, so no class is
    empty); equal classing uses five equal-width intervals; grade classing colours
    each county by its ``grades`` label on the edition's bands (lowest first). With
    too few distinct values, or grade classing without grades, it falls back to
    continuous. ``label`` is escaped for Plotly's pseudo-HTML.

    Examples
    --------
    >>> s = pl.Series([10.0, 20.0, 30.0, 40.0, 50.0])
    >>> classify(s, classes="quantile", label="x").z.to_list()
    [0, 1, 2, 3, 4]
    >>> classify(pl.Series([60.0] * 6 + [70.0, 90.0]), classes="quantile", label="x").ticktext
    ['60.0–66.0', '66.0–90.0']
    >>> scale = pl.DataFrame({"grade": ["A", "B"], "min_score": [30.0, 0.0]})
    >>> g = pl.Series(["B", "B", "A", "A", "A"])
    >>> classify(s, classes="grade", grades=g, grade_scale=scale, label="x").z.to_list()
    [0, 0, 1, 1, 1]
    """
    label = theme.plotly_escape(label)
    valid = scores.drop_nulls()
    if classes in ("quantile", "equal") and valid.n_unique() >= 2:
        low, high = float(valid.min()), float(valid.max())  # type: ignore[arg-type]
        if classes == "quantile":
            cuts = [valid.quantile(i / QUANTILES, "linear") for i in range(1, QUANTILES)]
            title = "quintiles"
        else:
            cuts = [low + (high - low) * i / QUANTILES for i in range(1, QUANTILES)]
            title = "equal intervals"
        breaks = sorted({round(float(c), 6) for c in cuts if c is not None and low < c <= high})
        z = pl.Series([None if v is None else sum(v >= b for b in breaks) for v in scores])
        edges = [low, *breaks, high]
        k = len(edges) - 1
        text = [f"{edges[i]:.1f}–{edges[i + 1]:.1f}" for i in range(k)]
        ticks = [float(i) for i in range(k)]
        scale = theme.discrete_scale(k)
        return Classing(z, scale, -0.5, k - 0.5, ticks, text, f"{_wrap(label)} ({title})")
    if classes == "grade" and grades is not None and grade_scale is not None:
        order = grade_scale.sort("min_score").get_column("grade").to_list()
        index = {grade: i for i, grade in enumerate(order)}
        z = pl.Series([index.get(g) for g in grades], dtype=pl.Int64)
        k = len(order)
        ticks = [float(i) for i in range(k)]
        text = [theme.plotly_escape(g) for g in order]
        title = "Grade of the total (illustrative scale)"
        return Classing(z, theme.discrete_scale(k), -0.5, k - 0.5, ticks, text, title)
    return Classing(scores, theme.sequential_scale(), *_range(scores), None, None, _wrap(label))


def _wrap(label: str) -> str:
    # Put a Chinese name on its own line so the legend title stays narrow.
    head, _, tail = label.rpartition(" ")
    return f"{head}<br>{tail}" if head and not tail.isascii() else label


def _range(scores: pl.Series) -> tuple[float, float]:
    valid = scores.drop_nulls()
    if valid.is_empty():
        return 0.0, 100.0
    return float(valid.min()), float(valid.max())  # type: ignore[arg-type]


def _text(column: str) -> pl.Expr:
    # NOTE: Plotly renders hover templates as pseudo-HTML; data values go in escaped.
    return theme.plotly_escape_expr(pl.col(column).cast(pl.String).fill_null("—"))


def hover_frame(view: pl.DataFrame) -> pl.DataFrame:
    """Return the hover fields of each county, in ``view`` order, as compactly as possible.

    Columns: name_zh, name_pinyin, prefecture, province (escaped text), score,
    rank_national, n_national, rank_province, n_province (numbers), grade, reason.
    """
    return view.select(
        _text("name_zh"),
        _text("name_pinyin"),
        _text("prefecture_name_zh"),
        _text("province_name_zh"),
        pl.col("score").round(2),
        "rank_national",
        "n_national",
        "rank_province",
        "n_province",
        _text("grade"),
        _text("reason"),
    )


def _customdata(view: pl.DataFrame, *, scored: bool) -> list[tuple[object, ...]]:
    hover = hover_frame(view)
    keep = hover.columns[:10] if scored else [*hover.columns[:4], "reason"]
    return hover.select(keep).rows()


def _outlines(
    view: pl.DataFrame, url: str, province: str | None, geo: str = "geo"
) -> go.Choropleth:
    """Return the province-outline trace drawn over the counties (hover passes through)."""
    provinces = [province] if province else sorted(view["province_adcode"].unique())
    return go.Choropleth(
        geojson=url,
        featureidkey="properties.adcode",
        locations=provinces,
        z=[0] * len(provinces),
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        showscale=False,
        hoverinfo="skip",
        marker={"line": {"color": theme.OUTLINE, "width": 0.8}},
        name="provinces",
        showlegend=False,
        geo=geo,
    )


def _geo(province: str | None) -> dict[str, object]:
    """Return the geo layout: a fixed China extent, or fitted to a province's counties."""
    base = {
        "visible": False,
        "showframe": False,
        "projection": {"type": "mercator"},
        "bgcolor": "rgba(0,0,0,0)",
    }
    if province:
        return base | {"fitbounds": "locations"}
    return base | {"lonaxis": {"range": list(CHINA_LON)}, "lataxis": {"range": list(CHINA_LAT)}}


def choropleth(
    view: pl.DataFrame,
    *,
    metric_label: str,
    counties_url: str,
    outlines_url: str,
    classes: str = "continuous",
    grade_scale: pl.DataFrame | None = None,
    province: str | None = None,
    metric: str = "total",
    synthetic: bool = False,
) -> go.Figure:
    """Build the county choropleth of one edition and metric.

    Geometry is passed by URL (Plotly fetches it once), so the figure carries only
    codes, colour values and hover text.

    Parameters
    ----------
    view
        ``loaders.assessments.county_view`` rows to draw (one province's when zoomed).
    metric_label
        Name of the metric for the legend and hover.
    counties_url, outlines_url
        Static URLs of the county layer and of the province outlines.
    classes
        ``continuous``, ``quantile``, ``equal`` or ``grade`` (total score only).
    grade_scale
        The edition's grade bands (``grade``, ``min_score``), if it has any.
    province
        Six-digit province adcode: zoom to it and outline only it.
    metric
        The metric's indicator id (grade classing applies to ``total`` only).
    synthetic
        Put the synthetic-data mark inside the figure (it travels with a saved image).

    Returns
    -------
    A figure whose first trace holds the assessed counties, the second the counties
    not assessed (grey, with the reason in the hover), the third the outlines; the
    national view adds the same three in the South China Sea inset (``geo2``).
    """
    assessed = view.filter(pl.col("score").is_not_null())
    classing = classify(
        assessed.get_column("score"),
        classes=classes,
        label=metric_label,
        # Grades belong to the total score; another metric is never coloured by them.
        grades=assessed.get_column("grade") if metric == "total" else None,
        grade_scale=grade_scale,
    )
    scored = assessed.with_columns(_z=classing.z)
    missing = view.filter(pl.col("score").is_null())
    label = theme.plotly_escape(metric_label)
    head = "<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}<br>"
    ranks = (
        "National rank %{customdata[5]} of %{customdata[6]}<br>"
        "Provincial rank %{customdata[7]} of %{customdata[8]}"
    )
    grade = "<br>Grade %{customdata[9]} (illustrative)" if grade_scale is not None else ""
    scored_template = f"{head}{label}: %{{customdata[4]:.2f}}<br>{ranks}{grade}<extra></extra>"
    missing_template = f"{head}Not assessed: %{{customdata[4]}}<extra></extra>"
    line = {"line": {"color": theme.COUNTY_LINE, "width": 0.2}}

    fig = go.Figure()
    for geo in ("geo",) if province else ("geo", "geo2"):
        part = (lambda f: f) if geo == "geo" else _inset
        rows_scored, rows_missing = part(scored), part(missing)
        fig.add_trace(
            go.Choropleth(
                geojson=counties_url,
                featureidkey="properties.adcode",
                locations=rows_scored.get_column("adcode").to_list(),
                z=rows_scored.get_column("_z").to_list(),
                coloraxis="coloraxis",
                customdata=_customdata(rows_scored, scored=True),
                hovertemplate=scored_template,
                marker=line,
                name="assessed",
                geo=geo,
            )
        )
        fig.add_trace(
            go.Choropleth(
                geojson=counties_url,
                featureidkey="properties.adcode",
                locations=rows_missing.get_column("adcode").to_list(),
                z=[0] * rows_missing.height,
                colorscale=[[0, theme.NOT_ASSESSED], [1, theme.NOT_ASSESSED]],
                showscale=False,
                customdata=_customdata(rows_missing, scored=False),
                hovertemplate=missing_template,
                marker=line,
                name="not assessed",
                geo=geo,
            )
        )
        fig.add_trace(_outlines(part(view), outlines_url, province, geo))
    colorbar = {
        "title": {"text": classing.title, "side": "top"},
        "orientation": "h",
        "thickness": 12,
        "len": 0.5,
        "x": 0.02,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "top",
    }
    if classing.tickvals is not None:
        colorbar |= {"tickvals": classing.tickvals, "ticktext": classing.ticktext}
    fig.update_layout(
        coloraxis={
            "colorscale": classing.colorscale,
            "cmin": classing.cmin,
            "cmax": classing.cmax,
            "colorbar": colorbar,
        },
        # The synthetic mark sits on its own line above the grey note: side by side they
        # overlap on a phone-wide screen.
        margin={"l": 0, "r": 0, "t": 44 if synthetic else 24, "b": 70},
        height=620,
        font={"family": theme.FONT},
        dragmode=False,
        annotations=[
            _missing_note(view),
            *([theme.synthetic_mark() | {"yshift": 20}] if synthetic else []),
        ],
    )
    if province:
        fig.update_layout(geo=_geo(province))
    else:
        inset = {"visible": False, "projection": {"type": "mercator"}}
        fig.update_layout(
            geo=_geo(None) | {"domain": {"x": [0.0, 1.0], "y": [0.0, 1.0]}},
            geo2=inset
            | {
                "showframe": True,
                "framecolor": theme.OUTLINE,
                "framewidth": 0.6,
                "lonaxis": {"range": list(INSET_LON)},
                "lataxis": {"range": list(INSET_LAT)},
                "domain": {"x": [0.82, 0.99], "y": [0.02, 0.32]},
            },
        )
    return fig


def _inset(view: pl.DataFrame) -> pl.DataFrame:
    return view.filter(pl.col("adcode").str.slice(0, 2).is_in(INSET_PROVINCES))


def _missing_note(view: pl.DataFrame) -> dict[str, object]:
    counts = view.filter(pl.col("score").is_null()).group_by("status").len()
    parts = [f"{n:,} {status.replace('_', ' ')}" for status, n in counts.sort("status").rows()]
    text = "Grey: not assessed" + (f" ({', '.join(parts)})" if parts else "")
    return {
        "text": text,
        "x": 0.0,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 11, "color": "#555"},
        "bgcolor": "rgba(255,255,255,0.8)",
    }


STATUS_COLOURS = {
    "assessed": theme.SEQUENTIAL[6],
    "published": theme.PUBLISHED,
    "not_published": theme.NOT_ASSESSED,
    "not_covered": "#bdbdbd",
    "excluded": "#636363",
}
STATUS_LABELS = {
    "assessed": "assessed",
    "published": "named in published results",
    "not_published": "not named in the published results",
    "not_covered": "not covered",
    "excluded": "excluded",
}


def status_map(
    view: pl.DataFrame,
    *,
    counties_url: str,
    outlines_url: str,
    province: str | None = None,
    synthetic: bool = False,
) -> go.Figure:
    """Build the coverage ledger map: each county coloured by its status in the edition.

    One trace per status present (assessed, named in published results, not covered,
    excluded), each with a legend entry; the hover gives the county and the reason.
    """
    fig = go.Figure()
    head = "<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}<br>"
    for status, colour in STATUS_COLOURS.items():
        rows = view.filter(pl.col("status") == status)
        if rows.is_empty():
            continue
        fig.add_trace(
            go.Choropleth(
                geojson=counties_url,
                featureidkey="properties.adcode",
                locations=rows.get_column("adcode").to_list(),
                z=[0] * rows.height,
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                showlegend=True,
                name=f"{STATUS_LABELS[status]} ({rows.height:,})",
                customdata=_customdata(rows, scored=False),
                hovertemplate=head
                + STATUS_LABELS[status]
                + ("" if status == "assessed" else ": %{customdata[4]}")
                + "<extra></extra>",
                marker={"line": {"color": theme.COUNTY_LINE, "width": 0.2}},
            )
        )
    fig.add_trace(_outlines(view, outlines_url, province))
    fig.update_layout(
        geo=_geo(province),
        height=480,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        legend={"orientation": "h", "y": 0.0, "x": 0.0, "yanchor": "top"},
        font={"family": theme.FONT},
        dragmode=False,
        annotations=[theme.synthetic_mark()] if synthetic else [],
    )
    return fig


BAND_LABELS = {
    "member": "member of the list or designation",
    "proposed_member": "proposed for the list (not yet named)",
    "near_top": "near the top (no number given)",
    "top5": "in the top 5",
    "top10": "in the top 10",
    "top20": "in the top 20",
    "top100": "in the top 100",
}


def published_position(view: pl.DataFrame) -> pl.DataFrame:
    """Add ``position`` (published rank, else list position) and a plain ``published`` label.

    Examples
    --------
    >>> v = pl.DataFrame({"published_rank": [5, None, None], "published_list_pos": [None, 2, None],
    ...     "published_band": ["top10", "top10", "member"], "score": [None, None, 68.7]})
    >>> published_position(v)["published"].to_list()
    ['rank 5 · top10', 'list position 2 · top10', 'member · score 68.7']
    """
    rank = pl.format("rank {}", pl.col("published_rank"))
    listed = pl.format("list position {}", pl.col("published_list_pos"))
    label = pl.concat_str(
        [
            pl.when(pl.col("published_rank").is_not_null())
            .then(rank)
            .when(pl.col("published_list_pos").is_not_null())
            .then(listed),
            pl.col("published_band"),
            pl.when(pl.col("score").is_not_null()).then(
                pl.format("score {}", pl.col("score").round(2))
            ),
        ],
        separator=" · ",
        ignore_nulls=True,
    )
    return view.with_columns(
        position=pl.coalesce("published_rank", "published_list_pos"),
        published=label,
    )


def published_map(
    view: pl.DataFrame,
    *,
    counties_url: str,
    outlines_url: str,
    province: str | None = None,
) -> go.Figure:
    """Map a real edition's published results: only the counties it named are coloured.

    Counties with a published rank or list position are coloured by that position
    (1 darkest); counties named only as members of a list or band get one colour per
    band; every other county is grey and "not published" — never a low score.
    """
    view = published_position(view)
    head = "<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}<br>"
    source = "<br>Source: %{customdata[5]}"

    def custom(rows: pl.DataFrame) -> list[tuple[object, ...]]:
        return rows.select(
            _text("name_zh"),
            _text("name_pinyin"),
            _text("prefecture_name_zh"),
            _text("province_name_zh"),
            _text("published"),
            pl.col("published_source_kind").fill_null("not recorded").str.replace_all("_", " "),
        ).rows()

    fig = go.Figure()
    ranked = view.filter(pl.col("position").is_not_null())
    banded = view.filter(pl.col("position").is_null() & (pl.col("status") == "published"))
    others = view.filter(pl.col("status") != "published")
    line = {"line": {"color": theme.COUNTY_LINE, "width": 0.2}}
    fig.add_trace(
        go.Choropleth(
            geojson=counties_url,
            featureidkey="properties.adcode",
            locations=others.get_column("adcode").to_list(),
            z=[0] * others.height,
            colorscale=[[0, theme.NOT_ASSESSED], [1, theme.NOT_ASSESSED]],
            showscale=False,
            showlegend=True,
            name=f"not published ({others.height:,})",
            customdata=_customdata(others, scored=False),
            hovertemplate=head + "Not named in this edition's published results<extra></extra>",
            marker=line,
        )
    )
    bands = sorted(banded.get_column("published_band").fill_null("named").unique())
    colours = theme.classed_colours(max(len(bands), 2))[-len(bands) :] if bands else []
    for band, colour in zip(bands, colours, strict=True):
        rows = banded.filter(pl.col("published_band").fill_null("named") == band)
        fig.add_trace(
            go.Choropleth(
                geojson=counties_url,
                featureidkey="properties.adcode",
                locations=rows.get_column("adcode").to_list(),
                z=[0] * rows.height,
                colorscale=[[0, theme.PUBLISHED], [1, theme.PUBLISHED]]
                if len(bands) == 1
                else [[0, colour], [1, colour]],
                showscale=False,
                showlegend=True,
                name=theme.plotly_escape(
                    f"{BAND_LABELS.get(band, 'named: ' + band)} ({rows.height})"
                ),
                customdata=custom(rows),
                hovertemplate=head + "%{customdata[4]}" + source + "<extra></extra>",
                marker={"line": {"color": theme.OUTLINE, "width": 0.6}},
            )
        )
    if not ranked.is_empty():
        worst = int(ranked.get_column("position").max())  # type: ignore[arg-type]
        fig.add_trace(
            go.Choropleth(
                geojson=counties_url,
                featureidkey="properties.adcode",
                locations=ranked.get_column("adcode").to_list(),
                z=ranked.get_column("position").to_list(),
                zmin=1,
                zmax=max(worst, 2),
                colorscale=[[0, theme.SEQUENTIAL[-1]], [1, theme.SEQUENTIAL[2]]],
                colorbar={
                    "title": {"text": "Published position<br>(1 = first)", "side": "top"},
                    "orientation": "h",
                    "thickness": 12,
                    "len": 0.4,
                    "x": 0.6,
                    "y": 0.0,
                    "yanchor": "top",
                },
                name=f"ranked or listed ({ranked.height})",
                showlegend=True,
                customdata=custom(ranked),
                hovertemplate=head + "%{customdata[4]}" + source + "<extra></extra>",
                marker={"line": {"color": theme.OUTLINE, "width": 0.6}},
            )
        )
    fig.add_trace(_outlines(view, outlines_url, province))
    fig.update_layout(
        geo=_geo(province),
        height=620,
        margin={"l": 0, "r": 0, "t": 24, "b": 70},
        legend={"orientation": "h", "y": 1.0, "x": 0.0, "yanchor": "bottom"},
        font={"family": theme.FONT},
        dragmode=False,
    )
    return fig
