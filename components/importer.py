"""The /import page's widgets: login, edition form, the work in a child process, the report.

Importing is behind a login even where it is switched on: an OIDC provider through
Streamlit's ``st.login`` (``[auth]`` in the secrets, with the e-mail addresses allowed
in ``import_users``) or an access token (``import_token`` in the secrets, at least 16
characters). Reading, matching and writing run in a child process
(``loaders.imports.job``): once per uploaded file (by its sha256) and settings, never
again on a change of the form, and stopped when the viewer's session ends.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.i18n import is_zh, labels, pick, tr, translated
from components.provenance import md_escape
from loaders import schemas
from loaders.imports.job import TIMEOUT, Checked, Job, Outcome
from loaders.imports.read import Problem

MIN_TOKEN = 16  # characters of an access token
MAX_TRIES = 5  # wrong tokens a session may give before it is locked out
_ACCESS = "_import_access"
_TRIES = "_import_tries"
_GIVEN = "_import_token_given"
_WRONG = "_import_token_wrong"
# (session id, kind of work) → (what it works on, the job): the watchdog's view.
_JOBS: dict[tuple[str, str], tuple[Hashable, Job]] = {}
_LOCK = threading.Lock()
_WATCHDOG: list[threading.Thread] = []


# ---------------------------------------------------------------------------------------
# who may import
# ---------------------------------------------------------------------------------------
def _secret(name: str) -> Any:
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all
        return None


def access_rule() -> str:
    """Return how this server lets people import: "login" (OIDC), "token" or "none"."""
    users = _secret("import_users")
    if _secret("auth") and isinstance(users, list | tuple) and users:
        return "login"
    token = _secret("import_token")
    if isinstance(token, str) and len(token) >= MIN_TOKEN:
        return "token"
    return "none"


def render_access() -> bool:
    """Ask who is importing; return whether this session may import.

    With no login configured nobody may: switching importing on is not enough.
    """
    rule = access_rule()
    if rule == "login":
        return _render_login()
    if rule == "token":
        return _render_token()
    st.error(
        tr(
            "Importing is switched on, but no login is set up, so nobody may import. "
            "The operator sets `import_token`, or `[auth]` with `import_users`, in the secrets."
        )
    )
    return False


def _render_login() -> bool:
    if not st.user.is_logged_in:
        st.info(tr("Importing needs a login."))
        st.button(tr("Log in"), on_click=st.login, icon=":material/login:")
        return False
    allowed = {str(u).lower() for u in _secret("import_users") or ()}
    if str(st.user.get("email", "")).lower() not in allowed:
        st.error(tr("This account may not import."))
        st.button(tr("Log out"), on_click=st.logout)
        return False
    return True


def _render_token() -> bool:
    state = st.session_state
    if state.get(_ACCESS):
        return True
    if state.get(_TRIES, 0) >= MAX_TRIES:
        st.error(tr("Too many wrong tokens: importing is locked for this session."))
        return False
    # NOTE: the token is checked in a callback (as the write button's click is kept):
    # a rerun of the page through the router would drop a submit read from the form.
    with st.form("import_access"):
        st.text_input(tr("Access token"), type="password", max_chars=200, key=_GIVEN)
        st.form_submit_button(tr("Unlock importing"), on_click=_check_token)
    if state.pop(_WRONG, False):
        st.error(tr("Wrong token."))
    return False


def _check_token() -> None:
    state = st.session_state
    given = str(state.pop(_GIVEN, "") or "")
    token = str(_secret("import_token") or "")
    if len(token) >= MIN_TOKEN and hmac.compare_digest(given.encode(), token.encode()):
        state[_ACCESS] = True
        return
    state[_TRIES] = state.get(_TRIES, 0) + 1
    state[_WRONG] = True
    time.sleep(1.0)  # slows guessing down


# ---------------------------------------------------------------------------------------
# the work, in a child process per session
# ---------------------------------------------------------------------------------------
def _session() -> str:
    context = get_script_run_ctx()
    return context.session_id if context is not None else "bare"


def _alive(session_id: str) -> bool:
    from streamlit.runtime import Runtime

    return not Runtime.exists() or Runtime.instance().is_active_session(session_id)


def reap(alive: Callable[[str], bool] = _alive) -> int:
    """Stop every job whose session has ended; return how many were stopped."""
    with _LOCK:
        gone = [(key, held) for key, held in _JOBS.items() if not alive(key[0])]
        for key, (_, job) in gone:
            job.cancel()
            del _JOBS[key]
    return len(gone)


def _watch() -> None:
    while True:
        time.sleep(1.0)
        reap()


def _start_watchdog() -> None:
    if not _WATCHDOG:
        thread = threading.Thread(target=_watch, daemon=True)
        thread.start()
        _WATCHDOG.append(thread)


def run_job(kind: str, key: Hashable, target: Callable[..., Any], *args: Any) -> Outcome:
    """Run ``target(*args)`` in this session's child process for ``kind``; wait for it.

    A job for the same ``key`` already running (the page was rerun by a widget) is
    waited for, not started again; one for another key is stopped first. While it
    runs, the page shows the seconds; the wait ends with the script run (a rerun
    finds the job again), and the job itself ends with the session (the watchdog).
    """
    session = _session()
    with _LOCK:
        held = _JOBS.get((session, kind))
        if held is not None and held[0] != key:
            held[1].cancel()
            held = None
        if held is None:
            held = (key, Job(target, *args))
            _JOBS[(session, kind)] = held
        _start_watchdog()
    job = held[1]
    note = st.empty()
    job.wait(TIMEOUT + 10, tick=lambda s: note.caption(tr("Working on the file… {n} s", n=int(s))))
    note.empty()
    with _LOCK:
        if _JOBS.get((session, kind)) is held:
            del _JOBS[(session, kind)]
    return job.outcome()


def cached_job(kind: str, key: Hashable, target: Callable[..., Any], *args: Any) -> Outcome:
    """Return the outcome of ``target(*args)`` for ``key``, run once per session and key."""
    slot = f"_import_done_{kind}"
    done = st.session_state.get(slot)
    if done is not None and done[0] == key:
        return done[1]
    outcome = run_job(kind, key, target, *args)
    st.session_state[slot] = (key, outcome)
    return outcome


def file_key(data: bytes, *settings: Hashable) -> tuple[Hashable, ...]:
    """Return the cache key of an upload: its sha256 and the settings that change its reading."""
    return (hashlib.sha256(data).hexdigest(), *settings)


def render_meta_form(evaluators: pl.DataFrame) -> dict[str, Any]:
    """Ask who published the table, when and where; return the edition metadata."""
    real = evaluators.filter(~pl.col("is_synthetic"))
    ids = real.get_column("evaluator_id").to_list()
    names = dict(
        zip(ids, [pick(e, z) for e, z in real.select("name_en", "name_zh").rows()], strict=True)
    )
    # NOTE: labels are made now, not in format_func, which may run outside the script run
    # (AppTest calls it) where the interface language is unknown. English shows the codes.
    chinese = is_zh()
    modes = translated(labels.MODES) if chinese else {}
    kinds = translated(labels.RELIABILITIES) if chinese else {}
    left, right = st.columns(2)
    evaluator = left.selectbox(tr("Evaluator"), ids, format_func=lambda e: names[e])
    edition_id = left.text_input(tr("Edition id (letters, digits, dashes)"), "import-1")
    title_zh = left.text_input(tr("Title (Chinese)"), "")
    title_en = left.text_input(tr("Title (English)"), "")
    data_year = right.number_input(tr("Data year"), 2000, 2100, 2021)
    released = right.text_input(tr("Released (YYYY-MM-DD or YYYY-MM)"), "")
    mode = right.selectbox(
        tr("Mode"),
        schemas.EDITION_MODES,
        format_func=lambda m: modes.get(m, m),
    )
    score_max = right.number_input(tr("Highest possible score"), 1.0, 10_000.0, 100.0)
    source_title = st.text_input(tr("Source title"), "")
    source_url = st.text_input(tr("Source URL"), "")
    reliability = st.selectbox(
        tr("Source kind"),
        schemas.SOURCE_RELIABILITY[:-1],
        format_func=lambda r: kinds.get(r, r),
    )
    return {
        "edition_id": edition_id.strip(),
        "evaluator_id": evaluator,
        "title_zh": title_zh.strip(),
        "title_en": title_en.strip() or None,
        "data_year": int(data_year),
        "released": released.strip() or None,
        "mode": mode,
        "score_max": float(score_max),
        "source": {
            "source_id": f"src-{edition_id.strip()}",
            "title": source_title.strip(),
            "url": source_url.strip() or None,
            "reliability": reliability,
            "kind": "report",
        },
    }


def meta_problems(meta: dict[str, Any]) -> list[str]:
    """Return what is missing or malformed in the form (empty when it can be imported).

    Examples
    --------
    >>> meta_problems({"edition_id": "x y", "title_zh": "", "source": {"title": ""}})
    ['edition id: letters, digits and dashes only', 'a Chinese title', 'a source title']
    """
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-]{0,60}", meta["edition_id"]):
        problems.append(tr("edition id: letters, digits and dashes only"))
    if not meta["title_zh"]:
        problems.append(tr("a Chinese title"))
    if not meta["source"]["title"]:
        problems.append(tr("a source title"))
    return problems


def render_missing(missing: list[str]) -> None:
    """Say what the form still needs before the snapshot can be written."""
    separator = "；" if is_zh() else "; "
    st.info(tr("Still needed: {items}.", items=separator.join(missing)))


def render_rejected(rejected: object, where: Any = st) -> None:
    """Say that the file was rejected and why (the checker's reason, in English, apart)."""
    if is_zh():
        where.error(tr("Rejected: the file cannot be imported. The checker's reason:"))
        where.caption(md_escape(str(rejected)))
    else:
        where.error(md_escape(tr("Rejected: {reason}", reason=str(rejected))))


def problems_frame(problems: list[Problem]) -> pl.DataFrame:
    """Return the problems as a table (severity, row, column, value, problem)."""
    return pl.DataFrame(
        [
            {"severity": p.severity, "row": p.row, "column": p.column, "value": p.value,
             "problem": p.message}
            for p in problems
        ],
        schema={"severity": pl.String, "row": pl.Int64, "column": pl.String,
                "value": pl.String, "problem": pl.String},
    )  # fmt: skip


def render_rejected_status(status: Any, rejected: object) -> None:
    """Mark the import's status as rejected, with the checker's reason (apart in Chinese)."""
    if is_zh():
        status.update(label=tr("Rejected"), state="error")
        render_rejected(rejected)
    else:
        status.update(
            label=md_escape(tr("Rejected: {reason}", reason=str(rejected))), state="error"
        )


def problems_columns() -> dict[str, Any]:
    """Return Chinese column headers for :func:`problems_frame` (none in English).

    The problem messages come from the checker (``loaders.imports``) in English.
    """
    if not is_zh():
        return {}
    return {
        "severity": st.column_config.TextColumn(tr("Severity")),
        "row": st.column_config.NumberColumn(tr("Row"), format="%d"),
        "column": st.column_config.TextColumn(tr("Column")),
        "value": st.column_config.TextColumn(tr("Value")),
        "problem": st.column_config.TextColumn(tr("Problem (as the checker wrote it)")),
    }


def problems_display(problems: list[Problem]) -> pl.DataFrame:
    """Return :func:`problems_frame` for display: severities labelled in Chinese in zh."""
    frame = problems_frame(problems)
    if not is_zh():
        return frame
    words = translated(labels.SEVERITIES)
    return frame.with_columns(pl.col("severity").replace_strict(words, default=pl.col("severity")))


def render_preview(checked: Checked) -> None:
    """Show how the file was read: encoding, sheet, column mapping and the first rows."""
    header = checked.header
    if is_zh():
        # NOTE: names from the file go in code spans (no backticks of their own).
        sheet = (
            tr(", sheet `{sheet}`", sheet=checked.sheet.replace("`", "'")) if checked.sheet else ""
        )
        st.markdown(
            tr(
                "Read as `{encoding}`{sheet}; header on row {row}; {n} rows ready to import.",
                encoding=checked.encoding.replace("`", "'"),
                sheet=sheet,
                row=checked.header_row + 1,
                n=checked.ready,
            )
        )
    else:
        how = f"Read as {checked.encoding}" + (f", sheet {checked.sheet}" if checked.sheet else "")
        st.text(
            tr(
                "{how}; header on row {row}; {n} rows ready to import.",
                how=how,
                row=checked.header_row + 1,
                n=checked.ready,
            )
        )
    read_as = list(checked.columns.values())
    if is_zh():
        read_as = [tr(labels.IMPORT_FIELDS[f]) if f in labels.IMPORT_FIELDS else f for f in read_as]
    mapping = pl.DataFrame(
        {
            "column in file": [header[i] for i in checked.columns],
            "read as": read_as,
        }
    )
    columns = {}
    if is_zh():
        columns = {
            "column in file": st.column_config.TextColumn(tr("Column in the file")),
            "read as": st.column_config.TextColumn(tr("Read as")),
        }
    st.dataframe(mapping, hide_index=True, column_config=columns)
    width = len(header)
    st.dataframe(
        pl.DataFrame(
            [(row + [""] * width)[:width] for row in checked.preview],
            schema=[f"{i + 1}: {h}" for i, h in enumerate(header)],
            orient="row",
        ),
        hide_index=True,
    )


def render_problems_note(shown: int, total: int) -> None:
    """Say when only the first problems are listed (and in the report)."""
    if total > shown:
        st.caption(
            tr("The first {shown} of {total} problems are listed.", shown=shown, total=total)
        )
