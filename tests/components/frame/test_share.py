from __future__ import annotations

import datetime as dt

from components.frame import links, share

INFO = {
    "edition_id": "demo-tp-2021",
    "title_en": "Demo assessment 2021 {50%}",
    "evaluator_en": "Demo Integrity Ratings Ltd. (fictional)",
    "data_year": 2021,
    "source_title": "Demo data generator",
    "source_url": "javascript:alert(1)",
    "is_synthetic": True,
}


def _citation(**info: object) -> share.Citation:
    return share.citation(
        INFO | info,
        url="https://gi.example/rankings?edition=demo-tp-2021&province=52",
        snapshot_id="default",
        manifest_sha256="f" * 64,
        accessed=dt.date(2026, 11, 25),
    )


def test_text_names_evaluator_source_link_snapshot_hash_date_and_synthetic() -> None:
    cited = share.text(_citation())
    for part in (
        "Demo Integrity Ratings Ltd. (fictional) (2021).",
        "[edition demo-tp-2021]",
        "Source: Demo data generator.",  # the javascript: link is dropped
        "https://gi.example/rankings?edition=demo-tp-2021&province=52",
        "data snapshot default, manifest sha256 " + "f" * 64,
        "Accessed 2026-11-25.",
        share.SYNTHETIC_NOTE,
    ):
        assert part in cited
    assert "javascript" not in cited


def test_a_real_edition_is_not_called_synthetic() -> None:
    cited = _citation(is_synthetic=False, source_url="https://www.example.org/report.pdf")
    assert share.SYNTHETIC_NOTE not in share.text(cited)
    assert "Source: Demo data generator, https://www.example.org/report.pdf." in share.text(cited)


def test_bibtex_escapes_specials_and_keeps_the_link_whole() -> None:
    bib = share.bibtex(_citation())
    assert bib.startswith("@misc{gi-demo-tp-2021-2026-11-25,\n")
    assert "title = {{Demo assessment 2021 \\{50\\%\\}}}" in bib
    assert (
        "howpublished = {\\url{https://gi.example/rankings?edition=demo-tp-2021&province=52}}"
        in bib
    )
    assert "urldate = {2026-11-25}" in bib
    assert "manifest sha256 " + "f" * 64 in bib
    unescaped = bib.replace("\\{", "").replace("\\}", "")
    assert unescaped.count("{") == unescaped.count("}")  # BibTeX can parse it


def test_view_url_keeps_every_parameter() -> None:
    params = {"edition": "demo-tp-2021", "weights": "40,20,20,10,10", "lang": "zh"}
    url = links.view_url("https://gi.example/metrics", "metrics", params)
    assert (
        url
        == "https://gi.example/metrics?edition=demo-tp-2021&weights=40%2C20%2C20%2C10%2C10&lang=zh"
    )
