"""A link becomes one view: every parameter validated, every input gives a view and notices."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from components.frame import story
from components.frame.filters import PAGE_PARAMS, Choices, Filters, parse_params

CHOICES = Choices(
    editions=("e1", "e2"),
    default_edition="e2",
    metrics={"e1": ("total",), "e2": ("total", "transparency")},
    provinces=("330000", "520000"),
    counties=frozenset({"520123", "330102"}),
)


def test_a_valid_link_is_read_as_written() -> None:
    view, notices = parse_params(
        {
            "edition": "e2",
            "metric": "transparency",
            "province": "52",
            "county": "520123",
            "classes": "jenks",
            "compare": "e1",
            "weights": "1,2,3,4,5",
            "lang": "zh",
        },
        CHOICES,
    )
    assert notices == []
    assert view == Filters(
        "e2",
        "transparency",
        "520000",
        "520123",
        "jenks",
        {"lang": "zh"},
        "e1",
        (1.0, 2.0, 3.0, 4.0, 5.0),
    )
    assert view.params()["province"] == "52"  # six digits in the view, two in the link


def test_page_controls_are_left_to_their_widgets() -> None:
    view, notices = parse_params({key: "anything" for key in PAGE_PARAMS}, CHOICES)
    assert notices == [] and view == Filters("e2")


def test_story_steps_are_ascii_digits_within_the_story() -> None:
    token = story.encode([story.make_step("", {}, "one"), story.make_step("rankings", {}, "two")])
    for step, kept in (("2", "2"), ("²", None), ("9" * 5000, None), ("0", None), ("3", None)):
        view, notices = parse_params({"story": token, "step": step}, CHOICES)
        assert view.carried.get("step") == kept
        assert (notices == []) == (kept is not None)


def test_a_story_of_nested_brackets_is_a_notice_not_a_crash() -> None:
    import base64

    token = base64.urlsafe_b64encode(b"[" * 2000).decode().rstrip("=")
    view, notices = parse_params({"story": token}, CHOICES)
    assert "story" not in view.carried and len(notices) == 1


KEYS = ["edition", "metric", "province", "county", "classes", "compare", "weights", "lang"]
KEYS += ["present", "story", "step", "x"]


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(KEYS),
        st.one_of(st.text(string.printable + "²中", max_size=40), st.lists(st.text(max_size=5))),
        max_size=8,
    )
)
def test_any_link_gives_a_view(raw: dict[str, object]) -> None:
    view, notices = parse_params(raw, CHOICES)  # type: ignore[arg-type]
    assert view.edition in CHOICES.editions
    assert view.province in (None, *CHOICES.provinces)
    assert all("<" not in n for n in notices)


def test_a_renamed_edition_opens_under_its_new_id_with_a_notice() -> None:
    choices = Choices(
        editions=("new-1", "e2"),
        default_edition="e2",
        metrics={"new-1": ("total",), "e2": ("total",)},
        provinces=(),
        counties=frozenset(),
        renamed={"old-demo-1": "new-1"},
    )
    view, notices = parse_params({"edition": "old-demo-1"}, choices)
    assert view.edition == "new-1"
    assert notices == ["Edition `old-demo-1` is now called `new-1`: the link opens it."]
    view, _ = parse_params({"edition": "e2", "compare": "old-demo-1"}, choices)
    assert view.compare == "new-1"
