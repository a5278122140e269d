"""Import: a report table (CSV or XLSX) checked row by row and written as a new snapshot."""

from __future__ import annotations

import streamlit as st

from components import importer as view
from components.frame.shell import current_snapshot, import_enabled, page_filters
from components.i18n import tr
from loaders import paths
from loaders.imports.cli import report_csv
from loaders.imports.read import ImportRejected, save_upload, sheet_names
from loaders.imports.table import check_file, import_file, write_meta
from loaders.store import load

WRITE_REQUESTED = "_import_write_requested"

filters = page_filters("import")
# The router lists this page only where importing is on; a server that has not yet
# switched to the router (its first request) could still run this file directly.
if not import_enabled():
    st.error(tr("Importing is switched off on this server."))
    st.stop()
snapshot = current_snapshot()

# 1/ FILE AND EDITION
st.title(tr("Import a report table"))
st.caption(
    tr(
        "A ranking or score table of one edition, as CSV (UTF-8, UTF-16, GBK/GB18030) or XLSX. "
        "Every row is matched to a county or reported; nothing is written unless all rows pass."
    )
)
upload = st.file_uploader(tr("Table"), type=["csv", "xlsx"])
meta = view.render_meta_form(load(snapshot, "evaluators"))
if upload is None:
    st.stop()
path = save_upload(upload.getvalue(), upload.name)
sheet = None
if path.suffix.lower() == ".xlsx":
    try:
        sheet = st.selectbox(tr("Sheet"), sheet_names(path))
    except ImportRejected as rejected:
        view.render_rejected(rejected)
        st.stop()
encoding = st.text_input(tr("Encoding (leave empty to detect)"), "").strip() or None

# 2/ CHECK: how the file was read and every problem, before anything is written
try:
    table, parsed, problems = check_file(
        path, snapshot=snapshot, score_max=meta["score_max"], sheet=sheet, encoding=encoding
    )
except ImportRejected as rejected:
    view.render_rejected(rejected)
    st.stop()
view.render_preview(table, parsed)
if problems:
    st.subheader(tr("Problems"))
    st.dataframe(view.problems_display(problems), hide_index=True, width="stretch",
                 column_config=view.problems_columns())  # fmt: skip
    st.download_button(tr("Download the problem report (CSV)"), report_csv(problems),
                       file_name="import-report.csv", mime="text/csv")  # fmt: skip
errors = [p for p in problems if p.severity == "error"]
missing = view.meta_problems(meta)
if missing:
    view.render_missing(missing)

# 3/ WRITE the new snapshot (atomically; the base is never changed)
out = paths.SNAPSHOTS_DIR / meta["edition_id"]
# NOTE: the click is kept by a callback, not read from the button's return value: a
# server's first run of this page may run the file alone and rerun it through the
# router (components.frame.shell.page_filters), and a rerun drops a button's click.
st.button(
    tr("Write the new snapshot"),
    type="primary",
    disabled=bool(errors or missing),
    on_click=st.session_state.__setitem__,
    args=(WRITE_REQUESTED, True),
)
if st.session_state.pop(WRITE_REQUESTED, False) and not (errors or missing):
    with st.status(tr("Importing…"), expanded=True) as status:
        try:
            meta_path = path.with_suffix(".meta.json")
            write_meta(meta_path, meta)
            import_file(
                path, snapshot=snapshot, out=out, meta_path=meta_path, sheet=sheet,
                encoding=encoding,
            )  # fmt: skip
        except ImportRejected as rejected:
            view.render_rejected_status(status, rejected)
            st.dataframe(view.problems_display(rejected.problems), hide_index=True,
                         column_config=view.problems_columns())  # fmt: skip
        else:
            status.update(
                label=tr("Written to {name}: choose it under Snapshot", name=out.name),
                state="complete",
            )
