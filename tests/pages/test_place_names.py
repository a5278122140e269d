"""Every figure names places in the interface language (issue 18, item 5).

Each page (and filtered views) is opened in English and in Chinese, and every text a
figure shows a reader is read: axis categories and tick labels, trace text, legend
names, annotations, and each point's hover as its template renders it with the
point's ``customdata``. A text is cut into labels at the separators a chart puts
between names (" · ", line breaks, commas, brackets, colons). In English a label that
names a place in Chinese (a word of it is the Chinese name of a county, prefecture or
province of the snapshot) without that place's pinyin or English name beside it fails
("贵州省 average" fails, "Guizhou 贵州省" passes). In Chinese a label with an English
word (``tests.i18n_scan``; the words and grade letters ``tests/pages/test_zh.py``
allows stay allowed) fails.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components import routes
from components.i18n import chinese, labels
from loaders.divisions import load as load_divisions
from tests.fixtures import demo_snapshot
from tests.i18n_scan import english_words
from tests.pages.conftest import values
from tests.pages.test_zh import ALLOWED, GRADE, snapshot_words

# Page controls bound to the link carry their displayed label, in the interface language.
DEMO_RECORDS = labels.RECORD_LAYERS["demo"]
VIEWS = [
    (routes.HOME.file, {}),
    (routes.PUBLISHED.file, {}),
    (routes.ATLAS.file, {}),
    (routes.ATLAS.file, {"province": "52"}),
    (routes.ATLAS.file, {"edition": "zhongding-2021"}),
    (routes.RANKINGS.file, {"province": "52"}),
    # the box plots, the means heat map and the rank sensitivity plot, by province
    # and by prefecture
    (routes.METRICS.file, {}),
    (routes.METRICS.file, {"province": "37", "sensitivity_top_n": "50"}),
    (routes.METRICS.file, {"province": "52"}),
    # divergence (the scatter and the province chart), coverage map, home bias
    (routes.EVALUATORS.file, {"compare": "demo-tp-2020", "edition": "demo-tp-2021"}),
    (routes.RECORDS.file, {}),
    (routes.RECORDS.file, {"province": "52", "records_layer": DEMO_RECORDS}),
    (routes.COUNTY.file, {"county": "520123", "province": "52"}),
    (routes.DATA.file, {}),
]
# Where a chart puts one name beside the next: labels are the pieces between these.
SEPARATORS = re.compile(r"<br>|·|\n|,|，|\(|\)|（|）|:|：|;|；|<extra>|</extra>")
TAG = re.compile(r"<[^>]{0,40}>")
RANK = re.compile(r"^\s*\d+\.\s*|\s*\d+\s*$")
LATIN = re.compile(r"[A-Za-z]")
# %{customdata[0]}, %{x}, %{y:.2f}, %{fullData.name}, %{marker.color:.0%}
PLACEHOLDER = re.compile(r"%\{([a-zA-Z.]+)(?:\[(\d+)\])?(?:[:|][^}]*)?\}")
# Per-point arrays a hover template may show, and the keys that hold shown labels.
POINT_KEYS = ("x", "y", "z", "text", "hovertext", "label", "customdata", "locations")
LABEL_KEYS = ("x", "y", "text", "labels", "ticktext", "categoryarray")


@functools.cache
def place_names() -> dict[str, frozenset[str]]:
    """Return each county's, prefecture's and province's Chinese name → its Latin names.

    A county's is its pinyin, a province's its English name; a prefecture's its English
    name where the divisions give one (``loaders.divisions``), else any Latin word.
    """
    divisions = load_divisions(demo_snapshot())
    pairs = [("name_zh", "name_pinyin"), ("province_name_zh", "province_name_en")]
    if "prefecture_name_en" in divisions.columns:
        pairs.append(("prefecture_name_zh", "prefecture_name_en"))
    found: dict[str, set[str]] = {}
    for zh, en in pairs:
        for name, latin in divisions.select(zh, en).unique().iter_rows():
            found.setdefault(name, set()).add(latin.lower())
    for name in divisions.get_column("prefecture_name_zh").unique():
        found.setdefault(name, {""})  # no English name known: any Latin word will do
    return {name: frozenset(latin) for name, latin in found.items()}


def _at(array: Any, i: int) -> Any:
    if isinstance(array, dict) and "bdata" in array:
        array = values(array)
    if isinstance(array, list):
        return array[i] if i < len(array) else None
    return array  # one value for every point


def _length(trace: dict[str, Any]) -> int:
    for key in ("customdata", "x", "y", "locations", "text", "labels"):
        array = trace.get(key)
        if isinstance(array, dict) and "bdata" in array:
            return len(values(array))
        if isinstance(array, list):
            return len(array)
    return 0


def _fill(template: str, trace: dict[str, Any], i: int) -> str:
    """Return a hover template as Plotly renders it for point ``i`` of ``trace``."""

    def value(match: re.Match[str]) -> str:
        key, index = match.group(1), match.group(2)
        if key == "fullData.name":
            return str(trace.get("name", ""))
        found = _at(trace.get(key), i) if key in POINT_KEYS else None
        if index is not None and isinstance(found, list):
            found = found[int(index)] if int(index) < len(found) else None
        return "" if found is None else str(found)

    return PLACEHOLDER.sub(value, template)


def _hovers(trace: dict[str, Any]) -> Iterator[str]:
    template = trace.get("hovertemplate")
    if not template:
        return
    for i in range(_length(trace)):
        shown = template[i] if isinstance(template, list) else template
        if isinstance(shown, str):
            yield _fill(shown, trace, i)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def figure_labels(spec: dict[str, Any]) -> Iterator[str]:
    """Yield every text of a figure a reader sees as a label (hovers rendered)."""
    for trace in spec.get("data", []):
        for key in LABEL_KEYS:
            yield from _strings(trace.get(key))
        if trace.get("showlegend", True) and isinstance(trace.get("name"), str):
            yield trace["name"]
        yield from _hovers(trace)
    layout = spec.get("layout", {})
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            for field in ("ticktext", "categoryarray"):
                yield from _strings(axis.get(field))
    for note in layout.get("annotations", []):
        yield from _strings(note.get("text"))


def pieces(text: str) -> Iterator[str]:
    """Yield the labels of a text: the pieces between separators, without markup."""
    plain = html.unescape(TAG.sub(" ", text.replace("<br>", "\n")))
    for piece in SEPARATORS.split(plain):
        if piece.strip():
            yield piece.strip()


def chinese_only_places(labels: Iterator[str]) -> list[str]:
    """Return the labels that name a place in Chinese without its Latin name beside it.

    A place is named where a word of the label (after a rank number) is its Chinese
    name: "1. 黄岛区 · 山东省" names two, "修文县住房和城乡建设局" (a body) none.
    """
    names = place_names()
    bad = []
    for piece in (piece for text in labels for piece in pieces(text)):
        lower = piece.lower()
        for word in RANK.sub("", piece).split():
            latin = names.get(word)
            if latin is None:
                continue
            if not any(form in lower if form else LATIN.search(piece) for form in latin):
                bad.append(piece)
    return bad


def latin_labels(labels: Iterator[str]) -> list[str]:
    """Return the labels with English words (beyond the allowed ones)."""
    allowed = ALLOWED | snapshot_words()
    return [
        piece
        for text in labels
        for piece in pieces(text)
        if [w for w in english_words(piece, allowed) if not GRADE.match(w)]
    ]


def shown_labels(at: AppTest) -> Iterator[str]:
    for chart in at.get("plotly_chart"):
        yield from figure_labels(json.loads(chart.proto.spec))


def _id(view: Any) -> str:
    return str(view)


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=_id)
def test_figures_name_places_in_english(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str]
) -> None:
    at = run_app(page, **params)
    assert not at.exception
    bad = sorted(set(chinese_only_places(shown_labels(at))))
    assert bad == [], f"{len(bad)} places named only in Chinese on {page}: {bad[:20]}"


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=_id)
def test_figures_name_places_in_chinese(
    run_app: Callable[..., AppTest], page: str, params: dict[str, str]
) -> None:
    zh = {k: chinese(v) if v == DEMO_RECORDS else v for k, v in params.items()}
    at = run_app(page, lang="zh", **zh)
    assert not at.exception
    bad = sorted(set(latin_labels(shown_labels(at))))
    assert bad == [], f"{len(bad)} labels in Latin letters on {page}: {bad[:20]}"


def test_the_scan_reads_labels_as_a_reader_does() -> None:
    """Hovers are rendered; rank numbers and counts do not hide a Chinese-only name."""
    spec = {
        "data": [
            {
                "y": ["1. 修文县 · 贵州省", "2. 修文县 Xiuwen Xian · Guizhou"],
                "customdata": [["修文县", "Xiuwen Xian", "贵阳市"]],
                "hovertemplate": "<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}",
            }
        ],
        "layout": {"xaxis": {"ticktext": ["贵州省 (82)", "Guizhou (82)"]}},
    }
    labels = list(figure_labels(spec))
    assert "修文县 Xiuwen Xian\n贵阳市" in [html.unescape(TAG.sub("", t)) for t in labels] or any(
        "修文县</b> Xiuwen Xian" in t for t in labels
    )
    assert sorted(chinese_only_places(iter(labels))) == ["1. 修文县", "贵州省", "贵州省", "贵阳市"]
    body = "修文县住房和城乡建设局"  # a body named after its county: not a place name
    assert chinese_only_places(iter(["贵州省 average", body])) == ["贵州省 average"]
    assert latin_labels(iter(["修文县 Xiuwen Xian", "贵州省 (82)"])) == ["修文县 Xiuwen Xian"]
