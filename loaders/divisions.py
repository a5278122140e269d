"""County-level divisions: build the table from boundary attributes, romanise names, load it."""

from __future__ import annotations

import re

import polars as pl

from loaders import schemas, store
from loaders.store import SnapshotLike

PROVINCE_NAMES_EN: dict[str, str] = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Tibet",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macau",
}

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

# Place-name readings that pypinyin's default (character-by-character) reading gets wrong.
_READINGS: dict[str, list[str]] = {
    "朝阳": ["chao", "yang"],
    "郫都": ["pi", "du"],
    "涡阳": ["guo", "yang"],
    "六安": ["lu", "an"],
    "都江堰": ["du", "jiang", "yan"],
    "重庆": ["chong", "qing"],
    "长安": ["chang", "an"],
    "乐亭": ["lao", "ting"],
    "番禺": ["pan", "yu"],
    "亳州": ["bo", "zhou"],
    "铅山": ["yan", "shan"],
    "大埔": ["da", "bu"],
    "东阿": ["dong", "e"],
}
# Whole stems (name without suffix) with a special reading.
_STEM_READINGS: dict[str, list[str]] = {"单": ["shan"], "蔚": ["yu"]}
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

    if text in _STEM_READINGS:
        return list(_STEM_READINGS[text])
    out: list[str] = []
    i = 0
    while i < len(text):
        for word, reading in _READINGS.items():
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
        pl.col("province_adcode").replace_strict(PROVINCE_NAMES_EN).alias("province_name_en"),
        pl.lit(source_id).alias("source_id"),
        pl.lit(False).alias("is_synthetic"),
    )
    return schemas.conform("divisions", frame.sort("adcode"))


def load(snapshot: SnapshotLike) -> pl.DataFrame:
    """Return the verified ``divisions`` table of a snapshot."""
    return store.load(snapshot, "divisions")
