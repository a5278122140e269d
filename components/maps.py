"""County choropleths: geometry by URL from static/, fixed China extent, South China Sea inset."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go
import polars as pl

from components import theme
from components.classing import Classing, classify
from components.i18n import county_name, is_zh, labels, mark, pick, speaks, tr, translated
from loaders import geo
from loaders.derive.universe import region_expr

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Plotly's geo subplot fetches a base-map topojson even when every base layer is off;
# pointing it at static/ keeps the browser off the CDN (DESIGN.md §3a).
CONFIG = {
    "topojsonURL": "app/static/topojson/",
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}
CHINA_LON, CHINA_LAT = geo.CHINA_LON, geo.CHINA_LAT
INSET_LON = (106.0, 123.0)
INSET_LAT = (3.0, 23.5)
# Counties drawn in the South China Sea inset: the coast around it and the islands.
INSET_PROVINCES = ("44", "45", "46", "71")


def _text(column: str) -> pl.Expr:
    # NOTE: Plotly renders hover templates as pseudo-HTML; data values go in escaped.
    return theme.plotly_escape_expr(pl.col(column).cast(pl.String).fill_null("—"))


def _pinyin() -> pl.Expr:
    # Pinyin stands beside the Chinese name in English only.
    return pl.lit("").alias("name_pinyin") if is_zh() else _text("name_pinyin")


def _place(level: str, columns: Sequence[str]) -> pl.Expr:
    """Return a county's prefecture or province (``level``) as hover text, escaped.

    In English the English (pinyin) name with the Chinese beside it ("Guiyang 贵阳市"),
    where the view has ``{level}_name_en``; in Chinese the Chinese name only.
    """
    zh = pl.col(f"{level}_name_zh").cast(pl.String)
    english = f"{level}_name_en"
    shown = zh
    if not is_zh() and english in columns:
        en = pl.col(english).cast(pl.String)
        both = pl.format("{} {}", en, zh)
        shown = pl.when(en.is_null() | (en == zh)).then(zh).otherwise(both)
    return theme.plotly_escape_expr(shown.fill_null("—")).alias(level)


def _reason() -> pl.Expr:
    # NOTE: the data's reasons are English only; in Chinese the status says why instead.
    if not is_zh():
        return _text("reason")
    return pl.col("status").replace_strict(status_words(), default="—").alias("reason")


def status_words() -> dict[str, str]:
    """Return each county status's words in the interface language (for Polars ``replace``)."""
    return translated(labels.COUNTY_STATUSES)


def hover_frame(view: pl.DataFrame) -> pl.DataFrame:
    """Return the hover fields of each county, in ``view`` order, as compactly as possible.

    Columns: name_zh, name_pinyin, prefecture, province (escaped text), score,
    rank_national, n_national, rank_province, n_province (numbers), grade, reason.
    In English prefecture and province are "English 中文" where the view has the
    English names; in Chinese, name_pinyin is empty, the places are in Chinese and
    reason is the county's status in Chinese (the data's reasons are English only).
    """
    return view.select(
        _text("name_zh"),
        _pinyin(),
        _place("prefecture", view.columns),
        _place("province", view.columns),
        pl.col("score").round(2),
        "rank_national",
        "n_national",
        "rank_province",
        "n_province",
        _text("grade"),
        _reason(),
    )


def _head() -> str:
    """Return the hover's first lines: name (with pinyin in English), prefecture, province."""
    pinyin = "" if is_zh() else " %{customdata[1]}"
    return f"<b>%{{customdata[0]}}</b>{pinyin}<br>%{{customdata[2]}} · %{{customdata[3]}}<br>"


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
        name=tr("provinces"),
        showlegend=False,
        geo=geo,
    )


def _flat(
    rows: pl.DataFrame,
    colour: str,
    *,
    counties_url: str,
    name: str,
    customdata: list[tuple[object, ...]],
    hovertemplate: str,
    line: tuple[str, float] = (theme.COUNTY_LINE, 0.2),
) -> go.Choropleth:
    """Return one legend entry of counties drawn in one colour (a status, a band)."""
    return go.Choropleth(
        geojson=counties_url,
        featureidkey="properties.adcode",
        locations=rows.get_column("adcode").to_list(),
        z=[0] * rows.height,
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        showlegend=True,
        name=name,
        customdata=customdata,
        hovertemplate=hovertemplate + "<extra></extra>",
        marker={"line": {"color": line[0], "width": line[1]}},
    )


def outline_county(fig: go.Figure, adcode: str, counties_url: str) -> go.Figure:
    """Return ``fig`` with one county outlined in black, above the others (a found county).

    Examples
    --------
    >>> fig = outline_county(go.Figure(), "520123", "u")
    >>> fig.data[-1].locations, fig.data[-1].marker.line.width
    (('520123',), 3)
    """
    fig = go.Figure(fig)
    fig.add_trace(
        go.Choropleth(
            geojson=counties_url,
            featureidkey="properties.adcode",
            locations=[adcode],
            z=[0],
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            showscale=False,
            hoverinfo="skip",
            marker={"line": {"color": "#000000", "width": 3}},
            name=tr("the county found"),
            showlegend=False,
        )
    )
    return fig


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


def _markers(points: pl.DataFrame, custom: list[tuple[object, ...]], hover: str) -> go.Scattergeo:
    """Return a marker on every named county: one too small to see at this zoom still shows."""
    return go.Scattergeo(
        lon=points.get_column("lon").to_list(),
        lat=points.get_column("lat").to_list(),
        mode="markers",
        marker={"size": 7, "color": theme.PUBLISHED, "line": {"color": "white", "width": 1}},
        name=tr("named counties"),
        showlegend=False,
        customdata=custom,
        hovertemplate=hover + "<extra></extra>",
    )


# The smallest extent a map of named counties opens on (degrees): a province, roughly.
MIN_SPAN = (8.0, 6.0)
# Degrees of longitude per degree of latitude that fill the map's frame (about 1.2 times
# wider than tall, and a degree of longitude is ~0.8 of one of latitude in Mercator here).
ASPECT = 1.4


def extent(points: pl.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return the (lon, lat) ranges that hold every point, padded, at least ``MIN_SPAN``.

    The narrower axis is widened to the frame's shape (:data:`ASPECT`), so points along
    the coast from Beijing to Shenzhen open on a map as wide as it is tall, not a strip.
    No points, or points spread wider than China: China's extent.

    Examples
    --------
    >>> extent(pl.DataFrame({"lon": [106.5, 106.7], "lat": [26.9, 27.1]}))
    ((102.4, 110.8), (24.0, 30.0))
    >>> extent(pl.DataFrame({"lon": [116.4, 121.5, 114.1], "lat": [39.9, 31.2, 22.5]}))
    ((103.2, 132.4), (20.8, 41.6))
    """
    if points.is_empty():
        return CHINA_LON, CHINA_LAT
    middles, halves = [], []
    for axis, minimum in (("lon", MIN_SPAN[0]), ("lat", MIN_SPAN[1])):
        low, high = float(points[axis].min()), float(points[axis].max())  # type: ignore[arg-type]
        middles.append((low + high) / 2)
        halves.append(max((high - low) * 1.2, minimum) / 2)
    halves[0] = max(halves[0], halves[1] * ASPECT)
    halves[1] = max(halves[1], halves[0] / ASPECT)
    spans = []
    for middle, half, (low_limit, high_limit) in zip(
        middles, halves, (CHINA_LON, CHINA_LAT), strict=True
    ):
        half = min(half, (high_limit - low_limit) / 2)
        middle = min(max(middle, low_limit + half), high_limit - half)  # inside China
        spans.append((round(middle - half, 1), round(middle + half, 1)))
    return spans[0], spans[1]


def _geo_extent(points: pl.DataFrame) -> dict[str, object]:
    """Return the geo layout fitted to the points (the counties a real edition named)."""
    lon, lat = extent(points)
    return _geo(None) | {"lonaxis": {"range": list(lon)}, "lataxis": {"range": list(lat)}}


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
    mark: str = theme.SYNTHETIC_MARK,
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
        ``continuous``, ``quantile``, ``equal``, ``jenks`` or ``grade`` (total score only).
    grade_scale
        The edition's grade bands (``grade``, ``min_score``), if it has any.
    province
        Six-digit province adcode: zoom to it and outline only it.
    metric
        The metric's indicator id (grade classing applies to ``total`` only).
    synthetic
        Put the synthetic-data mark inside the figure (it travels with a saved image).
    mark
        The mark's words (the records map says it shows records, not assessments).

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
    templates = _templates(metric_label, graded=grade_scale is not None)
    fig = go.Figure()
    for subplot in ("geo",) if province else ("geo", "geo2"):
        part = (lambda f: f) if subplot == "geo" else _inset
        for trace in _county_traces(part(scored), part(missing), counties_url, templates, subplot):
            fig.add_trace(trace)
        fig.add_trace(_outlines(part(view), outlines_url, province, subplot))
    fig.update_layout(
        coloraxis={
            "colorscale": classing.colorscale,
            "cmin": classing.cmin,
            "cmax": classing.cmax,
            "colorbar": _colorbar(classing),
        },
        # The synthetic mark sits on its own line above the grey note: side by side they
        # overlap on a phone-wide screen.
        margin={"l": 0, "r": 0, "t": 44 if synthetic else 24, "b": 70},
        height=620,
        font={"family": theme.FONT},
        dragmode=False,
        # Bottom right, level with the colour bar (bottom left, half the width): clear
        # of it and of the notes above the map, at desktop and phone widths alike.
        legend=LEGEND,
        annotations=[
            _missing_note(view),
            *([theme.synthetic_mark(mark) | {"yshift": 20}] if synthetic else []),
        ],
    )
    fig.update_layout(**_geos(province))
    return fig


def _templates(metric_label: str, *, graded: bool) -> tuple[str, str]:
    """Return the hover templates of scored and of missing counties."""
    label = theme.plotly_escape(metric_label)
    head = _head()
    score = tr("{label}: {value}", label=label, value="%{customdata[4]:.2f}")
    ranks = tr(
        "National rank %{customdata[5]} of %{customdata[6]}<br>"
        "Provincial rank %{customdata[7]} of %{customdata[8]}"
    )
    grade = tr("<br>Grade %{customdata[9]} (illustrative)") if graded else ""
    why = tr("{label}: {value}", label=tr(NOT_ASSESSED), value="%{customdata[4]}")
    return f"{head}{score}<br>{ranks}{grade}<extra></extra>", f"{head}{why}<extra></extra>"


def _county_traces(
    scored: pl.DataFrame,
    missing: pl.DataFrame,
    counties_url: str,
    templates: tuple[str, str],
    geo: str,
) -> tuple[go.Choropleth, go.Choropleth]:
    """Return the traces of the scored counties (coloured) and of the missing ones (grey)."""
    line = {"line": {"color": theme.COUNTY_LINE, "width": 0.2}}
    values = scored.get_column("score")
    coloured = go.Choropleth(
        geojson=counties_url,
        featureidkey="properties.adcode",
        locations=scored.get_column("adcode").to_list(),
        z=scored.get_column("_z").to_list(),
        # The values' range for text alternatives (a classed map's z holds class numbers).
        meta={"n": values.len(), "low": values.min(), "high": values.max()}
        if values.len()
        else None,
        coloraxis="coloraxis",
        customdata=_customdata(scored, scored=True),
        hovertemplate=templates[0],
        marker=line,
        name=tr(labels.COUNTY_STATUSES["assessed"]),
        geo=geo,
    )
    grey = go.Choropleth(
        geojson=counties_url,
        featureidkey="properties.adcode",
        locations=missing.get_column("adcode").to_list(),
        z=[0] * missing.height,
        colorscale=[[0, theme.NOT_ASSESSED], [1, theme.NOT_ASSESSED]],
        showscale=False,
        customdata=_customdata(missing, scored=False),
        hovertemplate=templates[1],
        marker=line,
        name=tr(NOT_ASSESSED),
        # One legend entry (the main map's); an empty trace would show a swatch for no
        # county.
        showlegend=geo == "geo" and missing.height > 0,
        geo=geo,
    )
    return coloured, grey


def _colorbar(classing: Classing) -> dict[str, object]:
    """Return the horizontal colour bar that explains the classing."""
    colorbar: dict[str, object] = {
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
    return colorbar


def _geos(province: str | None) -> dict[str, object]:
    """Return the map's geo layouts: a province, or China with the South China Sea inset."""
    if province:
        return {"geo": _geo(province)}
    inset = {"visible": False, "projection": {"type": "mercator"}}
    return {
        "geo": _geo(None) | {"domain": {"x": [0.0, 1.0], "y": [0.0, 1.0]}},
        "geo2": inset
        | {
            "showframe": True,
            "framecolor": theme.OUTLINE,
            "framewidth": 0.6,
            "lonaxis": {"range": list(INSET_LON)},
            "lataxis": {"range": list(INSET_LAT)},
            "domain": {"x": [0.82, 0.99], "y": [0.02, 0.32]},
        },
    }


LEGEND = {
    "x": 1.0,
    "xanchor": "right",
    "y": 0.0,
    "yanchor": "top",
    "orientation": "h",
    "font": {"size": 12},
    "bgcolor": "rgba(255,255,255,0.8)",
}


def _inset(view: pl.DataFrame) -> pl.DataFrame:
    return view.filter(pl.col("adcode").str.slice(0, 2).is_in(INSET_PROVINCES))


def map_summary(view: pl.DataFrame, *, metric_label: str, published: bool = False) -> str:
    """Return one plain sentence saying what a map shows: its text alternative.

    How many counties are coloured, the range of the metric with the highest and the
    lowest county, and how many are grey (not assessed) and why. For a real edition's
    published results (``published``), which counties it named. Plain text with names
    in it: escape it for where it goes (``md_escape`` for Markdown). In Chinese, grey
    counties are counted by status (the data's reasons are English only).

    Examples
    --------
    >>> v = pl.DataFrame({"adcode": ["1", "2", "3"], "name_zh": ["甲县", "乙县", "丙县"],
    ...     "name_pinyin": ["Jia Xian", "Yi Xian", "Bing Xian"], "province_name_zh": ["省"] * 3,
    ...     "status": ["assessed", "assessed", "excluded"], "score": [71.5, 64.25, None],
    ...     "reason": [None, None, "outside the edition"]})
    >>> print(map_summary(v, metric_label="Total score"))  # doctest: +NORMALIZE_WHITESPACE
    2 of 3 counties are coloured by Total score, from 71.50 (甲县 Jia Xian, 省) down to
    64.25 (乙县 Yi Xian, 省); 1 is grey, not assessed (1: outside the edition).
    """
    regions = view.select(region_expr()).to_series()
    others = int((regions != "mainland").sum())
    view = view.filter(regions == "mainland")  # Hong Kong, Macau and Taiwan: counted apart
    text = _summary(view, metric_label=metric_label, published=published)
    if not others:
        return text
    return tr(
        "{text} Not counted: {n} units of Hong Kong, Macau and Taiwan, which no evaluator here "
        "rates.",
        text=text,
        n=f"{others:,}",
    )


def _summary(view: pl.DataFrame, *, metric_label: str, published: bool) -> str:
    """Return :func:`map_summary`'s sentence over the mainland's units of ``view``."""
    total = view.height
    if published:
        named = view.filter(pl.col("status") == "published").sort("adcode")
        names = pick("; ", "；").join(_county(row) for row in named.head(3).iter_rows(named=True))
        return tr(
            "{named} of {total} counties are coloured: those named in this edition's "
            "published results ({names}{more}); the other {rest} are grey, not named, "
            "which says nothing about their scores.",
            named=f"{named.height:,}",
            total=f"{total:,}",
            names=names,
            more=" …" if named.height > 3 else "",
            rest=f"{total - named.height:,}",
        )
    scored = view.filter(pl.col("score").is_not_null()).sort(
        ["score", "adcode"], descending=[True, False]
    )
    missing = view.filter(pl.col("score").is_null())
    why = (
        missing.with_columns(_why())
        .group_by("reason")
        .len()
        .sort(["len", "reason"], descending=[True, False])
    )
    reasons = pick("; ", "；").join(
        tr("{n}: {reason}", n=f"{n:,}", reason=reason) for reason, n in why.rows()
    )
    if scored.is_empty():
        return tr(
            "No county of the {total} here is coloured: none has a score ({reasons}).",
            total=f"{total:,}",
            reasons=reasons,
        )
    top, bottom = scored.row(0, named=True), scored.row(-1, named=True)
    values = {
        "n": f"{scored.height:,}",
        "total": f"{total:,}",
        "metric": metric_label,
        "top": f"{top['score']:.2f}",
        "top_county": _county(top),
        "bottom": f"{bottom['score']:.2f}",
        "bottom_county": _county(bottom),
    }
    if scored.height == 1:
        text = tr(
            "{n} of {total} counties is coloured by {metric}, from {top} ({top_county}) "
            "down to {bottom} ({bottom_county})",
            **values,
        )
    else:
        text = tr(
            "{n} of {total} counties are coloured by {metric}, from {top} ({top_county}) "
            "down to {bottom} ({bottom_county})",
            **values,
        )
    if missing.is_empty():
        return tr("{text}; every county here is assessed.", text=text)
    grey = {"text": text, "n": f"{missing.height:,}", "reasons": reasons}
    if missing.height == 1:
        return tr("{text}; {n} is grey, not assessed ({reasons}).", **grey)
    return tr("{text}; {n} are grey, not assessed ({reasons}).", **grey)


def _why() -> pl.Expr:
    """Return why a county is grey: its reason (its status in Chinese, or if none)."""
    status = pl.col("status").str.replace_all("_", " ")
    if is_zh():
        return pl.col("status").replace_strict(status_words(), default=status).alias("reason")
    return pl.col("reason").fill_null(status)


def _county(row: dict[str, object]) -> str:
    name = county_name(row["name_zh"], row["name_pinyin"])
    province = row["province_name_zh"]
    return f"{name}{pick(', ', '，')}{pick(row.get('province_name_en') or province, province)}"


def _missing_note(view: pl.DataFrame) -> dict[str, object]:
    counts = view.filter(pl.col("score").is_null()).group_by("status").len()
    parts = [
        tr("{n} {status}", n=f"{n:,}", status=_status_word(status))
        for status, n in counts.sort("status").rows()
    ]
    text = tr("Grey: not assessed")
    if parts:
        text = tr("{text} ({parts})", text=text, parts=pick(", ", "，").join(parts))
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


def _status_word(status: str) -> str:
    # English names a status by its code, as it always did; Chinese by its words.
    if is_zh() and status in labels.COUNTY_STATUSES:
        return tr(labels.COUNTY_STATUSES[status])
    return status.replace("_", " ")


NOT_ASSESSED = mark("Not assessed")
STATUS_COLOURS = {
    "assessed": theme.SEQUENTIAL[6],
    "published": theme.PUBLISHED,
    "not_published": theme.NOT_ASSESSED,
    "not_covered": "#bdbdbd",
    "excluded": "#636363",
}


@speaks
def status_map(
    view: pl.DataFrame,
    *,
    counties_url: str,
    outlines_url: str,
    province: str | None = None,
    synthetic: bool = False,
    lang: str,
) -> go.Figure:
    """Build the coverage ledger map: each county coloured by its status in the edition.

    One trace per status present (assessed, named in published results, not covered,
    excluded), each with a legend entry; the hover gives the county and the reason
    (in Chinese, the status only: the data's reasons are English only).
    """
    fig = go.Figure()
    head = _head()
    for status, colour in STATUS_COLOURS.items():
        rows = view.filter(pl.col("status") == status)
        if rows.is_empty():
            continue
        label = tr(labels.COUNTY_STATUSES[status])
        plain = status == "assessed" or is_zh()
        described = (
            label if plain else tr("{label}: {value}", label=label, value="%{customdata[4]}")
        )
        fig.add_trace(
            _flat(
                rows,
                colour,
                counties_url=counties_url,
                name=tr("{label} ({n})", label=label, n=f"{rows.height:,}"),
                customdata=_customdata(rows, scored=False),
                hovertemplate=head + described,
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


def category_map(
    view: pl.DataFrame,
    categories: Mapping[str, tuple[str, str]],
    *,
    column: str,
    counties_url: str,
    outlines_url: str,
    province: str | None = None,
    detail: str | None = None,
) -> go.Figure:
    """Map counties by a category: one trace (and legend entry) per category present.

    ``categories`` maps each value of ``column`` to its label (in the interface
    language) and colour, in legend order; counties with another value are left out.
    ``detail`` names a text column shown in the hover under the county.
    """
    fig = go.Figure()
    head = _head()
    for value, (label, colour) in categories.items():
        rows = view.filter(pl.col(column) == value)
        if rows.is_empty():
            continue
        shown = _text(detail) if detail else pl.lit("")
        custom = rows.select(
            _text("name_zh"), _pinyin(), _place("prefecture", rows.columns),
            _place("province", rows.columns), shown.alias("detail"),
        ).rows()  # fmt: skip
        fig.add_trace(
            _flat(
                rows,
                colour,
                counties_url=counties_url,
                name=theme.plotly_escape(tr("{label} ({n})", label=label, n=f"{rows.height:,}")),
                customdata=custom,
                hovertemplate=head + theme.plotly_escape(label) + "<br>%{customdata[4]}",
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
    )
    return fig


NOT_RECORDED = mark("not recorded")


def source_kind_expr(column: str = "published_source_kind") -> pl.Expr:
    """Return a Polars expression naming each source kind in the interface language.

    English shows the code with spaces; Chinese its name (an unknown code as written).
    A missing kind is "not recorded".
    """
    plain = pl.col(column).str.replace_all("_", " ")
    if is_zh():
        plain = pl.col(column).replace_strict(source_kind_words(), default=plain)
    return plain.fill_null(tr(NOT_RECORDED))


def source_kind_words() -> dict[str, str]:
    """Return each source kind's words in the interface language (for Polars ``replace``)."""
    return translated(labels.RELIABILITIES)


def band_words() -> dict[str, str]:
    """Return each published band's words in the interface language (for Polars ``replace``)."""
    return translated(labels.BANDS)


def published_position(view: pl.DataFrame) -> pl.DataFrame:
    """Add ``position`` (published rank, else list position) and a plain ``published`` label.

    Bands are named by their words in the interface language (:data:`labels.BANDS`).

    Examples
    --------
    >>> v = pl.DataFrame({"published_rank": [5, None, None], "published_list_pos": [None, 2, None],
    ...     "published_band": ["top10", "top10", "member"], "score": [None, None, 68.7]})
    >>> published_position(v)["published"].to_list()  # doctest: +NORMALIZE_WHITESPACE
    ['rank 5 · in the top 10', 'list position 2 · in the top 10',
     'member of the list or designation · score 68.7']
    """
    rank = pl.format(tr("rank {}"), pl.col("published_rank"))
    listed = pl.format(tr("list position {}"), pl.col("published_list_pos"))
    band = pl.col("published_band").replace(band_words())
    label = pl.concat_str(
        [
            pl.when(pl.col("published_rank").is_not_null())
            .then(rank)
            .when(pl.col("published_list_pos").is_not_null())
            .then(listed),
            band,
            pl.when(pl.col("score").is_not_null()).then(
                pl.format(tr("score {}"), pl.col("score").round(2))
            ),
        ],
        separator=" · ",
        ignore_nulls=True,
    )
    return view.with_columns(
        position=pl.coalesce("published_rank", "published_list_pos"),
        published=label,
    )


def _band_label(band: str) -> str:
    if band in labels.BANDS:
        return tr(labels.BANDS[band])
    if band == "named" and is_zh():  # a named county without a band
        return tr(labels.COUNTY_STATUSES["published"])
    return tr("named: {band}", band=band)


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
    head = _head()
    source = tr("<br>Source: {source}", source="%{customdata[5]}")

    def custom(rows: pl.DataFrame) -> list[tuple[object, ...]]:
        return rows.select(
            _text("name_zh"),
            _pinyin(),
            _place("prefecture", rows.columns),
            _place("province", rows.columns),
            _text("published"),
            source_kind_expr(),
        ).rows()

    fig = go.Figure()
    ranked = view.filter(pl.col("position").is_not_null())
    banded = view.filter(pl.col("position").is_null() & (pl.col("status") == "published"))
    others = view.filter(pl.col("status") != "published")
    fig.add_trace(
        _flat(
            others,
            theme.NOT_ASSESSED,
            counties_url=counties_url,
            name=tr("not published ({n})", n=f"{others.height:,}"),
            customdata=_customdata(others, scored=False),
            hovertemplate=head + tr("Not named in this edition's published results"),
        )
    )
    bands = sorted(banded.get_column("published_band").fill_null("named").unique())
    colours = theme.classed_colours(max(len(bands), 2))[-len(bands) :] if bands else []
    for band, colour in zip(bands, colours, strict=True):
        rows = banded.filter(pl.col("published_band").fill_null("named") == band)
        fig.add_trace(
            _flat(
                rows,
                theme.PUBLISHED if len(bands) == 1 else colour,
                counties_url=counties_url,
                name=theme.plotly_escape(
                    tr("{label} ({n})", label=_band_label(band), n=f"{rows.height}")
                ),
                customdata=custom(rows),
                hovertemplate=head + "%{customdata[4]}" + source,
                line=(theme.OUTLINE, 0.6),
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
                    "title": {"text": tr("Published position<br>(1 = first)"), "side": "top"},
                    "orientation": "h",
                    "thickness": 12,
                    "len": 0.45,
                    # under the legend, not beside it: on a phone the two would collide
                    "x": 0.0,
                    "xanchor": "left",
                    "y": -0.12,
                    "yanchor": "top",
                },
                name=tr("ranked or listed ({n})", n=f"{ranked.height}"),
                showlegend=True,
                customdata=custom(ranked),
                hovertemplate=head + "%{customdata[4]}" + source + "<extra></extra>",
                marker={"line": {"color": theme.OUTLINE, "width": 0.6}},
            )
        )
    points = view.filter(pl.col("status") == "published").join(
        geo.county_points(), on="adcode", how="inner"
    )
    if not points.is_empty():
        fig.add_trace(_markers(points, custom(points), head + "%{customdata[4]}" + source))
    fig.add_trace(_outlines(view, outlines_url, province))
    fig.update_layout(
        geo=_geo(province) if province else _geo_extent(points),
        height=660,
        margin={"l": 0, "r": 0, "t": 24, "b": 150},
        # Below the map, the colour bar under it: never in the band of the title above it.
        legend={"orientation": "h", "y": 0.0, "x": 0.0, "yanchor": "top"},
        font={"family": theme.FONT},
        dragmode=False,
    )
    return fig
