"""Import: a report table (CSV or XLSX) checked row by row and written as a private draft."""

from __future__ import annotations

import streamlit as st

from components import importer as view
from components.frame.shell import current_snapshot, import_enabled, page_filters
from components.i18n import tr
from loaders import paths
from loaders.imports.cli import report_csv
from loaders.imports.job import Checked, Failed, Rejected, check_upload, write_upload
from loaders.imports.read import ImportRejected, sheet_names, upload_file
from loaders.store import load

WRITE_REQUESTED = "_import_write_requested"

filters = page_filters("import")
# The router lists this page only where importing is on; a server that has not yet
# switched to the router (its first request) could still run this file directly.
if not import_enabled():
    st.error(tr("Importing is switched off on this server."))
    st.stop()
snapshot = current_snapshot()

# 1/ WHO: importing needs a login (OIDC) or the access token, even where it is on
st.title(tr("Import a report table"))
if not view.render_access():
    st.stop()

# 2/ FILE AND EDITION
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
data, name = upload.getvalue(), upload.name
sheet = None
if name.lower().endswith(".xlsx"):
    try:
        with upload_file(data, name) as path:
            sheets = sheet_names(path)
    except ImportRejected as rejected:
        view.render_rejected(rejected)
        st.stop()
    sheet = st.selectbox(tr("Sheet"), sheets)
encoding = st.text_input(tr("Encoding (leave empty to detect)"), "").strip() or None

# 3/ CHECK, once per file and reading settings: how it was read and every problem
where = str(snapshot.location)
key = view.file_key(data, name, where, snapshot.manifest_sha256, meta["score_max"], sheet, encoding)
checked = view.cached_job(
    "check", key, check_upload, data, name, where, meta["score_max"], sheet, encoding
)
if isinstance(checked, Rejected | Failed):
    view.render_rejected(checked.message)
    st.stop()
assert isinstance(checked, Checked)
view.render_preview(checked)
if checked.problems:
    st.subheader(tr("Problems"))
    view.render_problems_note(len(checked.problems), checked.total)
    st.dataframe(view.problems_display(checked.problems), hide_index=True, width="stretch",
                 column_config=view.problems_columns())  # fmt: skip
    st.download_button(tr("Download the problem report (CSV)"), report_csv(checked.problems),
                       file_name="import-report.csv", mime="text/csv")  # fmt: skip
missing = view.meta_problems(meta)
if missing:
    view.render_missing(missing)

# 4/ WRITE a private draft (atomically; the base is never changed)
# NOTE: the click is kept by a callback, not read from the button's return value: a
# server's first run of this page may run the file alone and rerun it through the
# router (components.frame.shell.page_filters), and a rerun drops a button's click.
st.button(
    tr("Write the new snapshot"),
    type="primary",
    disabled=bool(checked.errors or missing),
    on_click=st.session_state.__setitem__,
    args=(WRITE_REQUESTED, True),
)
if st.session_state.pop(WRITE_REQUESTED, False) and not (checked.errors or missing):
    out = paths.DRAFTS_DIR / meta["edition_id"]
    with st.status(tr("Importing…"), expanded=True) as status:
        written = view.run_job(
            "write", (key, str(meta)), write_upload, data, name, where, str(out), meta, sheet,
            encoding,
        )  # fmt: skip
        if isinstance(written, Rejected | Failed):
            view.render_rejected_status(status, written.message)
            if isinstance(written, Rejected):
                st.dataframe(view.problems_display(written.problems), hide_index=True,
                             column_config=view.problems_columns())  # fmt: skip
        else:
            status.update(
                label=tr(
                    "Written as the private draft `{name}`: no viewer sees it until an operator "
                    "publishes it with `python -m loaders publish {name}`",
                    name=str(written),
                ),
                state="complete",
            )
