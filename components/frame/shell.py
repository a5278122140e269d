"""The frame around every page: global controls in the sidebar and the synthetic-data banner."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from components import charts, i18n
from components.frame import links, present, share, sidebar, url
from components.frame.banner import render_real_banner, render_synthetic_banner
from components.frame.filters import SNAPSHOT_KEY, Filters, build_choices
from components.i18n import tr
from components.provenance import md_escape
from loaders import assessments, divisions, paths
from loaders.store import (
    Snapshot,
    SnapshotError,
    SnapshotRef,
    check,
    first_valid,
    list_snapshots,
    load,
    location,
    newest_first,
    ref,
)
from loaders.store.publish import resolve

_RENDERED = "_shell_rendered"
_SNAPSHOT = "snapshot"
_IN_USE = "_snapshot_in_use"
_REF = "_snapshot_ref"
_DEFAULT = "_default_snapshot"
# Pages that show every edition at once always carry synthetic rows.
ALL_EDITION_PAGES = ("county", "data", "evaluators")
# Pages that say themselves which kind of data is on screen, whichever edition the
# sidebar holds: the records page (real or demo records), the front door, the
# published results (real only) and the methodology (its demo paragraphs marked each).
OWN_BANNER_PAGES = ("records", "", "published", "methodology")
# The sidebar controls of pages that do not show the edition's scores: the front door
# and the methodology none, the published results (real results of every edition) only
# the province. Every other page draws all of sidebar.CONTROLS.
PAGE_CONTROLS: dict[str, tuple[str, ...]] = {
    "": (),
    "methodology": (),
    "published": ("province",),
}


def render_shell(url_path: str) -> Filters:
    """Draw the sidebar controls and the banner for the page at ``url_path``; return the view.

    A snapshot that cannot be used (missing, truncated, altered, invalid manifest) is
    replaced by the last valid one with a banner saying so; with none valid the page
    stops with a clear message instead of showing numbers.
    """
    links.forget_link_keys()
    if sidebar.link_is_new():  # a link from outside: its language from the first line on
        i18n.use(url.get("lang") or i18n.DEFAULT)
    snapshot, snap = usable_snapshot(render_snapshot_choice())
    st.session_state[_REF] = snap.ref
    try:
        choices = build_choices(
            assessments.editions(snapshot),
            load(snapshot, "indicators"),
            divisions.load(snapshot),
            assessments.renamed_editions(),
            snapshot=snap.snapshot_id,
            snapshot_is_default=location(snapshot) == location(default_snapshot()),
        )
    except SnapshotError as exc:
        st.error(
            tr("The data snapshot cannot be used, so no numbers are shown: {problem}", problem=exc)
        )
        st.stop()
    filters = sidebar.render_sidebar(choices, PAGE_CONTROLS.get(url_path, sidebar.CONTROLS))
    synthetic = assessments.is_synthetic(snapshot, filters.edition)
    everything = url_path in ALL_EDITION_PAGES
    if url_path not in OWN_BANNER_PAGES:
        render_synthetic_banner(synthetic or everything)
        render_real_banner(not synthetic or everything)
    citation = share.current_citation(snap, url_path, filters.edition)
    charts.set_context(citation.evaluator, citation.year)
    with st.sidebar, st.expander(tr("Share and cite this view"), icon=":material/share:"):
        share.render_share(citation)
        share.render_embed(citation)
        charts.render_format_choice()
        present.render_builder(url_path)
    if url.presenting():
        present.render(filters, url_path)
    st.session_state[_RENDERED] = True
    return filters


def import_enabled() -> bool:
    """Return whether importing is switched on (``GI_ENABLE_IMPORT=1`` or the secret).

    Off by default: public deployments are read-only (DESIGN.md §8).
    """
    if os.environ.get("GI_ENABLE_IMPORT") == "1":
        return True
    try:
        return bool(st.secrets.get("enable_import", False))
    except Exception:  # no secrets file at all
        return False


def default_snapshot() -> Path | str:
    """Return the default snapshot as this session first found it.

    ``GI_SNAPSHOT`` may name a channel in object storage (``loaders.store.publish``)
    whose pointer names the newest published snapshot. It is followed once per session:
    a session keeps the snapshot it opened with, so its pages never mix two snapshots,
    while a session opened after a publish gets the new one, on every replica.
    """
    configured = paths.default_snapshot()
    pinned = st.session_state.get(_DEFAULT)
    if isinstance(pinned, tuple) and pinned[0] == str(configured):
        return pinned[1]
    try:
        resolved = resolve(configured)
    except SnapshotError:
        return configured  # not pinned: the check reports the problem, later runs retry
    st.session_state[_DEFAULT] = (str(configured), resolved)
    return resolved  # type: ignore[return-value]


def chosen_snapshot() -> Path | str:
    """Return the snapshot chosen in the sidebar, else the default."""
    chosen = st.session_state.get(_SNAPSHOT)
    default = default_snapshot()
    if chosen and str(chosen) != str(default):
        return Path(chosen)
    return default


def current_snapshot() -> SnapshotRef:
    """Return the snapshot the page shows (the chosen one, or its fallback if it is broken).

    The frame opened and verified it in this run; its :class:`SnapshotRef` keys every cache.
    """
    shown = st.session_state.get(_REF)
    return shown if isinstance(shown, SnapshotRef) else ref(chosen_snapshot())


def fallbacks(chosen: Path | str) -> list[Path | str]:
    """Return the snapshots to try, in order, when ``chosen`` cannot be used.

    The default snapshot first (what the viewer gets without a choice), then the others
    in data/snapshots, the most recently created first.
    """
    candidates = [default_snapshot(), *newest_first(paths.SNAPSHOTS_DIR)]
    seen = {location(chosen)}
    ordered = []
    for candidate in candidates:
        if location(candidate) not in seen:
            seen.add(location(candidate))
            ordered.append(candidate)
    return ordered


def _shown(problem: SnapshotError, chosen: Path | str) -> str:
    """Return the problem as a viewer sees it: paths relative to the snapshot, in a code span.

    No server path is shown: the snapshot's folder (as given and resolved) and the app's
    root are cut from the message. The code span keeps the message (technical, in
    English) literal and apart from the sentence around it, which is in the interface
    language.
    """
    text = str(problem)
    folders = {str(chosen).rstrip("/"), location(chosen), str(paths.ROOT)}
    for folder in sorted(folders, key=len, reverse=True):
        text = text.replace(f"{folder}/", "").replace(folder, ".")
    text = " ".join(text.replace("`", "'").split())
    return f"`{text[:600]}`"


def usable_snapshot(chosen: Path | str) -> tuple[Path | str, Snapshot]:
    """Return ``chosen`` if every file verifies, else the last valid snapshot, with a banner.

    The opened, verified snapshot comes along, so the frame need not open it again.

    Stops the page with a clear message when no snapshot is valid: wrong or partial
    numbers are never shown.
    """
    st.session_state.pop(_IN_USE, None)
    try:
        return chosen, check(chosen)
    except SnapshotError as exc:
        problem = exc
    found = first_valid(fallbacks(chosen))
    if found is None:
        st.error(
            tr(
                "The data snapshot cannot be used and no valid snapshot is left to fall back "
                "on, so no numbers are shown. Problem: {problem}",
                problem=_shown(problem, chosen),
            ),
            icon=":material/error:",
        )
        st.stop()
    fallback, snap = found
    st.error(
        tr(
            "The chosen data snapshot cannot be used, so this page shows the last valid "
            "snapshot instead: **{snapshot}** (created {created}). Problem: {problem}",
            snapshot=md_escape(snap.snapshot_id),
            created=md_escape(str(snap.manifest.get("created_at", "?"))),
            problem=_shown(problem, chosen),
        ),
        icon=":material/error:",
    )
    st.session_state[_IN_USE] = str(fallback)
    return fallback, snap


def follow_link_snapshot(found: list[tuple[str, Path, str]]) -> None:
    """Choose the snapshot a link from outside names (``snapshot=<snapshot id>``).

    An unknown id changes nothing here; the view's parameters report it.
    """
    given = url.get(SNAPSHOT_KEY)
    if not sidebar.link_is_new():
        return
    if not given:
        st.session_state.pop(_SNAPSHOT, None)
        return
    for snapshot_id, path, _ in found:
        if snapshot_id == given:
            default = default_snapshot()
            st.session_state[_SNAPSHOT] = (
                str(default) if location(path) == location(default) else str(path)
            )
            return


def render_snapshot_choice() -> Path | str:
    """Offer the snapshots in data/snapshots when there is more than one; return the choice.

    A shared link's ``snapshot`` parameter chooses first.
    """
    found = list_snapshots(paths.SNAPSHOTS_DIR) if paths.SNAPSHOTS_DIR.is_dir() else []
    follow_link_snapshot(found)
    default = default_snapshot()
    options = [str(default)] + [
        str(p) for _, p, _ in found if str(p.resolve()) != location(default)
    ]
    if len(options) > 1:
        names = {str(p): sid for sid, p, _ in found}
        default_mark = tr(" (default)")  # translated now: format_func may run outside the run
        st.sidebar.selectbox(
            tr("Snapshot"),
            options,
            key=_SNAPSHOT,
            format_func=lambda p: (
                names.get(p, Path(p).name) + (default_mark if p == str(default) else "")
            ),
            persist_state="session",
        )
    return chosen_snapshot()


def page_filters(url_path: str) -> Filters:
    """Return the view for a page; draw the frame first if the router did not (a page run alone).

    Every page calls this once, first. Under ``app.py`` the router has drawn the
    frame in the same run; a page run on its own (e.g. by AppTest's page switch)
    draws it here, so pages behave the same either way.
    """
    if st.session_state.pop(_RENDERED, False):
        return sidebar.current()
    if PagesManager.uses_pages_directory:
        # NOTE: Streamlit 1.67 treats an app with a pages/ folder as an old-style
        # multipage app until some run has called st.navigation, so the first visit
        # to /rankings after a restart runs this file alone. Switch the server to
        # st.navigation and rerun: the router then draws the requested page.
        PagesManager.uses_pages_directory = False
        st.rerun()
    filters = render_shell(url_path)
    st.session_state.pop(_RENDERED, None)
    return filters
