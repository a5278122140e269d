"""Records counted, not itemised: their yearly volumes, documented or assumed, and the method."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from components import routes
from components.frame import links
from components.frame.filters import Filters
from components.i18n import labels, mark, tr
from components.provenance import enum_expr

VOLUME_NOTE = mark(
    "Complaints, petitions and reconsideration applications come in hundreds or thousands "
    "per county and year, so the demo counts them per county and month instead of listing "
    "them one by one: they are in the charts and the map above, not in the lifecycles or "
    "the records table below. Only the complaints' magnitude is documented (the project's "
    "notes: hundreds to thousands per county and year); the other two are assumed."
)
_DOCUMENTED = mark("documented")
_ASSUMED = mark("assumed")


def volume_table(summary: pl.DataFrame) -> pl.DataFrame:
    """Return the volume summary with labels: type, agency, yearly count per county, basis.

    Examples
    --------
    >>> s = pl.DataFrame({"record_type": ["petition"], "source_agency": ["letters_visits"],
    ...     "median": [150.0], "low": [50.0], "high": [420.0], "total": [10],
    ...     "documented": [False]})
    >>> volume_table(s).row(0)
    ('Petition 信访', 'Letters and visits (petitions) bureau 信访局', 150, '50–420', 10, 'assumed')
    """
    return summary.select(
        enum_expr("record_type", labels.RECORD_TYPES),
        enum_expr("source_agency", labels.RECORD_SOURCES),
        pl.col("median").round(0).cast(pl.Int64),
        pl.format(
            "{}–{}", pl.col("low").round(0).cast(pl.Int64), pl.col("high").round(0).cast(pl.Int64)
        ).alias("range"),
        "total",
        pl.when("documented")
        .then(pl.lit(tr(_DOCUMENTED)))
        .otherwise(pl.lit(tr(_ASSUMED)))
        .alias("basis"),
    )


def volume_config() -> dict[str, Any]:
    """Return the column labels of :func:`volume_table`."""
    return {
        "record_type": st.column_config.TextColumn(tr("Record type")),
        "source_agency": st.column_config.TextColumn(tr("Source agency")),
        "median": st.column_config.NumberColumn(tr("Median per county and year"), format="%,d"),
        "range": st.column_config.TextColumn(tr("5th–95th percentile")),
        "total": st.column_config.NumberColumn(tr("Records counted"), format="%,d"),
        "basis": st.column_config.TextColumn(tr("Volume")),
    }


def render_volumes(summary: pl.DataFrame, filters: Filters) -> None:
    """Say which record types are counted, not listed, and whether their volume is documented."""
    if summary.is_empty():
        return
    st.markdown(tr("**Records counted, not listed**"))
    st.caption(tr(VOLUME_NOTE))
    st.dataframe(
        volume_table(summary), hide_index=True, column_config=volume_config(), placeholder="—"
    )
    render_method_link(filters)


def render_method_link(filters: Filters) -> None:
    """Link to the methodology's section on the records: documented and reconstructed."""
    links.render_section_link(
        links.Links(filters).to(routes.METHODOLOGY),
        "records",
        tr("How the records are reconstructed: which agency gives which record, and why"),
        here=routes.RECORDS.url_path,
    )
