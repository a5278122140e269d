"""Fuzzed links: every parameter of every page, in both languages, never an exception box.

Hypothesis draws a link holding every parameter the app knows (the frame's own, the
story and its step, the snapshot, each page's controls) plus an unknown one, with
hostile values: any Unicode, digits of other scripts ('²', '٣'), 5,000 nines, base64
of deeply nested JSON, valid story tokens of random JSON. Each run must draw the
sidebar, show one notice per parameter the frame ignored (as ``parse_params`` says,
the pure function behind the sidebar), and never Streamlit's exception box nor the
app's generic error.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from components import routes
from components.frame.filters import CARRIED, MANAGED, PAGE_PARAMS, parse_params
from components.frame.shell import PAGE_CONTROLS
from components.frame.sidebar import CONTROLS

STORY = "W1siIiwicHJvdmluY2U9NTIiLCJvbmUiXSxbInJhbmtpbmdzIiwiIiwidHdvIl1d"  # two steps
# The app's own error (app.py GENERIC_ERROR), in both languages; app.py is not imported:
# importing it would run the router outside a script run.
GENERIC = ("Something went wrong while drawing this page", "绘制本页时出错")
# The links of the attack on the landed app (issue 20): each left only an exception box.
ATTACKS = {
    "superscript step": {"story": STORY, "step": "\u00b2", "present": "1"},
    "5,000-digit step": {"story": STORY, "step": "9" * 5000, "present": "1"},
    "2,000 nested lists": {
        "story": base64.urlsafe_b64encode(b"[" * 2000).decode().rstrip("="),
        "present": "1",
    },
}
WHY = {
    "superscript step": "Ignored step `?`: use 1 to 2.",
    "5,000-digit step": "Ignored step `999999999999999999999999…`: use 1 to 2.",
    "2,000 nested lists": "Ignored story `W1tbW1tbW1tbW1tbW1tbW1tb…`: not a story link",
}


def _token(data: Any) -> str:
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


SPECIAL = st.sampled_from(
    ["\u00b2", "\u0663", "\uff11", "9" * 5000, "-0", "1e9999", "nan", "\x00", "%00", "",
     "../../etc/passwd", "<script>alert(1)</script>", "[x](javascript:alert(1))", "\u202e52",
     _token("[" * 3), base64.urlsafe_b64encode(b"[" * 2000).decode(), "=" * 9, "W1s"]
)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)
VALUES = st.one_of(
    SPECIAL,
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6),
    JSON.map(_token),
)
KEYS = (*MANAGED, *CARRIED, *PAGE_PARAMS)
LINKS = st.fixed_dictionaries({key: VALUES for key in KEYS}, optional={"unknown_key": VALUES}).map(
    lambda link: {k: v for k, v in link.items() if len(v) <= 5000}
)


def _notices(at: AppTest) -> list[str]:
    return [i.value for i in at.sidebar.info]


def _check(at: AppTest, page: str) -> None:
    """A sidebar, notices for what the frame ignored, never an exception box."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if e.value.startswith(GENERIC)]
    # The frame was drawn (its share panel) with the view controls the page uses (the
    # front door may forward an old-style link to the atlas, which draws more).
    assert len(at.sidebar.expander) >= 1
    path = next(r.url_path for r in routes.PAGES if r.file == page)
    wanted = set(PAGE_CONTROLS.get(path, CONTROLS)) & {"metric", "province"}
    assert wanted <= {box.key for box in at.sidebar.selectbox}
    choices = at.session_state["_state_choices"]
    expected = parse_params(dict(at.session_state["_seen_link"]), choices)[1]
    assert len(_notices(at)) == len(expected), (_notices(at), expected)


def _open(run_app: Callable[..., AppTest], page: str, link: dict[str, str]) -> AppTest:
    at = run_app()
    at.query_params.clear()
    for key, value in link.items():
        at.query_params[key] = value
    at.session_state["_seen_link"] = dict(link)
    at.switch_page(page)
    return at.run()


def test_the_generic_error_checked_is_the_apps() -> None:
    """GENERIC follows app.py's GENERIC_ERROR and its Chinese translation."""
    root = Path(__file__).resolve().parents[2]
    assert GENERIC[0] in (root / "app.py").read_text("utf-8")
    assert GENERIC[1] in (root / "components/i18n/locale/common.toml").read_text("utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", [r.file for r in routes.PAGES])
def test_fuzzed_links_on_every_page(run_app: Callable[..., AppTest], page: str, lang: str) -> None:
    @settings(
        max_examples=4,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(link=LINKS)
    def fuzz(link: dict[str, str]) -> None:
        link = {**link, "lang": lang} if "lang" not in link or lang == "zh" else link
        _check(_open(run_app, page, link), page)

    fuzz()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("page", [routes.ATLAS.file, routes.RANKINGS.file])
def test_the_links_that_killed_the_page(
    run_app: Callable[..., AppTest], page: str, attack: str, lang: str
) -> None:
    link = {**ATTACKS[attack], "lang": lang}
    at = _open(run_app, page, link)
    _check(at, page)
    if lang == "en":
        assert any(n.startswith(WHY[attack]) for n in _notices(at)), _notices(at)
    assert at.get("plotly_chart") or at.dataframe  # the page itself is drawn
