"""The edition picker: the edition on screen in full, and a dialog to choose another.

A sidebar is too narrow for "Published · 2014 · China Software Testing Center · …":
the sidebar shows the current edition whole (real or demo, evaluator, year, title,
wrapped) and a button; the dialog lists every edition in a wide, searchable table,
real ones first grouped by evaluator, the demo ones last. It works the same on a phone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from components.frame.filters import Choices
from components.i18n import tr
from components.provenance import md_escape

TABLE_KEY = "_edition_table"
SEARCH_KEY = "_edition_search"


def picker_table(choices: Choices, text: str = "") -> pl.DataFrame:
    """Return the editions to choose from: real first (by evaluator, newest first), demo last.

    ``text`` keeps the rows whose evaluator, year, title or id contain it (any case).

    Examples
    --------
    >>> c = Choices(("r1", "d1"), "d1", {}, (), frozenset(), edition_info={
    ...     "r1": (False, "CASS", 2021, "Transparency", "third-party assessment"),
    ...     "d1": (True, "Demo X", 2021, "Demo", "third-party assessment")})
    >>> picker_table(c)["edition_id"].to_list(), picker_table(c, "cass").height
    (['r1', 'd1'], 1)
    """
    rows = [
        {
            "edition_id": edition,
            "synthetic": info[0],
            "group": tr("Demo (synthetic)")
            if info[0]
            else tr("Real · {evaluator}", evaluator=info[1]),
            "evaluator": info[1],
            "year": info[2],
            "title": info[3],
            "mode": info[4],
        }
        for edition in choices.editions
        if (info := choices.edition_info.get(edition))
    ]
    if not rows:
        return pl.DataFrame(schema={"edition_id": pl.String, "group": pl.String})
    table = pl.DataFrame(rows).sort(
        ["synthetic", "evaluator", "year"], descending=[False, False, True]
    )
    if text:
        needle = text.lower()
        hit = pl.any_horizontal(
            pl.col(c).cast(pl.String).str.to_lowercase().str.contains(needle, literal=True)
            for c in ("evaluator", "year", "title", "edition_id", "group")
        )
        table = table.filter(hit)
    return table.drop("synthetic")


def columns() -> dict[str, Any]:
    """Return the picker table's column headers, in the interface language."""
    return {
        "group": st.column_config.TextColumn(tr("Real or demo · evaluator"), width=260),
        "evaluator": None,  # in the group
        "year": st.column_config.NumberColumn(tr("Year"), format="%d", width=60),
        "title": st.column_config.TextColumn(tr("Title"), width=420),
        "mode": st.column_config.TextColumn(tr("Mode"), width=140),
        "edition_id": st.column_config.TextColumn(tr("Edition id"), width=200),
    }


def render(choices: Choices, on_choose: Callable[[str], None]) -> None:
    """Draw the edition on screen in full and the button that opens the picker."""
    current = str(st.session_state.get("edition", choices.default_edition))
    synthetic, evaluator, year, title, _mode = choices.edition_info.get(
        current, (True, current, 0, "", "")
    )
    st.markdown(tr("**Edition**"))
    with st.container(border=True):
        if synthetic:
            st.badge(tr("Demo (synthetic)"), color="orange", icon=":material/science:")
        else:
            st.badge(tr("Real, published"), color="blue", icon=":material/verified:")
        st.markdown(f"**{md_escape(evaluator)}** · {year}")
        if title and title != evaluator:
            st.caption(md_escape(title))
        if st.button(
            tr("Choose another edition"),
            key="_edition_open",
            icon=":material/list:",
            width="stretch",
        ):
            st.dialog(tr("Choose an edition"), width="large")(_dialog)(choices, on_choose)


def _dialog(choices: Choices, on_choose: Callable[[str], None]) -> None:
    """Draw the picker: a search box and every edition in a wide table; a click chooses."""
    st.caption(
        tr(
            "Real editions first, grouped by evaluator; the synthetic demo editions last. "
            "Click a row to open it."
        )
    )
    text = st.text_input(
        tr("Search"), key=SEARCH_KEY, placeholder=tr("evaluator, year, title or edition id")
    )
    table = picker_table(choices, text.strip())
    event = st.dataframe(
        table,
        key=TABLE_KEY,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        column_config=columns(),
        height=420,
    )
    chosen = event.selection.rows if event and event.selection else []
    if chosen:
        on_choose(str(table.item(chosen[0], "edition_id")))
        st.rerun()
