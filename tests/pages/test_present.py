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
    assert page == "atlas" and query["province"] == ["52"] and query["step"] == ["1"]
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


def _builder() -> None:
    """The story builder alone, as the atlas's share panel draws it."""
    from components.frame import present

    present.render_builder("atlas")


def _add_view(at: AppTest, caption: str) -> None:
    at.text_input(key="_story_caption").input(caption).run()
    next(b for b in at.button if b.label == "Add this view").click().run()


def test_the_builder_collects_views_into_a_story_link() -> None:
    # NOTE: the builder alone: AppTest drops button clicks after a switch_page, and the
    # front door (the app's first page) has no builder.
    at = AppTest.from_function(_builder, default_timeout=30)
    at.query_params.update({"edition": "demo-tp-2021", "province": "52"})
    at.run()
    _add_view(at, "Guizhou first")
    at.query_params["province"] = "33"  # the view changes
    _add_view(at, "then Zhejiang")
    assert not at.exception
    link = next(c.value for c in at.code if "story=" in c.value)
    assert link.startswith("/atlas?")  # the first step's page
    query = parse_qs(link.split("?", 1)[1])
    assert query["present"] == ["1"] and query["step"] == ["1"]
    steps = story.decode(query["story"][0])
    assert [s.caption for s in steps] == ["Guizhou first", "then Zhejiang"]
    assert [dict(s.params)["province"] for s in steps] == ["52", "33"]
    assert {s.page for s in steps} == {"atlas"}


def test_the_front_door_offers_no_story_step(run_app: Callable[..., AppTest]) -> None:
    at = run_app(None)
    add = next(b for b in at.sidebar.button if b.label == "Add this view")
    assert add.disabled
