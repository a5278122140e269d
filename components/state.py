"""Shareable view state: URL query parameters ↔ validated values ↔ sidebar widgets.

The one place that reads and writes ``st.query_params``. The URL is read when a
session starts (so a shared link opens exactly its view); from then on widget values
live in ``st.session_state`` and are written back to the URL after every run, so the
address bar always holds the current view. Invalid values are ignored with a notice
that never echoes the raw value as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from components import i18n, story
from components.i18n import mark, tr

MANAGED = ("edition", "metric", "province", "county", "classes", "compare", "weights")
# Page controls bound to the URL by Streamlit itself (``bind="query-params"``; the key
# is the parameter): Streamlit validates them against the widget's options and drops
# what does not fit, so here they are only known, not parsed.
PAGE_PARAMS = (
    "rankings_search",
    "rankings_prefecture",
    "rankings_grades",
    "metrics_box_metric",
    "sensitivity_band",
    "sensitivity_seed",
    "sensitivity_top_n",
    "records_map_measure",
    "records_map_polarity",
    "records_lifecycle_type",
    "records_statuses",
    "records_sources",
    "records_polarities",
    "records_types",
)
# Parameters other pages own, with their valid values: validated, then carried through
# unchanged so links keep them.
CARRIED_VALUES: Mapping[str, tuple[str, ...]] = {"lang": ("en", "zh"), "present": ("0", "1")}
# A story (components/story.py) and the step on screen: validated, then carried.
STORY_KEYS = ("story", "step")
CARRIED = (*CARRIED_VALUES, *STORY_KEYS)
MAX_UNKNOWN_SHOWN = 5  # unknown parameters named in the notice; the rest are counted
N_WEIGHTS = 5  # one per first-level metric (schemas.FIRST_LEVEL order)
MAX_WEIGHT = 100.0
CLASSES = ("continuous", "quantile", "equal", "jenks", "grade")
CLASS_LABELS = {
    "continuous": mark("Continuous"),
    "quantile": mark("Quantile"),
    "equal": mark("Equal"),
    "jenks": mark("Natural breaks"),
    "grade": mark("Grade"),
}
DEFAULT_METRIC = "total"
DEFAULT_CLASSES = "continuous"
ALL = ""  # the province option meaning all of China
_SEEDED = "_state_seeded"
_NOTICES = "_state_notices"
_SEEDED_VIEW = "_state_seeded_view"
_WRITTEN = "_state_written"
_CHOICES = "_state_choices"
_GOTO_COUNTY = "_state_goto_county"
_LANG_WIDGET = "_state_language"
COUNTY_PAGE = "pages/county.py"
_SAFE = re.compile(r"[^0-9A-Za-z_.,-]")


@dataclass(frozen=True)
class Choices:
    """What the open snapshot allows: valid editions, metrics, provinces and counties."""

    editions: tuple[str, ...]
    default_edition: str
    metrics: Mapping[str, tuple[str, ...]]
    provinces: tuple[str, ...]
    counties: frozenset[str]
    unscored_editions: frozenset[str] = frozenset()
    edition_labels: Mapping[str, str] = field(default_factory=dict)
    metric_labels: Mapping[str, str] = field(default_factory=dict)
    province_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    """The current view: what every page filters by."""

    edition: str
    metric: str = DEFAULT_METRIC
    province: str | None = None  # six-digit province adcode
    county: str | None = None
    classes: str = DEFAULT_CLASSES
    carried: Mapping[str, str] = field(default_factory=dict)
    compare: str | None = None  # a second edition to compare with
    weights: tuple[float, ...] | None = None  # user weights, one per first-level metric

    def params(self, **changes: str | None) -> dict[str, str]:
        """Return the view as query parameters (defaults left out), with ``changes`` applied."""
        values: dict[str, str | None] = {
            "edition": self.edition,
            "metric": None if self.metric == DEFAULT_METRIC else self.metric,
            "province": self.province[:2] if self.province else None,
            "county": self.county,
            "classes": None if self.classes == DEFAULT_CLASSES else self.classes,
            "compare": self.compare,
            "weights": format_weights(self.weights) if self.weights else None,
            **self.carried,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None}


def build_choices(
    editions: pl.DataFrame, indicators: pl.DataFrame, divisions: pl.DataFrame
) -> Choices:
    """Return the valid values and their labels from the snapshot's tables.

    Editions with scores or published results can be chosen, real ones first (labelled
    "Published"), then the synthetic demo ones ("Demo"); the default is the latest
    synthetic third-party edition.
    Metrics are ``total`` and the edition's first- and second-level indicators.
    """
    chosen = editions.filter(pl.col("has_results")).sort(
        "is_synthetic", "evaluator_en", "data_year", "edition_id"
    )
    ids = tuple(chosen.get_column("edition_id"))
    scored = chosen.filter(pl.col("has_scores") & pl.col("is_synthetic"))
    latest = scored.sort(pl.col("mode") == "third_party", "data_year", descending=True)
    if latest.is_empty():
        latest = chosen
    labels = {row["edition_id"]: edition_label(row) for row in chosen.iter_rows(named=True)}
    metrics = {
        e: (DEFAULT_METRIC, *indicators.filter(pl.col("edition_id") == e)["indicator_id"])
        for e in ids
    }
    metric_labels = {DEFAULT_METRIC: tr("Total score")}
    for row in indicators.iter_rows(named=True):
        indent = "" if row["level"] == 1 else "· "
        name = row["name_zh"] if i18n.is_zh() else f"{row['name_en']} {row['name_zh']}"
        metric_labels[row["indicator_id"]] = f"{indent}{name}"
    provinces = divisions.select("province_adcode", "province_name_en", "province_name_zh").unique()
    zh = i18n.is_zh()
    return Choices(
        editions=ids,
        default_edition=latest.item(0, "edition_id") if ids else "",
        metrics=metrics,
        provinces=tuple(sorted(provinces.get_column("province_adcode"))),
        counties=frozenset(divisions.get_column("adcode")),
        unscored_editions=frozenset(
            editions.filter(~pl.col("has_results")).get_column("edition_id")
        ),
        edition_labels=labels,
        metric_labels=metric_labels,
        province_labels={
            code: name_zh if zh else f"{name_en} {name_zh}"
            for code, name_en, name_zh in provinces.iter_rows()
        },
    )


MODES = {
    "third_party": mark("third party"),
    "self": mark("self-assessment"),
    "upper_level_audit": mark("upper-level audit"),
    "designation": mark("designation"),
}


def edition_label(row: Mapping[str, object]) -> str:
    """Return an edition's label for pickers: real ones "Published", synthetic ones "Demo".

    Names and titles are in the interface language (``evaluator_zh``/``title_zh`` in
    Chinese).

    Examples
    --------
    >>> edition_label({"data_year": 2021, "evaluator_en": "CASS", "is_synthetic": False,
    ...     "mode": "third_party", "title_en": "Transparency index"})
    'Published · 2021 · CASS · Transparency index'
    """
    kind = tr("Demo") if row["is_synthetic"] else tr("Published")
    evaluator = i18n.pick(row.get("evaluator_en"), row.get("evaluator_zh"))
    parts = [kind, str(row["data_year"]), evaluator]
    if row["mode"] != "third_party":
        mode = str(row["mode"])
        parts.append(tr(MODES[mode]) if mode in MODES else mode.replace("_", " "))
    title = i18n.pick(row.get("title_en"), row.get("title_zh"))
    if not row["is_synthetic"] and title:
        parts.append(title[:60])
    return " · ".join(parts)


def shown(value: str, limit: int = 24) -> str:
    """Return a user-supplied value made safe to show: no markup characters, bounded length.

    Examples
    --------
    >>> shown("<script>alert(1)</script>")
    '?script?alert?1???script…'
    >>> shown("9" * 40)
    '999999999999999999999999…'
    """
    cleaned = _SAFE.sub("?", value[:limit])
    return cleaned + ("…" if len(value) > limit else "")


def _literal(value: str) -> str:
    """Return a user-supplied value for a notice: cleaned by ``shown``, in a code span.

    The code span keeps even what cleaning leaves (e.g. ``www.example.com``, which
    Markdown would turn into a link) literal.
    """
    return f"`{shown(value)}`" if value else tr("(empty)")


def format_weights(weights: Sequence[float]) -> str:
    """Return weights as the ``weights`` parameter: comma-separated, no needless decimals.

    Examples
    --------
    >>> format_weights((100, 0, 12.5, 0, 0))
    '100,0,12.5,0,0'
    """
    return ",".join(f"{w:g}" for w in weights)


def parse_weights(value: str) -> tuple[float, ...] | None:
    """Return five weights from ``a,b,c,d,e`` (each 0–100, not all zero), or None if invalid.

    Examples
    --------
    >>> parse_weights("100,0,0,0,0")
    (100.0, 0.0, 0.0, 0.0, 0.0)
    >>> [parse_weights(v) for v in ("1,2,3", "1,-1,1,1,1", "a,b,c,d,e", "0,0,0,0,0", "nan,1,1,1,1")]
    [None, None, None, None, None]
    """
    parts = value.split(",")
    if len(parts) != N_WEIGHTS or len(value) > 120:
        return None
    try:
        weights = tuple(float(p) for p in parts)
    except ValueError:
        return None
    if not all(0.0 <= w <= MAX_WEIGHT for w in weights) or sum(weights) <= 0:
        return None  # also rejects nan and inf: comparisons with them are false
    return weights


def _province(value: str, provinces: Sequence[str]) -> str | None:
    code = value.strip()
    if re.fullmatch(r"\d{2}", code):
        code += "0000"
    return code if code in provinces else None


def parse_params(
    raw: Mapping[str, str | Sequence[str]], choices: Choices
) -> tuple[Filters, list[str]]:
    """Validate query parameters against the snapshot; return the view and notices.

    Unknown or invalid values fall back to defaults, each with a plain-text notice
    that shows the value only as a cleaned code span. Empty values and unknown
    parameters are ignored with a notice too; a repeated parameter uses its last value.

    Examples
    --------
    >>> c = Choices(("e1", "e2"), "e2", {"e1": ("total",), "e2": ("total", "x")},
    ...     ("520000",), frozenset({"520123"}))
    >>> f, notes = parse_params({"edition": "e1", "province": "52", "metric": "x"}, c)
    >>> (f.edition, f.province, f.metric)
    ('e1', '520000', 'total')
    >>> notes
    ['Ignored metric `x`: not an indicator of this edition.']
    """
    notices: list[str] = []
    values: dict[str, str] = {}
    unknown: list[str] = []
    for key, given in raw.items():
        found = [str(v) for v in given] if isinstance(given, list | tuple) else [str(given)]
        if key in PAGE_PARAMS:
            continue
        if key not in MANAGED and key not in CARRIED:
            unknown.append(key)
            continue
        if len(found) > 1:
            notices.append(
                tr(
                    "Ignored all but the last {key}: the link gives it {n} times.",
                    key=key,
                    n=len(found),
                )
            )
        if not found or found[-1] == "":
            notices.append(tr("Ignored {key}: it is empty.", key=key))
        else:
            values[key] = found[-1]

    def ignore(name: str, why: str) -> None:
        notices.append(
            tr("Ignored {name} {value}: {why}.", name=name, value=_literal(values[name]), why=why)
        )

    edition = choices.default_edition
    if values.get("edition"):
        if values["edition"] in choices.editions:
            edition = str(values["edition"])
        else:
            why = (
                tr("it has no published results in this snapshot (see About the data)")
                if values["edition"] in choices.unscored_editions
                else tr("no such edition in this snapshot")
            )
            ignore("edition", why)
    metric = DEFAULT_METRIC
    if values.get("metric"):
        if values["metric"] in choices.metrics.get(edition, ()):
            metric = str(values["metric"])
        else:
            ignore("metric", tr("not an indicator of this edition"))
    province = None
    if values.get("province"):
        province = _province(str(values["province"]), choices.provinces)
        if province is None:
            ignore("province", tr("use a 2- or 6-digit province code such as 52 or 520000"))
    county = None
    if values.get("county"):
        if values["county"] in choices.counties:
            county = str(values["county"])
        else:
            ignore("county", tr("not a county-level adcode in this snapshot"))
    classes = DEFAULT_CLASSES
    if values.get("classes"):
        if values["classes"] in CLASSES:
            classes = str(values["classes"])
        else:
            ignore("classes", tr("use one of {values}", values=", ".join(CLASSES)))
    compare = None
    if values.get("compare"):
        if values["compare"] in choices.editions and values["compare"] != edition:
            compare = str(values["compare"])
        else:
            ignore("compare", tr("not another edition with scores in this snapshot"))
    weights = None
    if values.get("weights"):
        weights = parse_weights(str(values["weights"]))
        if weights is None:
            ignore("weights", tr("give {n} numbers from 0 to 100, not all zero", n=N_WEIGHTS))
    carried: dict[str, str] = {}
    for name, allowed in CARRIED_VALUES.items():
        if name in values and values[name] in allowed:
            carried[name] = values[name]
        elif name in values:
            ignore(name, tr("use {first} or {second}", first=allowed[0], second=allowed[1]))
    carried |= _story_params(values, ignore)
    if unknown:
        names = ", ".join(_literal(k) for k in unknown[:MAX_UNKNOWN_SHOWN])
        more = len(unknown) - MAX_UNKNOWN_SHOWN
        read = ", ".join((*MANAGED, *CARRIED))
        if more > 0:
            notice = tr(
                "Ignored unknown parameters {names} and {more} more: the app reads only {read}.",
                names=names,
                more=more,
                read=read,
            )
        elif len(unknown) > 1:
            notice = tr(
                "Ignored unknown parameters {names}: the app reads only {read}.",
                names=names,
                read=read,
            )
        else:
            notice = tr(
                "Ignored unknown parameter {names}: the app reads only {read}.",
                names=names,
                read=read,
            )
        notices.append(notice)
    filters = Filters(edition, metric, province, county, classes, carried, compare, weights)
    return filters, notices


def _story_params(values: Mapping[str, str], ignore: Callable[[str, str], None]) -> dict[str, str]:
    """Return the valid ``story`` and ``step`` of the link; report the invalid ones."""
    kept: dict[str, str] = {}
    steps = None
    if "story" in values:
        try:
            steps = story.decode(values["story"])
            kept["story"] = values["story"]
        except story.StoryError as exc:
            ignore("story", str(exc))
    if "step" in values:
        step = values["step"]
        if steps and step.isdigit() and 1 <= int(step) <= len(steps):
            kept["step"] = str(int(step))
        else:
            ignore(
                "step",
                tr("use 1 to {n}", n=len(steps)) if steps else tr("it needs a valid story"),
            )
    return kept


def _seed(choices: Choices) -> None:
    filters, notices = parse_params(
        {k: st.query_params.get_all(k) for k in st.query_params}, choices
    )
    st.session_state.update(
        {
            "edition": filters.edition,
            "metric": filters.metric,
            "province": filters.province,
            "county": filters.county,
            "classes": filters.classes,
            "compare": filters.compare,
            "weights": filters.weights,
            "_carried": dict(filters.carried),
            _NOTICES: notices,
            _SEEDED_VIEW: filters.params(),
            _SEEDED: True,
        }
    )
    i18n.use(filters.carried.get("lang", i18n.DEFAULT))


def render_sidebar(choices: Choices) -> Filters:
    """Draw the global controls (edition, province, metric) in the sidebar; return the view.

    Reads the URL once per session, keeps values in ``st.session_state`` and writes
    the view back to the URL.
    """
    state = st.session_state
    url = _url()
    # A URL that differs from the one this session last wrote came from outside:
    # a shared link, a page link carrying parameters, the back button. An empty URL
    # is a plain page switch, which keeps the session's view.
    if not state.get(_SEEDED) or (url and url != state.get(_WRITTEN)):
        _seed(choices)
    state[_CHOICES] = choices
    if not choices.editions:
        st.error(tr("This snapshot has no edition with scores to show."))
        st.stop()
    # Notices about the URL stay until the view changes from the one the URL opened.
    if state.get(_NOTICES) and current().params() != state.get(_SEEDED_VIEW):
        state[_NOTICES] = []
    for notice in state.get(_NOTICES, []):
        st.sidebar.info(notice, icon="ℹ️")
    with st.sidebar:
        render_language()
        st.selectbox(
            tr("Edition"),
            choices.editions,
            key="edition",
            persist_state="session",
            format_func=lambda e: choices.edition_labels.get(e, e),
        )
        metrics = choices.metrics.get(state["edition"], (DEFAULT_METRIC,))
        if state.get("metric") not in metrics:
            state["metric"] = DEFAULT_METRIC
        st.selectbox(
            tr("Metric"),
            metrics,
            key="metric",
            persist_state="session",
            format_func=lambda m: choices.metric_labels.get(m, m),
        )
        if state.get("province") is None:
            state["province"] = ALL
        # NOTE: labels are translated here, not inside format_func: Streamlit may call
        # that outside the run, where the language is unknown.
        all_china = tr("All China")
        st.selectbox(
            tr("Province"),
            (ALL, *choices.provinces),
            key="province",
            persist_state="session",
            format_func=lambda p: all_china if p == ALL else choices.province_labels.get(p, p),
        )
    filters = current()
    _write_url(filters)
    return filters


def _set_language() -> None:
    chosen = st.session_state.get(_LANG_WIDGET) or i18n.DEFAULT
    carried = dict(st.session_state.get("_carried", {}))
    if chosen == i18n.DEFAULT:
        carried.pop("lang", None)
    else:
        carried["lang"] = chosen
    st.session_state["_carried"] = carried
    i18n.use(chosen)
    _write_url(current())


def render_language() -> None:
    """Draw the interface-language switch (English / 中文); it sets ``lang`` in the link."""
    st.session_state[_LANG_WIDGET] = i18n.lang()
    st.segmented_control(
        tr("Language"),
        i18n.LANGS,
        key=_LANG_WIDGET,
        required=True,
        format_func=lambda code: i18n.NAMES[code],
        on_change=_set_language,
        label_visibility="collapsed",
    )


def current() -> Filters:
    """Return the view held in the session (after ``render_sidebar`` has run)."""
    state = st.session_state
    return Filters(
        edition=state["edition"],
        metric=state.get("metric", DEFAULT_METRIC),
        province=state.get("province") or None,
        county=state.get("county"),
        classes=state.get("classes", DEFAULT_CLASSES),
        carried=state.get("_carried", {}),
        compare=state.get("compare") if state.get("compare") != state["edition"] else None,
        weights=state.get("weights"),
    )


def set_county(adcode: str | None) -> None:
    """Select a county (e.g. from a map click or a search box)."""
    st.session_state["county"] = adcode


def edition_labels() -> Mapping[str, str]:
    """Return the display labels of the open snapshot's scored editions."""
    choices: Choices | None = st.session_state.get(_CHOICES)
    return choices.edition_labels if choices else {}


def metric_label(metric: str) -> str:
    """Return the display name of a metric of the open snapshot."""
    choices: Choices | None = st.session_state.get(_CHOICES)
    return choices.metric_labels.get(metric, metric) if choices else metric


def clicked_location(event: object) -> str | None:
    """Return the location (adcode) of the first point of a Plotly chart selection event.

    Works for the event object of a live app and the plain dict AppTest delivers.

    Examples
    --------
    >>> clicked_location({"selection": {"points": [{"location": "520123"}]}})
    '520123'
    >>> clicked_location({"selection": {"points": []}}) is None
    True
    """
    selection = event.get("selection") if isinstance(event, Mapping) else None
    if selection is None:
        selection = getattr(event, "selection", None)
    points = (selection or {}).get("points") or []
    location = points[0].get("location") if points else None
    return str(location) if location else None


def open_clicked_county() -> None:
    """Chart ``on_select`` callback: remember the clicked county and open its profile."""
    adcode = clicked_location(st.session_state.get("atlas_map"))
    choices: Choices | None = st.session_state.get(_CHOICES)
    if adcode and choices and adcode in choices.counties:
        set_county(adcode)
        st.session_state[_GOTO_COUNTY] = True


def follow_county_click() -> None:
    """Switch to the county profile if a county was just clicked (call after the chart)."""
    if st.session_state.pop(_GOTO_COUNTY, False):
        st.switch_page(COUNTY_PAGE, query_params=current().params())


def _url() -> dict[str, str | list[str]]:
    """Return the URL's parameters this module owns (page controls bind their own)."""
    # A repeated key stays a list, so such a URL never equals a written one: it is rewritten.
    found = {k: st.query_params.get_all(k) for k in st.query_params if k not in PAGE_PARAMS}
    return {k: v[0] if len(v) == 1 else v for k, v in found.items()}


def _write_url(filters: Filters) -> None:
    wanted = filters.params()
    current = _url()
    if current != wanted:
        # Key by key, not from_dict: that would also drop the page controls' parameters.
        for key in current.keys() - wanted.keys():
            del st.query_params[key]
        for key, value in wanted.items():
            if current.get(key) != value:
                st.query_params[key] = value
    st.session_state[_WRITTEN] = wanted


def render_classes() -> str:
    """Draw the map-classing control (continuous, quantile, grade); return the choice."""
    st.segmented_control(
        tr("Classes"),
        CLASSES,
        key="classes",
        persist_state="session",
        required=True,
        format_func=i18n.translated(CLASS_LABELS).__getitem__,
    )
    _write_url(current())
    return str(st.session_state["classes"])


def set_weights(weights: Sequence[float] | None) -> None:
    """Set the user weights of the view (None: the evaluator's own) and update the URL."""
    st.session_state["weights"] = tuple(float(w) for w in weights) if weights else None
    _write_url(current())


def set_compare(edition: str | None) -> None:
    """Set the edition to compare with (None: no comparison) and update the URL."""
    st.session_state["compare"] = edition or None
    _write_url(current())


def render_compare(editions: Sequence[str], labels: Mapping[str, str]) -> str | None:
    """Draw the compare-with control (``compare`` parameter); return the chosen edition."""
    options = [ALL, *[e for e in editions if e != st.session_state["edition"]]]
    chosen = current().compare
    choose = tr("— choose an edition —")
    st.selectbox(
        tr("Compare with"),
        options,
        index=options.index(chosen) if chosen in options else 0,
        format_func=lambda e: choose if e == ALL else labels.get(e, e),
        key="_compare_widget",
        on_change=lambda: set_compare(st.session_state["_compare_widget"] or None),
    )
    return current().compare


def page_link(
    page: str, label: str, filters: Filters, icon: str | None = None, **changes: str | None
) -> None:
    """Link to another page carrying the current view's parameters (plus ``changes``)."""
    st.page_link(page, label=label, icon=icon, query_params=filters.params(**changes))
