"""Finding counties by what a reader types, and setting one county against its peers."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import polars as pl

# Characters a searcher may type or omit between syllables; ignored on both sides.
_IGNORED = (" ", "'", "’", "‘", "`", "-", "·", "\u3000")


def normalise_query(text: str) -> str:
    """Return search text folded for matching: lower case, no tone marks, separators dropped.

    Examples
    --------
    >>> normalise_query(" Xiūwén  Xian "), normalise_query("Xi'an"), normalise_query("修文 县")
    ('xiuwenxian', 'xian', '修文县')
    >>> normalise_query("Lǜchūn"), normalise_query("lüchun")
    ('lvchun', 'lvchun')
    """
    # ü (with or without a tone mark) is written v in toneless pinyin (lv, nv).
    decomposed = unicodedata.normalize("NFKD", text.strip().lower()).replace("u\u0308", "v")
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in _IGNORED:
        folded = folded.replace(mark, "")
    return unicodedata.normalize("NFC", folded)


def _fold(expr: pl.Expr) -> pl.Expr:
    expr = expr.str.to_lowercase()
    for mark in _IGNORED:
        expr = expr.str.replace_all(mark, "", literal=True)
    return expr


# The spellings of a county: its pinyin and, where the frame has the columns, the old
# spellings that search still accepts ("Fengdou Xian" for 丰都县) and its former names
# and codes before a division change ("黔西县|520522" for 黔西市), each joined by "|".
_SPELLINGS = r"^(name_pinyin(_variants)?|former_names)$"


def _spellings(*, stem: bool = False) -> pl.Expr:
    """Folded spellings of each row as lists, one column per spelling column present.

    With ``stem`` each spelling is cut at its first space, which sets the suffix
    apart ("Changsha Xian" → "changsha").
    """
    each = pl.element().str.split(" ").list.first() if stem else pl.element()
    return pl.col(_SPELLINGS).str.split("|").list.eval(_fold(each))


def _any_spelling(test: pl.Expr) -> pl.Expr:
    return pl.any_horizontal(test.list.any().fill_null(False))


def search_expr(text: str) -> tuple[pl.Expr, pl.Expr] | None:
    """Return (match, order) expressions for a county search, or None for blank text.

    ``match`` is true where the Chinese name contains the text, a spelling contains
    it ignoring case, tone marks, spaces and apostrophes, or the adcode starts with
    it — always literally, never as a pattern. The spellings are ``name_pinyin`` and,
    where the frame has it, ``name_pinyin_variants`` (old spellings joined by "|"), so
    "fengdu" and the old "fengdou" both find 丰都县. ``order`` ranks exact hits 0,
    hits on a whole pinyin name without its suffix 1 ("changsha" for "Changsha Xian",
    before "Changshan Xian"), prefix hits 2 and the rest 3. Needs ``name_zh``,
    ``name_pinyin`` and ``adcode``.

    Examples
    --------
    >>> d = pl.DataFrame({"adcode": ["520123", "610116"], "name_zh": ["修文县", "长安区"],
    ...     "name_pinyin": ["Xiuwen Xian", "Chang'an Qu"]})
    >>> [d.filter(search_expr(t)[0])["adcode"].to_list() for t in ("xiuwen", "changan", "(.*)")]
    [['520123'], ['610116'], []]
    >>> d = d.with_columns(name_pinyin_variants=pl.Series([None, "Zhang'an Qu"]),
    ...     former_names=pl.Series(["修文旧县|520199", None]))
    >>> [d.filter(search_expr(t)[0])["adcode"].to_list() for t in ("zhangan", "修文旧县", "520199")]
    [['610116'], ['520123'], ['520123']]
    """
    query = normalise_query(text)
    if not query:
        return None
    name, code = _fold(pl.col("name_zh")), pl.col("adcode")
    spelling = _spellings()
    match = (
        name.str.contains(query, literal=True)
        | _any_spelling(spelling.list.eval(pl.element().str.contains(query, literal=True)))
        | code.str.starts_with(query)
    ).fill_null(False)
    order = (
        pl.when(
            (name == query)
            | _any_spelling(spelling.list.eval(pl.element() == query))
            | (code == query)
        )
        .then(0)
        .when(_any_spelling(_spellings(stem=True).list.eval(pl.element() == query)))
        .then(1)
        .when(
            name.str.starts_with(query)
            | _any_spelling(spelling.list.eval(pl.element().str.starts_with(query)))
        )
        .then(2)
        .otherwise(3)
    )
    return match, order


SEARCH_COLUMNS = (
    "adcode",
    "name_zh",
    "name_pinyin",
    "name_pinyin_variants",
    "former_names",
    "prefecture_name_zh",
    "province_name_zh",
    "province_name_en",
)


def averages(view_wide: pl.DataFrame, *, adcode: str, metrics: Sequence[str]) -> pl.DataFrame:
    """Return a county's score beside its province's and the nation's mean, per metric.

    Means are over the counties with a score for that metric (nulls are skipped);
    the province is the county's ``province_adcode`` in ``view_wide``. A metric
    without a column counts as unscored everywhere.

    Parameters
    ----------
    view_wide
        One row per county: ``adcode``, ``province_adcode`` and one score column per metric.
    adcode
        The county to compare.
    metrics
        Score columns to compare, in display order.

    Returns
    -------
    One row per metric, in the order given: ``indicator_id``, ``county``,
    ``province_mean``, ``national_mean``, ``n_province`` and ``n_national`` (counties
    with a score).

    Examples
    --------
    >>> wide = pl.DataFrame({"adcode": ["a", "b", "c"], "province_adcode": ["1", "1", "2"],
    ...     "x": [80.0, 60.0, 40.0], "y": [10.0, None, 30.0]})
    >>> averages(wide, adcode="a", metrics=["x", "y"]).rows()
    [('x', 80.0, 70.0, 60.0, 2, 3), ('y', 10.0, 10.0, 20.0, 1, 2)]
    """
    missing = [m for m in metrics if m not in view_wide.columns]
    wide = view_wide.with_columns(pl.lit(None, pl.Float64).alias(m) for m in missing)
    province = wide.filter(pl.col("adcode") == adcode).get_column("province_adcode")
    in_province = (
        pl.col("province_adcode") == province.item(0)
        if province.len() and province.item(0) is not None
        else pl.lit(False)
    )
    long = wide.unpivot(
        index=["adcode", "province_adcode"],
        on=list(metrics),
        variable_name="indicator_id",
        value_name="score",
    ).with_columns(pl.col("score").cast(pl.Float64))
    stats = long.group_by("indicator_id").agg(
        county=pl.col("score").filter(pl.col("adcode") == adcode).first(),
        province_mean=pl.col("score").filter(in_province).mean(),
        national_mean=pl.col("score").mean(),
        n_province=pl.col("score").filter(in_province).count(),
        n_national=pl.col("score").count(),
    )
    order = pl.DataFrame({"indicator_id": list(metrics)}, schema={"indicator_id": pl.String})
    return order.join(stats, on="indicator_id", how="left", maintain_order="left")


def match_counties(divisions: pl.DataFrame, text: str, *, limit: int = 20) -> pl.DataFrame:
    """Return the divisions whose Chinese name, pinyin or adcode matches ``text``.

    Matching is literal (no patterns): the Chinese name contains the text, the
    pinyin (or an old spelling in ``name_pinyin_variants``, where the frame has that
    column) contains it case-insensitively with spaces and apostrophes ignored on
    both sides, or the adcode starts with it. Exact matches come first, then whole
    pinyin names without their suffix ("changsha" → Changsha Xian before Changshan
    Xian), then names that start with the text, then the rest, each by adcode.

    Parameters
    ----------
    divisions
        The ``divisions`` table (or any frame with :data:`SEARCH_COLUMNS`).
    text
        What the user typed.
    limit
        Most rows to return.

    Examples
    --------
    >>> d = pl.DataFrame({"adcode": ["520123", "610102", "610116"],
    ...     "name_zh": ["修文县", "新城区", "长安区"],
    ...     "name_pinyin": ["Xiuwen Xian", "Xincheng Qu", "Chang'an Qu"]})
    >>> match_counties(d, "xiuwen")["name_zh"].to_list()
    ['修文县']
    >>> match_counties(d, "changan qu")["adcode"].to_list()
    ['610116']
    >>> match_counties(d, "(.*)").height
    0
    """
    search = search_expr(text)
    if search is None:
        return divisions.clear()
    match, order = search
    return (
        divisions.filter(match)
        .with_columns(_order=order)
        .sort("_order", "adcode")
        .drop("_order")
        .head(limit)
    )
