from __future__ import annotations

from components import metrics as view
from components import weights as weights_view


def test_weight_texts_and_file_names() -> None:
    assert weights_view.shares_text([0, 30, 0, 0, 10]) == "Compliance 75% · Public opinion 25%"
    assert weights_view.weights_text(None, None).startswith("equal weights")
    assert weights_view.csv_name("demo-tp-2021", None, None) == "reweighted-demo-tp-2021.csv"
    assert view.metric_name("public_opinion") == "Public opinion 政务舆情事件"
    assert "synthetic" in view.synthetic_suffix(True) and view.synthetic_suffix(False) == ""
    caption = weights_view.sensitivity_caption(band=0.25, seed=3, samples=500)
    assert "±25%" in caption and "500 sampled" in caption and "seed 3" in caption
