"""``python -m loaders``: every verb answers --help, an unknown verb is refused."""

from __future__ import annotations

import pytest

from loaders.tools import cli


@pytest.mark.parametrize("verb", sorted(cli.COMMANDS))
def test_every_verb_has_help(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([verb, "--help"])
    assert done.value.code == 0
    assert verb in capsys.readouterr().out


def test_an_unknown_verb_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["teleport"])
    assert done.value.code == 2


@pytest.fixture
def publishers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple, dict]]:
    """Record what ``publish`` hands to each kind of publishing, instead of publishing."""
    from pathlib import Path

    from loaders.imports import drafts
    from loaders.store import publish

    calls: list[tuple[str, tuple, dict]] = []

    def to_channel(*args: object, **kwargs: object) -> str:
        calls.append(("channel", args, kwargs))
        return "s3://bucket/live/default-000000000000"

    def draft(*args: object, **kwargs: object) -> Path:
        calls.append(("draft", args, kwargs))
        return Path("data/snapshots/x")

    monkeypatch.setattr(publish, "publish", to_channel)
    monkeypatch.setattr(drafts, "publish", draft)
    return calls


def test_publish_sends_an_s3_target_to_its_channel_and_a_name_to_the_drafts(
    publishers: list[tuple[str, tuple, dict]], capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from loaders import paths

    assert cli.main(["publish", "s3://bucket/live", "--snapshot", "/tmp/snap"]) == 0
    assert cli.main(["publish", "s3://bucket/live"]) == 0
    assert cli.main(["publish", "rank-2021", "--drafts", "/tmp/d", "--snapshots", "/tmp/s"]) == 0
    assert cli.main(["publish", "rank-2021"]) == 0
    default = paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID
    assert publishers == [
        ("channel", (Path("/tmp/snap"), "s3://bucket/live"), {}),
        ("channel", (default, "s3://bucket/live"), {}),
        ("draft", ("rank-2021",), {"drafts": Path("/tmp/d"), "snapshots": Path("/tmp/s")}),
        ("draft", ("rank-2021",), {"drafts": None, "snapshots": None}),
    ]
    out = capsys.readouterr().out
    assert "s3://bucket/live/CURRENT points to it" in out
    assert "published rank-2021" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["publish", "../default"],  # neither a channel nor a draft's name
        ["publish", "/not/s3"],
        ["publish", "gs://bucket/live"],  # another scheme
        ["publish", "s3://"],  # no bucket
        ["publish", ""],
        ["publish", "rank-2021", "--snapshot", "/tmp/snap"],  # a channel's option
        ["publish", "s3://bucket/live", "--drafts", "/tmp/d"],  # a draft's option
    ],
)
def test_publish_refuses_a_bad_target_clearly_with_exit_2(
    argv: list[str],
    publishers: list[tuple[str, tuple, dict]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(argv) == 2
    assert not publishers  # nothing published either way
    err = capsys.readouterr().err
    assert err.startswith("publish: ") and len(err.splitlines()) == 1
    assert "s3://" in err
