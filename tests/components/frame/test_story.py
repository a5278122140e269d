"""Stories travel in the link: any token decodes to steps of known pages, or a plain error."""

from __future__ import annotations

import base64
import json

import pytest

from components.frame import story


def _token(data: object) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_story_round_trips() -> None:
    steps = [story.make_step("rankings", {"province": "52", "x": "1"}, " Guizhou "),
             story.make_step("", {}, "")]  # fmt: skip
    back = story.decode(story.encode(steps))
    assert back == steps and back[0].params == (("province", "52"),)
    assert back[0].route.file.endswith("rankings.py")


@pytest.mark.parametrize(
    "token",
    [_token([["import", "", "x"]]), _token([["../x", "", "x"]]), _token({"a": 1}), _token([]),
     _token([[1, 2, 3]]), "%%%", "A" * (story.MAX_TOKEN + 1),
     base64.urlsafe_b64encode(b"[" * 5000).decode()],
)  # fmt: skip
def test_anything_else_is_a_story_error(token: str) -> None:
    with pytest.raises(story.StoryError):
        story.decode(token)
