from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from loaders import paths
from loaders.store import open_snapshot
from loaders.store.validate import validate_snapshot
from tests.fixtures import demo_snapshot

PAGE = routes.IMPORT.file
TABLE = "排名,县(市、区),所属省份,总分\n1,修文县,贵州省,91.5\n2,胶州市,山东省,85\n".encode(
    "gb18030"
)


def test_import_page_is_absent_unless_enabled(
    run_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GI_ENABLE_IMPORT", raising=False)
    at = run_app()
    with pytest.raises(ValueError, match=r"not a registered page|Could not find"):
        at.switch_page(PAGE)


TOKEN = "correct horse battery staple"


@pytest.fixture
def snapshots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the snapshots folder (drafts beside it), so nothing goes into data/."""
    folder = tmp_path / "snapshots"
    folder.mkdir()
    shutil.copytree(demo_snapshot(), folder / "default")
    monkeypatch.setattr(paths, "SNAPSHOTS_DIR", folder)
    monkeypatch.setattr(paths, "DRAFTS_DIR", tmp_path / "drafts")
    monkeypatch.setenv("GI_SNAPSHOT", str(folder / "default"))
    monkeypatch.setenv("GI_ENABLE_IMPORT", "1")
    return folder


@pytest.fixture
def run_app(run_app: Callable[..., AppTest]) -> Callable[..., AppTest]:
    """Open pages with an import token in the secrets; the import page unlocked with it."""

    def run(page: str | None = None, **params: str) -> AppTest:
        at = run_app(None, **params)
        at.secrets["import_token"] = TOKEN
        if page is not None:
            at.switch_page(page).run()
            if page == PAGE:
                unlock(at)
        return at

    return run


def unlock(at: AppTest, token: str = TOKEN) -> AppTest:
    """Give the import page its access token."""
    field = next(t for t in at.text_input if t.label in ("Access token", "访问令牌"))
    field.set_value(token)
    next(b for b in at.button if b.label in ("Unlock importing", "解锁导入")).click()
    return at.run()


def _fill(at: AppTest) -> AppTest:
    at.text_input[0].set_value("test-upload")  # edition id
    at.text_input[1].set_value("上传测试")  # Chinese title
    source = next(t for t in at.text_input if t.label == "Source title")
    source.set_value("a table from a PDF")
    return at.run()


def test_upload_check_and_write_a_new_snapshot(
    run_app: Callable[..., AppTest], snapshots: Path
) -> None:
    at = run_app(PAGE)
    assert not at.exception
    at.file_uploader[0].set_value(("rank.csv", TABLE, "text/csv"))
    at.run()
    assert any("Read as gb18030" in t.value for t in at.text)
    _fill(at)
    button = next(b for b in at.button if b.label == "Write the new snapshot")
    assert not button.disabled
    button.click().run()
    assert not at.exception
    out = paths.DRAFTS_DIR / "test-upload"  # a private draft, not a snapshot viewers see
    assert validate_snapshot(out) == []
    base = open_snapshot(snapshots / "default").read("rankings").height
    assert open_snapshot(out).read("rankings").height == base + 2  # the 2 imported rows
    assert sorted(p.name for p in snapshots.iterdir()) == ["default"]
    assert "private draft `test-upload`" in at.status[-1].label
    assert "`python -m loaders publish test-upload`" in at.status[-1].label


def test_a_bad_table_shows_problems_and_cannot_be_written(
    run_app: Callable[..., AppTest], snapshots: Path
) -> None:
    at = run_app(PAGE)
    bad = "排名,县(市、区),总分\n1,朝阳区,90\n2,=cmd,80\n".encode()
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv"))
    at.run()
    _fill(at)
    problems = at.dataframe[-1].value
    assert set(problems["severity"]) == {"error"}
    assert problems["problem"].str.contains("ambiguous").any()
    assert problems["problem"].str.contains("formula").any()
    button = next(b for b in at.button if b.label == "Write the new snapshot")
    assert button.disabled
    assert sorted(p.name for p in snapshots.iterdir()) == ["default"]


# Safe to enable: a login, the work once per file in a child process, private drafts.


def _page(run_app: Callable[..., AppTest], **secrets: object) -> AppTest:
    """Open the import page with these secrets and no token given yet."""
    at = run_app()
    for key, value in secrets.items():
        at.secrets[key] = value
    at.switch_page(PAGE).run()
    return at


def _labels(at: AppTest) -> list[str]:
    return [w.label for kind in ("text_input", "button") for w in getattr(at, kind)]


def test_enabled_without_a_login_nobody_may_import(
    run_app: Callable[..., AppTest], snapshots: Path
) -> None:
    at = _page(run_app, import_token="short")  # under 16 characters: not a token
    assert not at.exception
    assert "no login is set up, so nobody may import" in at.error[0].value
    assert not at.get("file_uploader")


def test_a_wrong_token_is_refused_and_guessing_locks_the_session(
    run_app: Callable[..., AppTest], snapshots: Path
) -> None:
    at = _page(run_app, import_token=TOKEN)
    assert "Access token" in _labels(at) and not at.get("file_uploader")
    unlock(at, "guess")
    assert any(e.value == "Wrong token." for e in at.error)
    assert not at.get("file_uploader")
    for _ in range(4):
        unlock(at, "guess again")
    assert "Too many wrong tokens" in at.error[0].value
    assert "Access token" not in _labels(at)


def test_an_oidc_login_must_be_on_the_list(
    run_app: Callable[..., AppTest], snapshots: Path
) -> None:
    auth = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "s",
        "server_metadata_url": "https://example.org/.well-known/openid-configuration",
    }
    at = run_app()
    at.secrets["auth"] = auth
    at.secrets["import_users"] = ["editor@example.org"]
    at.user = {"is_logged_in": False}
    at.switch_page(PAGE).run()
    assert "Log in" in _labels(at) and not at.get("file_uploader")
    at.user = {"is_logged_in": True, "email": "someone@example.org"}
    at.run()
    assert at.error[0].value == "This account may not import." and not at.get("file_uploader")
    at.user = {"is_logged_in": True, "email": "Editor@example.org"}
    at.run()
    assert not at.exception and at.get("file_uploader")


def test_the_file_is_checked_once_not_on_every_widget_change(
    run_app: Callable[..., AppTest], snapshots: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from components import importer

    started: list[str] = []

    class Counted(importer.Job):
        def __init__(self, target: Callable[..., object], *args: object) -> None:
            started.append(getattr(target, "__name__", "?"))
            super().__init__(target, *args)

    monkeypatch.setattr(importer, "Job", Counted)
    at = run_app(PAGE)
    at.file_uploader[0].set_value(("rank.csv", TABLE, "text/csv")).run()
    assert started == ["check_upload"]
    _fill(at)  # three widgets changed, three reruns
    next(t for t in at.text_input if t.label == "Title (English)").set_value("x").run()
    assert started == ["check_upload"]  # the same file: the result is reused
    other = TABLE.replace(b"85", b"84")
    at.file_uploader[0].set_value(("rank.csv", other, "text/csv")).run()
    assert started == ["check_upload", "check_upload"]  # another file (another sha256)


def test_no_temporary_file_is_left_behind(
    run_app: Callable[..., AppTest], snapshots: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the child processes' temporary folder
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # this process's
    at = run_app(PAGE)
    at.file_uploader[0].set_value(("rank.csv", TABLE, "text/csv")).run()
    _fill(at)
    next(b for b in at.button if b.label == "Write the new snapshot").click().run()
    assert (paths.DRAFTS_DIR / "test-upload").is_dir()
    assert list(temp.iterdir()) == []
    assert not [p for p in paths.DRAFTS_DIR.iterdir() if p.name.startswith(".")]


def test_a_job_is_stopped_when_its_session_ends() -> None:
    import time

    from components import importer
    from loaders.imports.job import Job

    job = Job(time.sleep, 60)
    importer._JOBS[("gone-session", "check")] = ("key", job)
    importer._JOBS[("live-session", "check")] = ("key", live := Job(time.sleep, 60))
    try:
        assert importer.reap(alive=lambda session: session == "live-session") == 1
        assert not job.process.is_alive()
        assert live.process.is_alive() and ("live-session", "check") in importer._JOBS
    finally:
        live.cancel()
        importer._JOBS.clear()
