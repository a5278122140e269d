"""The import page in Chinese (``lang=zh``); the checker's own messages stay English, apart."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from loaders import paths
from tests.pages.test_import import PAGE, TABLE, run_app, snapshots  # noqa: F401 (fixtures)
from tests.pages.test_zh import english_shown


def test_import_page_in_chinese(run_app: Callable[..., AppTest], snapshots: Path) -> None:  # noqa: F811
    at = run_app(PAGE, lang="zh")
    assert not at.exception
    assert at.title[0].value == "导入评估报告表格"
    mode = next(s for s in at.selectbox if s.label == "评估方式")
    assert mode.options == ["第三方评估", "自评", "上级考核", "命名认定"]
    assert mode.value == "third_party"  # option values stay the codes
    bad = "排名,县(市、区),总分\n1,朝阳区,90\n2,=cmd,80\n".encode()
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    assert any(m.value.startswith("按 `utf-8` 编码读取") for m in at.markdown)
    problems = at.dataframe[-1]
    assert set(problems.value["severity"]) == {"错误"}
    assert json.loads(problems.proto.columns)["problem"]["label"] == "问题（检查程序原文）"
    assert any(i.value == "尚需填写：中文标题；来源标题。" for i in at.info)
    assert english_shown(at) == []
    at.file_uploader[0].set_value(("rank.csv", TABLE, "text/csv")).run()
    at.text_input[0].set_value("test-upload")
    at.text_input[1].set_value("上传测试")
    next(t for t in at.text_input if t.label == "来源标题").set_value("表格").run()
    next(b for b in at.button if b.label == "写入新的数据快照").click().run()
    assert not at.exception
    assert (paths.DRAFTS_DIR / "test-upload").is_dir()  # a private draft
    assert not (snapshots / "test-upload").exists()
    assert english_shown(at) == []
