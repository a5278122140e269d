"""Presentation mode (``present=1``): no sidebar or toolbar, larger type, story steps.

A presenter opens a link with ``present=1``; the page shows only its content, in
larger type, with "Exit presentation" and, when the link carries a story, the step's
caption and links to the previous and next step (ordinary links: Tab and Enter step
through them). The style sheet below is a constant: no data ever goes into it.
"""

from __future__ import annotations

import streamlit as st

from components import routes
from components.frame import links, story, url
from components.frame.filters import Filters
from components.i18n import tr
from components.provenance import md_escape

PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarCollapseButton"], [data-testid="stExpandSidebarButton"],
[data-testid="stToolbar"], [data-testid="stHeader"], [data-testid="stDecoration"],
[data-testid="stMainMenu"] { display: none !important; }
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
</style>"""


def render(filters: Filters, url_path: str) -> None:
    """Hide the chrome and draw the presenter's bar: story step, previous/next, exit."""
    st.html(PRESENT_CSS)
    token = filters.carried.get("story") or ""
    steps = story.decode(token) if token else []
    number = int(filters.carried.get("step", "1")) if steps else 0
    here = routes.by_path(url_path)
    columns = st.columns([5, 1.6, 1.4, 1.2], vertical_alignment="center")
    if steps:
        caption = md_escape(steps[number - 1].caption) or tr("(no caption)")
        columns[0].markdown(f"**{number} / {len(steps)}** · {caption}")
        if number > 1:
            with columns[1]:
                _step_link(token, steps, number - 1, tr("Previous"), ":material/arrow_back:")
        if number < len(steps):
            with columns[2]:
                _step_link(token, steps, number + 1, tr("Next"), ":material/arrow_forward:")
    with columns[3]:
        links.render(
            links.Links(filters).to(here, present=None, story=None, step=None),
            tr("Exit"),
            icon=":material/close:",
            help=tr("Leave presentation mode: sidebar and controls come back"),
        )


def _step_link(token: str, steps: list[story.Step], number: int, label: str, icon: str) -> None:
    step = links.Link(steps[number - 1].route, story.step_params(token, steps, number))
    links.render(step, label, icon=icon)


def render_builder(url_path: str) -> None:
    """Let a presenter collect views into a story and get its link (in the share panel)."""
    key = "_story_steps"
    steps: list[story.Step] = list(st.session_state.get(key, []))
    st.markdown(tr("**Story for a presentation**"))
    caption = st.text_input(
        tr("Caption of this view"), max_chars=story.MAX_CAPTION, key="_story_caption"
    )
    add, clear = st.columns(2)
    if add.button(
        tr("Add this view"),
        icon=":material/add:",
        disabled=not routes.is_page(url_path)
        or url_path == routes.HOME.url_path  # the front door is not a view to present
        or len(steps) >= story.MAX_STEPS,
    ):
        steps.append(story.make_step(url_path, url.strings(), caption))
    if clear.button(tr("Clear"), icon=":material/delete:", disabled=not steps):
        steps = []
    st.session_state[key] = steps
    for i, step in enumerate(steps, 1):
        shown = md_escape(step.caption) or tr("(no caption)")
        st.caption(f"{i}. {tr(step.route.title)} · {shown}")
    if steps:
        token = story.encode(steps)
        root = links.app_root(st.context.url, url_path)
        link = links.Link(steps[0].route, story.step_params(token, steps, 1)).url(root)
        st.caption(tr("Open this link to present the story from its first view:"))
        st.code(link, language=None, wrap_lines=True)
