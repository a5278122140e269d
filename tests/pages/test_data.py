from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from components import routes


def test_data_page_lists_real_and_synthetic_editions(run_app: Callable[..., AppTest]) -> None:
    at = run_app(routes.DATA.file)
    assert not at.exception
    assert "Synthetic demo data on screen" in at.warning[0].value
    editions = at.dataframe[0].value
    kinds = dict(zip(editions["edition"], editions["data"], strict=True))
    assert kinds["zhongding-2019"] == "real (cited)"
    assert kinds["demo-tp-2021"] == "synthetic (demo)"
    frames = [d.value for d in at.dataframe]
    tables = next(f for f in frames if "table" in f.columns)
    assert dict(zip(tables["table"], tables["rows"], strict=True))["divisions"] == 2875
    real = next(f for f in frames if "on_map" in f.columns)
    row = real[real["edition_id"] == "zhongding-2021"].iloc[0]
    assert (row["named"], row["on_map"], row["source_kinds"]) == (3, 3, "media")
    assert not real["edition_id"].str.startswith("demo").any()
