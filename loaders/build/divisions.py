"""The ``divisions`` table from boundary attributes: types, pinyin and English province names.

Curated facts come from data files: ``data/reference/provinces.csv`` (English province
names) and ``data/reference/place-readings.csv`` (place-name readings that a
character-by-character romanisation gets wrong).
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import polars as pl

from loaders import paths, schemas

PROVINCES_CSV = paths.REFERENCE_DIR / "provinces.csv"
READINGS_CSV = paths.REFERENCE_DIR / "place-readings.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def province_names_en() -> dict[str, str]:
    """Return province adcode → English name (``data/reference/provinces.csv``).

    Examples
    --------
    >>> province_names_en()["520000"]
    'Guizhou'
    """
    return {row["province_adcode"]: row["name_en"] for row in _rows(PROVINCES_CSV)}


@functools.cache
def place_readings() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Return the place-name readings: (words read anywhere, whole stems), text → syllables."""
    words: dict[str, list[str]] = {}
    stems: dict[str, list[str]] = {}
    for row in _rows(READINGS_CSV):
        (stems if row["scope"] == "stem" else words)[row["text"]] = row["pinyin"].split()
    return words, stems


# Suffix → (division type, romanised suffix). Longest suffixes first.
_SUFFIXES: tuple[tuple[str, str, str], ...] = (
    ("自治县", "autonomous_county", "Zizhixian"),
    ("自治旗", "autonomous_banner", "Zizhiqi"),
    ("林区", "forestry_district", "Linqu"),
    ("特区", "special_district", "Tequ"),
    ("县", "county", "Xian"),
    ("区", "district", "Qu"),
    ("市", "county_city", "Shi"),
    ("旗", "banner", "Qi"),
)


_VOWEL_START = re.compile(r"^[aoe]")


def division_type(name_zh: str, adcode: str) -> str:
    """Return the division type implied by a county-level name's suffix.

    Units whose code ends in ``00`` are prefecture-level cities without counties
    (东莞市, 嘉峪关市) or a whole province shown as one unit: they get ``other``.

    Examples
    --------
    >>> division_type("修文县", "520123"), division_type("神农架林区", "429021")
    ('county', 'forestry_district')
    >>> division_type("东莞市", "441900")
    'other'
    """
    if adcode.endswith("00"):
        return "other"
    for suffix, kind, _ in _SUFFIXES:
        if name_zh.endswith(suffix):
            return kind
    return "other"


def _syllables(text: str) -> list[str]:
    from pypinyin import lazy_pinyin

    words, stems = place_readings()
    if text in stems:
        return list(stems[text])
    out: list[str] = []
    i = 0
    while i < len(text):
        for word, reading in words.items():
            if text.startswith(word, i):
                out.extend(reading)
                i += len(word)
                break
        else:
            out.extend(lazy_pinyin(text[i]))
            i += 1
    return out


def _join(syllables: list[str]) -> str:
    word = ""
    for s in syllables:
        word += f"'{s}" if word and _VOWEL_START.match(s) else s
    return word.capitalize()


def romanise(name_zh: str) -> str:
    """Return the toneless Hanyu Pinyin of a county-level name, suffix set apart.

    Uses ``pypinyin`` with a small table of place-name readings it gets wrong.

    Examples
    --------
    >>> romanise("修文县"), romanise("西安区"), romanise("朝阳区")
    ('Xiuwen Xian', "Xi'an Qu", 'Chaoyang Qu')
    """
    for suffix, _, roman in _SUFFIXES:
        stem = name_zh.removesuffix(suffix)
        if stem != name_zh and stem:
            return f"{_join(_syllables(stem))} {roman}"
    return _join(_syllables(name_zh))


def build_divisions(attributes: pl.DataFrame, *, source_id: str) -> pl.DataFrame:
    """Build the ``divisions`` table from boundary attributes.

    Parameters
    ----------
    attributes
        One row per county-level unit with adcode, name_zh, prefecture_adcode,
        prefecture_name_zh, province_adcode and province_name_zh.
    source_id
        The source row of the boundary data.

    Returns
    -------
    The table with pinyin names, division types and English province names.

    Examples
    --------
    >>> attrs = pl.DataFrame({"adcode": ["520123"], "name_zh": ["修文县"],
    ...     "prefecture_adcode": ["520100"], "prefecture_name_zh": ["贵阳市"],
    ...     "province_adcode": ["520000"], "province_name_zh": ["贵州省"]})
    >>> build_divisions(attrs, source_id="src").select("name_pinyin", "division_type").row(0)
    ('Xiuwen Xian', 'county')
    """
    frame = attributes.select(
        "adcode",
        "name_zh",
        pl.col("name_zh").map_elements(romanise, return_dtype=pl.String).alias("name_pinyin"),
        pl.struct("name_zh", "adcode")
        .map_elements(lambda r: division_type(r["name_zh"], r["adcode"]), return_dtype=pl.String)
        .alias("division_type"),
        "prefecture_adcode",
        "prefecture_name_zh",
        "province_adcode",
        "province_name_zh",
        pl.col("province_adcode").replace_strict(province_names_en()).alias("province_name_en"),
        pl.lit(source_id).alias("source_id"),
        pl.lit(False).alias("is_synthetic"),
    )
    return schemas.conform("divisions", frame.sort("adcode"))
