"""Why two editions compare, in both languages: the loader's English and the Chinese."""

from __future__ import annotations

from typing import get_args

import pytest

from components import i18n, reasons
from loaders.derive.compare import ENGLISH, Reason, ReasonCode, english_reason
from tests.i18n_scan import english_words

# One clause of each code, with the values it carries.
EXAMPLES = (
    Reason("first_level_differ", keys=("compliance", "transparency")),
    Reason("first_level_differ", keys=("x",)),
    Reason("first_level_count"),
    Reason("first_level_unpublished"),
    Reason("second_level_differ", n=3),
    Reason("weights_differ", n=2),
    Reason("same_tree"),
    Reason("no_previous"),
    Reason("previous_unscored", edition="zhongding-2019"),
    Reason("tree_change", added=("Key info",)),
    Reason("tree_change", added=("Alpha", "Beta"), dropped=("Gamma",)),
    Reason("tree_change"),
    Reason("too_few_paired", n=2),
)


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test as if the interface were in Chinese."""
    monkeypatch.setattr(i18n, "lang", lambda: "zh")


def test_every_code_has_an_example_and_a_template() -> None:
    codes = set(get_args(ReasonCode))
    assert {r.code for r in EXAMPLES} == codes
    assert set(reasons.TEMPLATES) == set(ENGLISH) == codes


@pytest.mark.parametrize("reason", EXAMPLES, ids=lambda r: r.code)
def test_english_is_the_loader_text(reason: Reason) -> None:
    assert reasons.reason_text([reason]) == reason.english == english_reason([reason])


def test_english_joins_clauses_as_the_loader_does() -> None:
    assert reasons.reason_text(EXAMPLES) == english_reason(EXAMPLES)
    assert reasons.reason_text(()) == ""


def test_editions_can_be_named() -> None:
    assert reasons.reason_text([EXAMPLES[8]], {"zhongding-2019": "Zhongding 2019"}) == (
        "the previous edition (Zhongding 2019) published no scores to rank"
    )


@pytest.mark.usefixtures("zh")
@pytest.mark.parametrize("reason", EXAMPLES, ids=lambda r: r.code)
def test_chinese_has_no_english_words(reason: Reason) -> None:
    shown = reasons.reason_text([reason], {"zhongding-2019": "中鼎 2019"})
    assert shown and not english_words(shown), shown


@pytest.mark.usefixtures("zh")
def test_chinese_names_metrics_and_counts_indicators() -> None:
    assert reasons.reason_text([EXAMPLES[0], Reason("weights_differ", n=2)]) == (
        "一级指标不同：合规度、透明度；2 项指标的权重不同"
    )
    assert reasons.reason_text([EXAMPLES[10]]) == "本期评估新增 2 项、删除 1 项二级指标"
    named = Reason("tree_change", added=("A", "B"), added_zh=("甲", "乙"))
    assert reasons.reason_text([named]) == "本期评估新增 2 项（甲、乙）、删除 0 项二级指标"
    assert reasons.reason_text([EXAMPLES[7]]) == "该系列没有上一期评估"
    assert reasons.reason_text([EXAMPLES[8]], {"zhongding-2019": "中鼎 2019"}) == (
        "上一期评估（中鼎 2019）未公开可供排名的得分"
    )
    assert reasons.reason_text([EXAMPLES[8]]) == (  # an edition without a name: its id
        "上一期评估（zhongding-2019）未公开可供排名的得分"
    )


def test_same_tree() -> None:
    assert reasons.is_same_tree([Reason("same_tree")])
    assert not reasons.is_same_tree([Reason("weights_differ", n=1)])
    assert not reasons.is_same_tree([])


def test_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown reason code"):
        Reason("nonsense")  # type: ignore[arg-type]
