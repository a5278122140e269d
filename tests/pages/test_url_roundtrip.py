"""Every page: a link with its parameters set opens with exactly those widget values."""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import i18n, routes
from components.frame.filters import PAGE_PARAMS
from components.i18n import labels
from loaders import paths

APP = str(paths.ROOT / "app.py")


def _open(page: str, **params: str) -> AppTest:
    """Open ``page`` first, as a browser does with a shared link."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def _sidebar(at: AppTest) -> dict[str, object]:
    edition = {"Edition": at.session_state["edition"]}  # the edition picker's state
    controls = ("Metric", "Province")  # the view's; the share panel's embed size is not
    return edition | {s.label: s.value for s in at.sidebar.selectbox if s.label in controls}


GLOBAL = {
    "edition": "demo-tp-2020",
    "metric": "transparency",
    "province": "33",
}


def test_rankings_link_sets_every_control() -> None:
    at = _open(
        routes.RANKINGS.file,
        **GLOBAL,
        rankings_search="yuyao",
        rankings_prefecture="宁波市",  # bound pickers show (and link) their labels
        rankings_grades="BBB",
    )
    assert _sidebar(at) == {
        "Edition": "demo-tp-2020",
        "Metric": "transparency",
        "Province": "330000",
    }
    assert at.text_input(key="rankings_search").value == "yuyao"
    assert at.selectbox(key="rankings_prefecture").value == "330200"
    assert at.multiselect(key="rankings_grades").value == ["BBB"]
    for key, value in {**GLOBAL, "rankings_search": "yuyao"}.items():
        assert at.query_params[key] == value  # the address bar still holds the whole view


def test_metrics_link_sets_weights_band_seed_and_box_metric() -> None:
    at = _open(
        routes.METRICS.file,
        edition="demo-tp-2021",
        weights="40,20,20,10,10",
        sensitivity_band="30",
        sensitivity_seed="7",
        sensitivity_top_n="50",
        metrics_box_metric=labels.METRICS["compliance"],
    )
    assert at.query_params["weights"] == "40,20,20,10,10"
    assert at.slider(key="sensitivity_band").value == 30
    assert at.number_input(key="sensitivity_seed").value == 7
    assert at.slider(key="sensitivity_top_n").value == 50
    assert at.get("segmented_control")[0].value == "compliance"


def test_records_link_sets_the_table_filters_and_map_controls() -> None:
    at = _open(
        routes.RECORDS.file,
        province="52",
        records_layer=labels.RECORD_LAYERS["demo"],
        records_statuses="active",
        records_polarities="negative",
        records_map_measure=labels.MAP_MEASURES["per_year"],
    )
    assert at.multiselect(key="records_statuses").value == ["active"]
    assert at.multiselect(key="records_polarities").value == ["negative"]
    assert (
        next(c for c in at.get("segmented_control") if c.key == "records_map_measure").value
        == "per_year"
    )
    assert at.query_params["records_statuses"] == "active"


def test_page_links_carry_the_view() -> None:
    at = _open(routes.COUNTY.file, **GLOBAL, county="330281", weights="40,20,20,10,10")
    links = [link.proto for link in at.get("page_link")]
    assert links
    for link in links:
        for key, value in {**GLOBAL, "weights": "40%2C20%2C20%2C10%2C10"}.items():
            assert f"{key}={value}" in link.query_string, (link.page, link.query_string)


def test_every_bound_control_is_a_known_parameter() -> None:
    """A control bound to the URL that state does not know would get an 'unknown' notice."""
    bound = set()
    for path in [
        *Path(paths.ROOT / "components").glob("*.py"),
        *Path(paths.ROOT / "pages").glob("*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            kwargs = {k.arg: k.value for k in node.keywords}
            if isinstance(kwargs.get("bind"), ast.Constant) and kwargs["bind"].value:
                key = kwargs.get("key")
                if isinstance(key, ast.Constant):
                    bound.add(key.value)
                elif isinstance(key, ast.Name) and key.id != "key":
                    module = __import__(f"components.{path.stem}", fromlist=[key.id])
                    bound.add(getattr(module, key.id))
    bound |= {"records_statuses", "records_sources", "records_polarities", "records_types"}
    assert bound == set(PAGE_PARAMS)


def test_a_chinese_link_sets_the_same_controls() -> None:
    """Bound controls link their displayed labels, so a Chinese link carries Chinese ones."""
    zh = i18n.catalogue()
    at = _open(
        routes.RECORDS.file,
        lang="zh",
        province="52",
        records_layer=zh[labels.RECORD_LAYERS["demo"]],
        records_statuses=zh[labels.RECORD_STATUSES["active"]],
        records_polarities=zh[labels.POLARITIES["negative"]],
        records_map_measure=zh[labels.MAP_MEASURES["per_year"]],
    )
    assert at.title[0].value == zh["Records"]
    assert at.multiselect(key="records_statuses").value == ["active"]
    assert at.multiselect(key="records_polarities").value == ["negative"]
    assert at.button_group(key="records_map_measure").value == "per_year"
    assert at.query_params["lang"] == "zh" and at.query_params["province"] == "52"
