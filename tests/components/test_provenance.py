from __future__ import annotations

import pytest

from components import i18n
from components.provenance import enum_label, md_escape, provenance_text, safe_url
from tests.i18n_scan import english_words


def test_provenance_line_names_edition_evaluator_mode_method_source_and_kind() -> None:
    info = {
        "title_en": "Demo assessment 2021 (synthetic)",
        "evaluator_en": "Demo Ratings (fictional)",
        "mode": "upper_level_audit",
        "method_published": "none",
        "is_synthetic": True,
        "source_title": "Demo data generator",
        "source_reliability": "synthetic",
    }
    assert provenance_text(info) == (
        "Demo assessment 2021 (synthetic) · Demo Ratings (fictional) · upper-level audit"
        " · method: not published · source: Demo data generator (generated, synthetic)"
        " · synthetic demo data"
    )
    real = info | {
        "is_synthetic": False,
        "title_en": None,
        "title_zh": "报告",
        "source_reliability": "evaluator_self_published",
    }
    assert provenance_text(real).startswith("报告 · ")
    assert "(published by the evaluator itself)" in provenance_text(real)
    assert provenance_text(real).endswith("real data")  # reliability: the source's own
    assert provenance_text(None) == "Unknown edition"


def test_markdown_and_links_are_neutralised() -> None:
    # the word joiner (U+2060) keeps Streamlit from turning the bare URL into a link
    assert md_escape("![x](http://evil) <b>") == r"\!\[x\]\(http:" + "\u2060" + r"//evil\) \<b\>"
    assert safe_url("javascript:alert(1)") is None
    assert (
        safe_url("http://gzzd.cn/newsinfo/4907842.html") == "http://gzzd.cn/newsinfo/4907842.html"
    )
    assert safe_url("https://x.org/a b") is None


def test_provenance_line_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: "zh")
    info = {
        "title_en": "Report 2021",
        "title_zh": "报告2021",
        "evaluator_en": "Firm",
        "evaluator_zh": "某机构",
        "mode": "upper_level_audit",
        "method_published": "partial",
        "is_synthetic": False,
        "source_title": "Repost (of a notice)",
        "source_reliability": "evaluator_self_published",
    }
    line = provenance_text(info)
    assert line == (
        "报告2021 · 某机构 · 上级考核 · 评估方法：部分公开 · 来源类型：评估机构自行发布 · 真实数据"
    )
    assert english_words(line) == []  # the source's own title is shown apart
    assert provenance_text(None) == "未知评估期次"
    assert enum_label("third_party", {"third_party": "third-party assessment"}) == "第三方评估"
