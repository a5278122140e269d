"""The Chinese catalogue covers every interface text, and no display call skips it."""

from __future__ import annotations

from pathlib import Path

import pytest

from components import i18n
from tests.i18n_scan import english_words, marked_texts, raw_display_texts

# Latin words a Chinese interface keeps: file formats, the citation format, the hash
# algorithm, the language switch's "English", and the "Demo" that starts every
# fictional evaluator's name in both languages.
ALLOWED = frozenset(
    {"Demo", "CSV", "XLSX", "ZIP", "PNG", "SVG", "JSON", "GeoJSON", "Parquet", "BibTeX", "English"}
    | {"sha", "SHA"}
)


def test_every_interface_text_has_chinese() -> None:
    found, _ = marked_texts()
    missing = sorted({f"{f.where}: {f.text[:70]}" for f in found if f.text not in i18n.catalogue()})
    assert missing == [], f"{len(missing)} texts lack Chinese:\n" + "\n".join(missing)


def test_catalogue_has_no_unused_entries() -> None:
    found, _ = marked_texts()
    used = {f.text for f in found}
    unused = sorted(set(i18n.catalogue()) - used)
    assert unused == [], f"{len(unused)} catalogue entries are never used:\n" + "\n".join(unused)


def test_translated_texts_are_literals() -> None:
    _, bad = marked_texts()
    assert bad == [], "tr()/mark() need a string literal (or tr(CONSTANT)):\n" + "\n".join(bad)


def test_no_display_call_takes_raw_english() -> None:
    bad = raw_display_texts()
    assert bad == [], f"{len(bad)} display calls show English without tr():\n" + "\n".join(bad)


def test_placeholders_match() -> None:
    wrong = [
        f"{en!r} → {zh!r}"
        for en, zh in i18n.catalogue().items()
        if i18n.placeholders(en) != i18n.placeholders(zh)
    ]
    assert wrong == []


def test_chinese_texts_have_no_english_words() -> None:
    mixed = {
        en: words for en, zh in i18n.catalogue().items() if (words := english_words(zh, ALLOWED))
    }
    assert mixed == {}


def test_conflicting_translations_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.toml").write_text('"Rank" = "排名"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('"Rank" = "名次"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(i18n.CatalogueError, match="Rank"):
            i18n.catalogue()
    finally:
        i18n.catalogue.cache_clear()


def test_tr_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: "zh")
    monkeypatch.setattr(i18n, "catalogue", lambda: {"Rank": "排名", "{n} counties": "{n} 个县"})
    assert i18n.tr("Rank") == "排名"
    assert i18n.tr("{n} counties", n=3) == "3 个县"
    assert i18n.tr("Not in the catalogue") == "Not in the catalogue"  # logged, not raised
    assert i18n.pick("Transparency", "透明度") == "透明度"
    assert i18n.pick("Transparency", None) == "Transparency"
    assert i18n.county_name("修文县", "Xiuwen Xian") == "修文县"
    assert i18n.col("name") == "name_zh"


def test_scan_finds_raw_english(tmp_path: Path) -> None:
    source = tmp_path / "page.py"
    source.write_text(
        'import streamlit as st\nst.header("Rankings")\nst.caption(f"{n} counties")\n'
        'st.header(tr("Rankings"))\nfig.update_layout(xaxis_title="Score")\n'
        'logging.getLogger("x").exception("page failed")\ntr(f"{n} x")\n',
        encoding="utf-8",
    )
    assert [b.split(": ")[1] for b in raw_display_texts([source])] == [
        "Rankings",
        "counties",
        "Score",
    ]
    found, bad = marked_texts([source])
    assert [f.text for f in found] == ["Rankings"]
    assert len(bad) == 1
