from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from components import metrics as view
from components import routes
from components import weights as weights_view
from loaders import assessments
from loaders import weights as weighting
from loaders.derive.weights import median_order
from loaders.schemas import FIRST_LEVEL
from tests.fixtures import demo_snapshot
from tests.pages.conftest import figures, values

SNAPSHOT = str(demo_snapshot())
PAGE = routes.METRICS.file
EDITION = "demo-tp-2021"


def _open(run_app: Callable[..., AppTest], **params: str) -> AppTest:
    at = run_app(PAGE, **params)
    assert not at.exception
    return at


def _sliders(at: AppTest) -> list[float]:
    return [at.slider(key=weights_view.SLIDER_KEYS[m]).value for m in FIRST_LEVEL]


def _ranking(at: AppTest) -> pd.DataFrame:
    """The full ranking under the chosen weights: the last table on the page."""
    return at.dataframe[-1].value


def _movers(at: AppTest) -> pd.DataFrame | None:
    tables = [d.value for d in at.dataframe if "rank_change" in d.value.columns]
    return tables[0] if len(tables) == 2 else None


def _figure(at: AppTest, title: str) -> dict[str, Any]:
    found = [f for f in figures(at) if title in f["layout"]["title"]["text"]]
    assert len(found) == 1, [f["layout"]["title"]["text"] for f in figures(at)]
    return found[0]


def _notes(at: AppTest) -> str:
    return " ".join(e.value for kind in ("info", "caption", "warning") for e in at.get(kind))


def test_smoke_all_sections_and_figures(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    assert at.title[0].value == "Metrics and weights"
    assert [s.value for s in at.subheader] == [
        "What the score is made of",
        "First-level metrics across China",
        "Your own weights",
        "How stable is each rank?",
    ]
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert len(titles) == 5
    assert all(t.endswith("synthetic demo data") for t in titles)
    assert _sliders(at) == [25.0, 25.0, 20.0, 15.0, 15.0]  # the evaluator's weights × 100
    assert "weights" not in at.query_params
    assert _movers(at) is None and "No county moves" in _notes(at)
    ranking = _ranking(at)
    scored = assessments.county_view(SNAPSHOT, "demo-tp-2021").filter(pl.col("total").is_not_null())
    assert len(ranking) == scored.height and (ranking["rank_change"] == 0).all()
    assert ranking["adcode"].str.fullmatch(r"\d{6}").all()
    assert "Synthetic demo data on screen" in at.warning[0].value


def test_weights_from_the_link_rank_by_transparency_alone(
    run_app: Callable[..., AppTest],
) -> None:
    at = _open(run_app, weights="100,0,0,0,0")
    assert at.query_params["weights"] == "100,0,0,0,0"
    assert _sliders(at) == [100.0, 0.0, 0.0, 0.0, 0.0]
    ranking = _ranking(at)
    assert ranking["transparency"].iloc[0] == ranking["transparency"].max()
    assert list(ranking["composite"]) == pytest.approx(list(ranking["transparency"]))
    assert list(ranking["transparency"]) == sorted(ranking["transparency"], reverse=True)
    higher = [int((ranking["transparency"] > t).sum()) + 1 for t in ranking["transparency"]]
    assert list(ranking["rank"]) == higher  # ties share the best rank
    assert "Composite under your weights: Transparency 100%" in _notes(at)
    # the evaluator ranks differently: movers exist, biggest first, adcode shown
    movers = _movers(at)
    assert movers is not None and len(movers) == 20
    moves = movers["rank_change"].abs().tolist()
    assert moves == sorted(moves, reverse=True) and moves[-1] > 0
    assert movers["adcode"].str.fullmatch(r"\d{6}").all()
    # one metric carries all the weight: nothing can move within the band
    assert "Only one metric has a weight above zero" in _notes(at)
    dots = _figure(at, "Rank range")["data"][1]
    lines = [x for x in values(_figure(at, "Rank range")["data"][0]["x"]) if x is not None]
    ranks = values(dots["x"])
    assert len(ranks) == 30 and ranks == sorted(ranks) and ranks[0] == 1
    assert lines[0::2] == lines[1::2]  # best == worst for every county


@pytest.mark.parametrize(
    "weights", ["1,2,3", "100,-5,0,0,0", "a,b,c,d,e", "<script>alert(1)</script>"]
)
def test_bad_weights_are_ignored_with_a_notice(
    run_app: Callable[..., AppTest], weights: str
) -> None:
    at = _open(run_app, weights=weights)
    notices = [i.value for i in at.sidebar.info]
    assert any(n.startswith("Ignored weights") and "5 numbers" in n for n in notices)
    assert not any("<script>" in n for n in notices)
    assert "weights" not in at.query_params
    assert _sliders(at) == [25.0, 25.0, 20.0, 15.0, 15.0]
    assert (_ranking(at)["rank_change"] == 0).all()


def test_sliders_set_the_weights_parameter_and_reset_clears_it(
    run_app: Callable[..., AppTest],
) -> None:
    at = _open(run_app)
    at.slider(key=weights_view.SLIDER_KEYS["transparency"]).set_value(80.0).run()
    assert not at.exception
    assert at.query_params["weights"] == "80,25,20,15,15"
    ranking = pl.from_pandas(_ranking(at))
    top = ranking.row(0, named=True)
    by_hand = (
        80 * top["transparency"]
        + 25 * top["compliance"]
        + 20 * top["honoring_agreements"]
        + 15 * top["integrity_work"]
        + 15 * top["public_opinion"]
    ) / 155
    assert top["composite"] == pytest.approx(by_hand, abs=0.005)  # to the published 2 decimals
    assert top["composite"] == ranking["composite"].max()
    assert _movers(at) is not None
    reset = next(b for b in at.button if b.label == "Reset to the evaluator's weights")
    reset.click().run()
    assert "weights" not in at.query_params
    assert _sliders(at) == [25.0, 25.0, 20.0, 15.0, 15.0]
    assert (_ranking(at)["rank_change"] == 0).all()


def test_all_zero_weights_are_refused(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, weights="0,0,0,0,10")
    at.slider(key=weights_view.SLIDER_KEYS["public_opinion"]).set_value(0.0).run()
    assert not at.exception
    assert at.query_params["weights"] == "0,0,0,0,10"
    assert "At least one weight must be above zero" in _notes(at)
    assert _sliders(at)[-1] == 10.0


def test_province_view_shows_its_prefectures(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="33", weights="100,0,0,0,0")
    assert at.subheader[1].value == "First-level metrics across Zhejiang 浙江省"
    scores = weighting.metric_scores(SNAPSHOT, EDITION, province="330000")
    prefectures = set(scores["prefecture_name_en"])  # in English, English names (issue 18)
    assert "Hangzhou" in prefectures
    box = _figure(at, "by prefecture, highest median first")
    assert set(box["layout"]["xaxis"]["categoryarray"]) == prefectures
    heat = _figure(at, "Mean score by prefecture")
    assert len(values(heat["data"][0]["y"])) == len(prefectures)
    ranking = _ranking(at)
    assert ranking["adcode"].str.startswith("33").all() and len(ranking) == scores.height
    assert list(ranking["rank"][:3]) == [1, 2, 3]  # provincial ranks, national beside
    assert (ranking["rank_national"] >= ranking["rank"]).all()
    dots = _figure(at, "Rank range of the top 30 in Zhejiang")["data"][1]
    assert all(label.split(" · ")[-1] in prefectures for label in values(dots["y"]))


def test_real_tree_can_be_shown_with_its_comparability(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    edition = at.query_params["edition"]
    at.selectbox(key=f"metrics_tree_{edition}").select("zhongding-2021").run()
    assert not at.exception
    tree = _figure(at, "Indicator tree · zhongding-2021")
    texts = values(tree["data"][0]["text"])
    assert sum("name unconfirmed" in t for t in texts) == 10  # 9 placeholders + their group
    assert all("weight unknown" in t for t in texts[1:])
    assert not tree["layout"]["title"]["text"].endswith("synthetic demo data")
    notes = _notes(at)
    assert "24 of 24 weights unknown" in notes and "9 names unconfirmed" in notes
    assert "Compare with the edition in view with care" in notes
    assert "second-level indicators differ" in notes


def test_box_metric_choice_reorders_the_provinces(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)
    at.segmented_control(key=view.BOX_METRIC_KEY).set_value("public_opinion").run()
    assert not at.exception
    box = _figure(at, "Public opinion 政务舆情事件 by province")
    scores = weighting.metric_scores(SNAPSHOT, EDITION)
    order = median_order(scores, metric="public_opinion", group="province_name_en")
    assert box["layout"]["xaxis"]["categoryarray"] == order


def test_band_and_seed_change_the_ranges(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app)

    def lines() -> list[int]:
        return [x for x in values(_figure(at, "Rank range")["data"][0]["x"]) if x is not None]

    wide = lines()
    assert len(values(_figure(at, "Rank range")["data"][1]["x"])) == 30
    at.slider(key=weights_view.BAND_KEY).set_value(10).run()
    narrow = lines()
    assert sum(b - a for a, b in zip(narrow[0::2], narrow[1::2], strict=True)) < sum(
        b - a for a, b in zip(wide[0::2], wide[1::2], strict=True)
    )
    assert "±10%" in _figure(at, "Rank range")["layout"]["title"]["text"]
    at.number_input(key=weights_view.SEED_KEY).set_value(7).run()
    assert "seed 7" in _notes(at)
    at.slider(key=weights_view.TOP_N_KEY).set_value(10).run()
    assert len(values(_figure(at, "Rank range")["data"][1]["x"])) == 10


def test_download_holds_the_reweighted_rows(
    run_app: Callable[..., AppTest], downloads: list[dict[str, Any]]
) -> None:
    at = _open(run_app, province="52", weights="100,0,0,0,0")
    latest = downloads[-3]  # CSV, then XLSX, then ZIP
    assert latest["file_name"] == "reweighted-demo-tp-2021-w100-0-0-0-0-52-SYNTHETIC.csv"
    rows = list(csv.DictReader(io.StringIO(latest["data"]().decode("utf-8-sig"))))
    shown = _ranking(at)
    assert [r["Adcode"] for r in rows] == list(shown["adcode"])
    assert [int(r["Rank"]) for r in rows] == list(shown["rank"])
    assert {r["Data"] for r in rows} == {"SYNTHETIC demo data"}
    package = downloads[-1]["data"]()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        described = json.loads(archive.read("datapackage.json"))
    assert "under weights 100,0,0,0,0" in described["title"] and described["synthetic"]


def test_a_province_without_assessed_counties_says_so(run_app: Callable[..., AppTest]) -> None:
    at = _open(run_app, province="54")
    assert "No county in Tibet 西藏自治区 was assessed" in _notes(at)
    assert len(figures(at)) == 1  # the indicator tree only
    assert not at.slider
