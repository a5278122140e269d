"""The ``divisions`` table from boundary attributes: types, pinyin and English province names.

Curated facts come from data files: ``data/reference/provinces.csv`` (English province
names) and ``data/reference/place-readings.csv`` (reviewed place-name readings that
pypinyin's phrase mode gets wrong; ``data/reference/pinyin-check.csv`` tests the result).
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


# The one forestry district (林区) of China. Other names ending in 林区 are districts
# whose own name ends in 林 (万柏林区 = 万柏林 + 区, 碑林区 = 碑林 + 区).
FORESTRY_DISTRICTS = frozenset({"神农架林区"})

# Suffix → (division type, romanised suffix). Longest suffixes first; 林区 counts only
# for FORESTRY_DISTRICTS (:func:`suffix_of`).
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
    found = suffix_of(name_zh)
    return found[1] if found else "other"


def suffix_of(name_zh: str) -> tuple[str, str, str] | None:
    """Return the (suffix, division type, romanised suffix) a name ends with, or None.

    The whole suffix decides: 林区 is a forestry district only for 神农架林区.

    Examples
    --------
    >>> suffix_of("万柏林区")[:2], suffix_of("神农架林区")[:2], suffix_of("六枝特区")[:2]
    (('区', 'district'), ('林区', 'forestry_district'), ('特区', 'special_district'))
    """
    for entry in _SUFFIXES:
        suffix = entry[0]
        if suffix == "林区" and name_zh not in FORESTRY_DISTRICTS:
            continue
        if name_zh.endswith(suffix) and name_zh != suffix:
            return entry
    return None


def _pinyin(text: str, *, phrases: bool) -> list[str]:
    """Return one toneless syllable per character (``v`` for ü); other characters as they are.

    With ``phrases`` pypinyin reads the text as words (its phrase mode); a text it does
    not give one syllable per character (a run of non-Han characters) is read by
    character instead.
    """
    from pypinyin import lazy_pinyin

    if phrases:
        out = lazy_pinyin(text)
        if len(out) == len(text):
            return out
    return [s for c in text for s in lazy_pinyin(c)]


def _syllables(text: str) -> list[str]:
    """Return the syllables of a name's stem, read as a place name.

    pypinyin's phrase mode reads the whole stem (长沙 → chang sha, where a character
    by itself reads zhang); the readings of ``place-readings.csv`` then replace it
    wherever they occur, the longest first at each position (长子 before 长).
    """
    words, stems = place_readings()
    if text in stems:
        return list(stems[text])
    out = _pinyin(text, phrases=True)
    longest = max(map(len, words), default=0)
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            reading = words.get(text[i : i + size])
            if reading is not None:
                out[i : i + size] = reading
                i += size
                break
        else:
            i += 1
    return out


def _join(syllables: list[str]) -> str:
    word = ""
    for s in syllables:
        word += f"'{s}" if word and _VOWEL_START.match(s) else s
    return word.capitalize()


def _split(name_zh: str) -> tuple[str, str | None]:
    """Return (stem, romanised suffix) of a name; the suffix is None for a name without one."""
    found = suffix_of(name_zh)
    if found is None:
        return name_zh, None
    return name_zh.removesuffix(found[0]), found[2]


def _spell(stem: str, suffix: str | None, syllables: list[str]) -> str:
    return _join(syllables) if suffix is None else f"{_join(syllables)} {suffix}"


def romanise(name_zh: str) -> str:
    """Return the toneless Hanyu Pinyin of a county-level name, suffix set apart.

    The stem is read as a place name: pypinyin's phrase mode, corrected by the
    reviewed readings of ``data/reference/place-readings.csv`` (都 is du in 丰都,
    长 chang in 长沙, 什 shi in 喀什, 勒 le in 库尔勒, 乐清 is Yueqing).

    Examples
    --------
    >>> romanise("修文县"), romanise("西安区"), romanise("朝阳区")
    ('Xiuwen Xian', "Xi'an Qu", 'Chaoyang Qu')
    >>> romanise("长沙县"), romanise("丰都县"), romanise("喀什市"), romanise("长子县")
    ('Changsha Xian', 'Fengdu Xian', 'Kashi Shi', 'Zhangzi Xian')
    """
    stem, suffix = _split(name_zh)
    return _spell(stem, suffix, _syllables(stem))


def romanise_by_character(name_zh: str) -> str:
    """Return the old character-by-character spelling: each character's commonest reading.

    Wrong for polyphonic characters (长沙县 → Zhangsha Xian), but what a reader may
    still type; kept beside :func:`romanise` for search.

    Examples
    --------
    >>> romanise_by_character("长沙县"), romanise_by_character("修文县")
    ('Zhangsha Xian', 'Xiuwen Xian')
    """
    stem, suffix = _split(name_zh)
    return _spell(stem, suffix, _pinyin(stem, phrases=False))


def pinyin_variants(name_zh: str) -> str | None:
    """Return the spellings search accepts besides :func:`romanise`, joined by ``|``, or None.

    Examples
    --------
    >>> pinyin_variants("丰都县"), pinyin_variants("修文县")
    ('Fengdou Xian', None)
    """
    old = romanise_by_character(name_zh)
    return None if old == romanise(name_zh) else old


# Ethnic groups named in autonomous prefectures and counties (黔东南苗族侗族自治州, 伊犁哈萨克
# 自治州), without 族: an English label names the place, not its designation.
_ETHNIC = re.compile(
    r"(?:苗|侗|布依|土家|藏|羌|彝|哈尼|壮|傣|白|景颇|傈僳|回|蒙古|朝鲜|哈萨克|柯尔克孜|黎)族?$"
)
_PREFECTURE_SUFFIXES = ("自治州", "地区", "盟", "市")


def prefecture_name_en(name_zh: str, *, province_zh: str, province_en: str) -> str:
    """Return the short English (pinyin) name of a prefecture-level unit, for labels.

    The place without its designation (市, 地区, 盟, 自治州) or the ethnic groups an
    autonomous unit names, read as a place name as :func:`romanise` reads counties. A
    unit that is its own province (北京市, 香港特别行政区) takes the province's English
    name; a county-level unit standing as its own prefecture (定安县) is read as a county.

    Examples
    --------
    >>> prefecture_name_en("贵阳市", province_zh="贵州省", province_en="Guizhou")
    'Guiyang'
    >>> prefecture_name_en("黔东南苗族侗族自治州", province_zh="贵州省", province_en="Guizhou")
    'Qiandongnan'
    >>> prefecture_name_en("北京市", province_zh="北京市", province_en="Beijing")
    'Beijing'
    >>> prefecture_name_en("白沙黎族自治县", province_zh="海南省", province_en="Hainan")
    'Baisha'
    """
    if name_zh == province_zh:
        return province_en
    stem = next(
        (name_zh.removesuffix(s) for s in _PREFECTURE_SUFFIXES if name_zh.endswith(s)), None
    )
    if stem is None or not stem:
        stem = _split(name_zh)[0]
    while (shorter := _ETHNIC.sub("", stem)) != stem and shorter:
        stem = shorter
    return _join(_syllables(stem))


def prefecture_names(divisions: pl.DataFrame) -> pl.DataFrame:
    """Return one row per prefecture of ``divisions``: adcode, Chinese and English name.

    The rows of ``data/reference/prefectures.csv`` (:data:`PREFECTURES_CSV`), which
    the app reads instead of romanising at start-up.
    """
    rows = (
        divisions.select(
            "prefecture_adcode", "prefecture_name_zh", "province_name_zh", "province_name_en"
        )
        .unique()
        .sort("prefecture_adcode")
    )
    return rows.select(
        "prefecture_adcode",
        "prefecture_name_zh",
        prefecture_name_en=pl.Series(
            [
                prefecture_name_en(name, province_zh=zh, province_en=en)
                for _, name, zh, en in rows.iter_rows()
            ],
            dtype=pl.String,
        ),
    )


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
    The table with pinyin names (and the old character-by-character spelling where it
    differs, for search), division types and English province names.

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
        pl.col("name_zh")
        .map_elements(pinyin_variants, return_dtype=pl.String)
        .alias("name_pinyin_variants"),
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
