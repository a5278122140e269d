"""Stories: short ordered lists of saved views with captions, carried in the link itself.

A story is ``story=<token>`` in the URL: base64url of a small JSON list of steps, each
a page, its query string and a caption. Nothing is stored on the server, so a
presenter's link works on any deployment with the same snapshot. Opening a step
validates its parameters like any other link.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from components import routes
from components.i18n import tr

# What a step may set: the view, and the language. Presentation keys are added when
# the story is played.
STEP_KEYS = ("edition", "metric", "province", "county", "classes", "compare", "weights", "lang")
MAX_STEPS = 12
MAX_CAPTION = 200
MAX_TOKEN = 6000


class StoryError(ValueError):
    """A story token that cannot be used; the message is plain text without the token."""


@dataclass(frozen=True)
class Step:
    """One saved view of a story."""

    page: str  # a page's url path (components.routes)
    params: tuple[tuple[str, str], ...]
    caption: str

    @property
    def route(self) -> routes.Route:
        """The step's page ("" — the atlas when stories were first made — is the atlas)."""
        return routes.ATLAS if self.page == routes.LEGACY_ATLAS else routes.by_path(self.page)


def make_step(page: str, params: dict[str, str], caption: str) -> Step:
    """Return a step of ``page`` with the story-relevant ``params`` and a trimmed caption.

    Examples
    --------
    >>> make_step("rankings", {"province": "52", "present": "1"}, "  Guizhou  ")
    Step(page='rankings', params=(('province', '52'),), caption='Guizhou')
    """
    if not routes.is_page(page):
        raise StoryError(tr("a story cannot show the page {page}", page=repr(page)))
    kept = tuple((k, str(v)) for k, v in params.items() if k in STEP_KEYS)
    return Step(page, kept, " ".join(caption.split())[:MAX_CAPTION])


def encode(steps: list[Step]) -> str:
    """Return the URL token of ``steps``.

    Examples
    --------
    >>> token = encode([make_step("", {"province": "52"}, "Guizhou")])
    >>> decode(token)[0].params
    (('province', '52'),)
    """
    data = [[s.page, urlencode(s.params), s.caption] for s in steps]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(token: str) -> list[Step]:
    """Return the steps of a story token; raise :class:`StoryError` if it is not one.

    Examples
    --------
    >>> decode("bm9wZQ")
    Traceback (most recent call last):
    ...
    components.frame.story.StoryError: not a story link (it may have been cut short)
    """
    if len(token) > MAX_TOKEN:
        raise StoryError(tr("longer than {n} characters", n=MAX_TOKEN))
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        raise StoryError(tr("not a story link (it may have been cut short)")) from None
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_STEPS:
        raise StoryError(tr("a story has 1 to {n} steps", n=MAX_STEPS))
    steps = []
    for item in data:
        if not (
            isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)
        ):
            raise StoryError(tr("a step is not [page, parameters, caption]"))
        page, query, caption = item
        steps.append(make_step(page, dict(parse_qsl(query)), caption))
    return steps


def step_params(token: str, steps: list[Step], number: int) -> dict[str, str]:
    """Return the query parameters that open step ``number`` (1-based) in presentation mode."""
    return {**dict(steps[number - 1].params), "present": "1", "story": token, "step": str(number)}
