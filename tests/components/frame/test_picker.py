"""The edition picker: every edition whole, real first grouped by evaluator, searchable."""

from __future__ import annotations

from components.frame import picker
from components.frame.filters import build_choices
from loaders import assessments, divisions
from loaders.store import load
from tests.fixtures import demo_snapshot

SNAPSHOT = str(demo_snapshot())


def _choices():
    return build_choices(
        assessments.editions(SNAPSHOT), load(SNAPSHOT, "indicators"), divisions.load(SNAPSHOT)
    )


def test_real_editions_come_first_grouped_by_evaluator_then_the_demo() -> None:
    table = picker.picker_table(_choices())
    groups = table.get_column("group").to_list()
    first_demo = groups.index("Demo (synthetic)")
    assert all(g.startswith("Real · ") for g in groups[:first_demo])
    assert all(g == "Demo (synthetic)" for g in groups[first_demo:])
    # one block per evaluator: a group never comes back after another one
    blocks = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
    assert len(blocks) == len(set(blocks))
    editions = assessments.editions(SNAPSHOT)
    with_results = editions.filter(editions["has_results"]).height
    assert table.height == with_results


def test_titles_are_whole_and_search_narrows_the_list() -> None:
    table = picker.picker_table(_choices())
    titles = dict(table.select("edition_id", "title").iter_rows())
    assert titles["cass-transparency-2021"] == (
        "China Government Transparency Index Report (2021), county tier"
    )
    found = picker.picker_table(_choices(), "transparency index")
    assert set(found.get_column("edition_id")) >= {"cass-transparency-2021"}
    assert found.height < table.height
    assert picker.picker_table(_choices(), "no such thing").is_empty()
