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
