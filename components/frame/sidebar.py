"""The sidebar's global controls and the session's view: the link read once, written back.

The link is read when a session opens it (so a shared link opens exactly its view);
from then on the view lives in ``st.session_state`` and is written back to the link
after every run (``components.frame.url``), so the address bar always holds the current
view. Invalid values are ignored with a notice that never echoes the raw value as
markup (``components.frame.filters``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import streamlit as st

from components import i18n, routes
from components.frame import links, picker, url
from components.frame.filters import (
    CLASSES,
    DEFAULT_CLASSES,
    DEFAULT_METRIC,
    PAGE_PARAMS,
    SNAPSHOT_KEY,
    Choices,
    Filters,
    parse_params,
    snapshot_param,
)
from components.i18n import labels, tr

# Widget values that stand for "none": only the widgets know them; the view has None.
ALL_CHINA = "all"  # the province picker's "All China"
NO_COMPARISON = "none"  # the compare picker's "choose an edition"
_SEEDED = "_state_seeded"
_NOTICES = "_state_notices"
_SEEDED_VIEW = "_state_seeded_view"
_WRITTEN = "_state_written"
_CHOICES = "_state_choices"
_GOTO_COUNTY = "_state_goto_county"
_LANG_WIDGET = "_state_language"
_COMPARE_WIDGET = "_compare_widget"


def _seed(choices: Choices) -> None:
    filters, notices = parse_params(url.raw(), choices)
    st.session_state.update(
        {
            "edition": filters.edition,
            "metric": filters.metric,
            "province": filters.province or ALL_CHINA,
            "county": filters.county,
            "classes": filters.classes,
            "compare": filters.compare,
            "weights": filters.weights,
            "counties": filters.counties,
            "_carried": dict(filters.carried),
            _NOTICES: notices,
            _SEEDED_VIEW: filters.params(),
            _SEEDED: True,
        }
    )
    i18n.use(filters.carried.get("lang", i18n.DEFAULT))


#: The view's controls in the sidebar, in order.
CONTROLS = ("edition", "metric", "province")


def render_sidebar(choices: Choices, controls: Collection[str] = CONTROLS) -> Filters:
    """Draw the global controls (edition, province, metric) in the sidebar; return the view.

    Reads the URL once per session, keeps values in ``st.session_state`` and writes
    the view back to the URL. Only the ``controls`` a page uses are drawn; the others
    keep their values (session-persisted) for the pages that draw them.
    """
    state = st.session_state
    if link_is_new():
        links.remember_link_keys(url.raw())
        _seed(choices)
    # The snapshot is chosen before the view (it decides the choices): follow it.
    carried = {k: v for k, v in state.get("_carried", {}).items() if k != SNAPSHOT_KEY}
    state["_carried"] = carried | snapshot_param(None, choices)
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
        if "edition" in controls:
            picker.render(choices, set_edition)
        metrics = choices.metrics.get(state["edition"], (DEFAULT_METRIC,))
        if state.get("metric") not in metrics:
            state["metric"] = DEFAULT_METRIC
        words = _metric_words(choices, state["edition"])
        if "metric" in controls:
            st.selectbox(
                tr("Metric"),
                metrics,
                key="metric",
                persist_state="session",
                format_func=lambda m: words.get(m, m),
            )
        if state.get("province") not in (ALL_CHINA, *choices.provinces):
            state["province"] = ALL_CHINA
        # NOTE: labels are translated here, not inside format_func: Streamlit may call
        # that outside the run, where the language is unknown.
        all_china = tr("All China")
        if "province" in controls:
            st.selectbox(
                tr("Province"),
                (ALL_CHINA, *choices.provinces),
                key="province",
                persist_state="session",
                format_func=lambda p: (
                    all_china if p == ALL_CHINA else choices.province_labels.get(p, p)
                ),
            )
    filters = current()
    _write_url(filters)
    return filters


def link_is_new() -> bool:
    """Return whether the link came from outside, so the session must take its view.

    A link that differs from the one this session last wrote came from outside: a
    shared link, a page link carrying parameters, the back button. An empty link is a
    plain page switch, which keeps the session's view.
    """
    link = url.owned(PAGE_PARAMS)
    return not st.session_state.get(_SEEDED) or bool(
        link and link != st.session_state.get(_WRITTEN)
    )


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
        province=None if state.get("province", ALL_CHINA) == ALL_CHINA else state["province"],
        county=state.get("county"),
        classes=state.get("classes", DEFAULT_CLASSES),
        carried=state.get("_carried", {}),
        compare=state.get("compare") if state.get("compare") != state["edition"] else None,
        weights=state.get("weights"),
        counties=tuple(state.get("counties") or ()),
    )


def set_edition(edition: str) -> None:
    """Set the edition of the view (from the edition picker) and update the URL."""
    st.session_state["edition"] = edition
    _write_url(current())


def set_county(adcode: str | None) -> None:
    """Select a county (e.g. from a map click or a search box)."""
    st.session_state["county"] = adcode


def find_county(adcode: str) -> None:
    """Select a county and its province: the atlas zooms to it and outlines it."""
    choices: Choices | None = st.session_state.get(_CHOICES)
    province = f"{adcode[:2]}0000"
    if choices and province in choices.provinces:
        st.session_state["province"] = province
    set_county(adcode)


def edition_labels() -> Mapping[str, str]:
    """Return the display labels of the open snapshot's scored editions."""
    choices: Choices | None = st.session_state.get(_CHOICES)
    return choices.edition_labels if choices else {}


def metric_label(metric: str) -> str:
    """Return the display name of a metric of the open snapshot.

    An edition that published results but no scores has no total: its "metric" is the
    published result (a rank, a list, a band).
    """
    choices: Choices | None = st.session_state.get(_CHOICES)
    if not choices:
        return metric
    return _metric_words(choices, st.session_state.get("edition", "")).get(metric, metric)


def _metric_words(choices: Choices, edition: str) -> Mapping[str, str]:
    if edition in choices.published_only:
        return {**choices.metric_labels, DEFAULT_METRIC: tr("Published result")}
    return choices.metric_labels


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
        links.follow(links.Links(current()).to(routes.COUNTY))


def _write_url(filters: Filters) -> None:
    wanted = filters.params()
    url.write(wanted, skip=PAGE_PARAMS)
    st.session_state[_WRITTEN] = wanted


def render_classes() -> str:
    """Draw the map-classing control (continuous, quantile, grade); return the choice."""
    st.segmented_control(
        tr("Classes"),
        CLASSES,
        key="classes",
        persist_state="session",
        required=True,
        format_func=i18n.translated(labels.CLASSINGS).__getitem__,
    )
    _write_url(current())
    return str(st.session_state["classes"])


def set_weights(weights: Sequence[float] | None) -> None:
    """Set the user weights of the view (None: the evaluator's own) and update the URL."""
    st.session_state["weights"] = tuple(float(w) for w in weights) if weights else None
    _write_url(current())


def set_counties(adcodes: Sequence[str]) -> None:
    """Set the counties compared side by side and update the URL."""
    st.session_state["counties"] = tuple(dict.fromkeys(adcodes))
    _write_url(current())


def set_compare(edition: str | None) -> None:
    """Set the edition to compare with (None: no comparison) and update the URL."""
    st.session_state["compare"] = edition or None
    _write_url(current())


def render_compare(editions: Sequence[str], edition_names: Mapping[str, str]) -> str | None:
    """Draw the compare-with control (``compare`` parameter); return the chosen edition."""
    options = [NO_COMPARISON, *[e for e in editions if e != st.session_state["edition"]]]
    chosen = current().compare
    choose = tr("— choose an edition —")
    st.selectbox(
        tr("Compare with"),
        options,
        index=options.index(chosen) if chosen in options else 0,
        format_func=lambda e: choose if e == NO_COMPARISON else edition_names.get(e, e),
        key=_COMPARE_WIDGET,
        on_change=_compare_changed,
    )
    return current().compare


def _compare_changed() -> None:
    chosen = st.session_state[_COMPARE_WIDGET]
    set_compare(None if chosen == NO_COMPARISON else chosen)
