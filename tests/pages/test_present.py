"""Presentation mode and stories: the presenter's bar, its links, and the story builder."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

from streamlit.testing.v1 import AppTest

from components import routes
from components.frame import story

STEPS = [
    story.make_step("", {"province": "52", "edition": "demo-tp-2021"}, "Guizhou *on the map*"),
    story.make_step("rankings", {"province": "33"}, "Zhejiang's ranking"),
    story.make_step("county", {"county": "520123"}, "One county"),
]
TOKEN = story.encode(STEPS)


def _links(at: AppTest) -> dict[str, tuple[str, dict[str, list[str]]]]:
    return {
        link.proto.label: (link.proto.page, parse_qs(link.proto.query_string))
        for link in at.get("page_link")
    }


def test_a_story_step_shows_its_caption_and_links_both_ways(
    run_app: Callable[..., AppTest],
) -> None:
    at = run_app(routes.RANKINGS.file, present="1", story=TOKEN, step="2", province="33")
    assert not at.exception
    assert at.markdown[0].value == "**2 / 3** · Zhejiang's ranking"
    links = _links(at)
    page, query = links["Previous"]
    assert page == "" and query["province"] == ["52"] and query["step"] == ["1"]
    page, query = links["Next"]
    assert page == "county" and query["county"] == ["520123"] and query["step"] == ["3"]
    assert query["present"] == ["1"] and query["story"] == [TOKEN]
    page, query = links["Exit"]
    assert page == "rankings" and "present" not in query and "story" not in query
    assert query["province"] == ["33"]  # leaving keeps the view
    assert at.query_params["present"] == "1"  # the address bar keeps the mode


def test_first_and_last_steps_have_one_way_only(run_app: Callable[..., AppTest]) -> None:
    first = _links(run_app(routes.ATLAS.file, present="1", story=TOKEN, step="1"))
    assert "Previous" not in first and "Next" in first
    last = _links(run_app(routes.COUNTY.file, present="1", story=TOKEN, step="3", county="520123"))
    assert "Next" not in last and "Previous" in last


def test_caption_markup_stays_text(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.ATLAS.file, present="1", story=TOKEN, step="1")
    assert at.markdown[0].value == "**1 / 3** · Guizhou \\*on the map\\*"


def test_bad_story_or_step_is_ignored_with_a_notice(run_app: Callable[..., AppTest]) -> None:
    at = run_app(present="1", story="not-a-story", step="9")
    assert not at.exception
    notices = " ".join(i.value for i in at.info)
    assert "Ignored story" in notices and "Ignored step" in notices
    assert "Exit" in _links(at)  # still presenting, without a story bar
    assert not any(m.value.startswith("**") and " / " in m.value for m in at.markdown)


def test_without_present_there_is_no_presenter_bar(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.ATLAS.file, story=TOKEN, step="1")
    assert "Exit" not in _links(at)


def test_the_builder_collects_views_into_a_story_link(run_app: Callable[..., AppTest]) -> None:
    # NOTE: on the default page: AppTest drops button clicks after a switch_page.
    at = run_app(province="52")
    at.sidebar.text_input(key="_story_caption").input("Guizhou first").run()
    at.sidebar.button[0].click().run()
    at.sidebar.text_input(key="_story_caption").input("then Zhejiang").run()
    at.sidebar.selectbox(key="province").select("330000").run()
    at.sidebar.button[0].click().run()
    assert not at.exception
    link = at.sidebar.code[-1].value
    assert link.startswith("/?")
    query = parse_qs(link.split("?", 1)[1])
    assert query["present"] == ["1"] and query["step"] == ["1"]
    steps = story.decode(query["story"][0])
    assert [s.caption for s in steps] == ["Guizhou first", "then Zhejiang"]
    assert [dict(s.params)["province"] for s in steps] == ["52", "33"]
    assert {s.page for s in steps} == {""}
