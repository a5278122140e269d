from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from components import routes


def test_data_page_lists_real_and_synthetic_editions(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.DATA.file)
    assert not at.exception
    assert "Synthetic demo data on screen" in at.warning[0].value
    frames = [d.value for d in at.dataframe]
    editions = next(f for f in frames if "edition" in f.columns)
    kinds = dict(zip(editions["edition"], editions["data"], strict=True))
    assert kinds["zhongding-2019"] == "real (cited)"
    assert kinds["demo-tp-2021"] == "synthetic (demo)"
    tables = next(f for f in frames if "table" in f.columns)
    sizes = dict(zip(tables["file"], tables["rows"], strict=True))
    assert sizes["divisions.parquet"] == 2875
    assert "county-level divisions (table)" in set(tables["table"])
    real = next(f for f in frames if "on_map" in f.columns)
    row = real[real["edition_id"] == "zhongding-2021"].iloc[0]
    assert (row["named"], row["on_map"], row["source_kinds"]) == (3, 3, "media")
    assert not real["edition_id"].str.startswith("demo").any()


def test_data_page_says_what_each_kind_of_rating_measures(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.DATA.file)
    text = " ".join(m.value for m in at.markdown)
    assert "Government integrity (政务诚信)" in text and "Social credit (社会信用)" in text
    assert "**Government integrity ratings** (Zhongding Credit Rating Service Co., Ltd.)" in text
    assert "What this product is about" in text
    assert "**Business-environment and investment rankings**" in text and "not the same" in text
    assert "The social-credit side" in text
