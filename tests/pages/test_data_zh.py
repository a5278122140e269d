"""The "About the data" page in Chinese (``lang=zh``)."""

from __future__ import annotations

import json
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from components import routes
from tests.i18n_scan import english_words


def test_data_page_in_chinese(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.DATA.file, lang="zh")
    assert not at.exception
    assert at.title[0].value == "县级政府政务诚信评估：数据说明"
    assert any(
        m.value.startswith("2,847 个县级单位（不含港澳台），另有港澳台地区 28 个单位；")
        for m in at.markdown
    )
    editions = next(d for d in at.dataframe if "edition" in d.value.columns)
    kinds = dict(zip(editions.value["edition"], editions.value["data"], strict=True))
    assert kinds["zhongding-2019"] == "真实（有出处）"
    assert kinds["demo-tp-2021"] == "合成（演示）"
    labels = json.loads(editions.proto.columns)
    assert labels["method_published"]["label"] == "评估方法公开情况"
    titles = dict(zip(editions.value["edition"], editions.value["title"], strict=True))
    assert not english_words(titles["zhongding-2019"])
    frames = [d.value for d in at.dataframe]
    text = " ".join(m.value for m in at.markdown)
    assert "**政务诚信评价**（中鼎资信评级服务有限公司）" in text and "**政务诚信**" in text
    real = next(f for f in frames if "on_map" in f.columns)
    row = real[real["edition_id"] == "zhongding-2021"].iloc[0]
    assert row["source_kinds"] == "媒体报道"
    assert "中鼎" in row["evaluator_en"]  # the Chinese name, in the evaluator column
    tables = next(f for f in frames if "table" in f.columns)
    assert dict(zip(tables["table"], tables["rows"], strict=True))["县级行政区划"] == 2875
