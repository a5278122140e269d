"""Which county-level units are the mainland's, and which are Hong Kong's, Macau's or Taiwan's.

The boundary data lists 2,875 county-level units: the mainland's, 18 districts of Hong
Kong, 8 parishes of Macau, Taiwan as one unit, and 金门县 (Kinmen), which the PRC lists
under Fujian but Taiwan administers. No evaluator here rates the last four groups, so
counts of "all counties" count the mainland's and name the others apart.
"""

from __future__ import annotations

import polars as pl

HONG_KONG = "81"
MACAU = "82"
TAIWAN = "71"
# Listed under Fujian (adcode 35…) by the PRC code list, administered by Taiwan.
TAIWAN_ADMINISTERED = frozenset({"350527"})  # 金门县 Kinmen
REGIONS = ("mainland", "hong_kong", "macau", "taiwan")


def region_expr(adcode: str | pl.Expr = "adcode") -> pl.Expr:
    """Return the region of each unit: mainland, hong_kong, macau or taiwan.

    Examples
    --------
    >>> f = pl.DataFrame({"adcode": ["520123", "810001", "820001", "710000", "350527"]})
    >>> f.select(region_expr()).to_series().to_list()
    ['mainland', 'hong_kong', 'macau', 'taiwan', 'taiwan']
    """
    code = pl.col(adcode) if isinstance(adcode, str) else adcode
    prefix = code.str.slice(0, 2)
    return (
        pl.when(prefix == HONG_KONG)
        .then(pl.lit("hong_kong"))
        .when(prefix == MACAU)
        .then(pl.lit("macau"))
        .when((prefix == TAIWAN) | code.is_in(sorted(TAIWAN_ADMINISTERED)))
        .then(pl.lit("taiwan"))
        .otherwise(pl.lit("mainland"))
        .alias("region")
    )


def is_mainland(adcode: str) -> bool:
    """Return whether a unit is the mainland's.

    Examples
    --------
    >>> is_mainland("520123"), is_mainland("350527"), is_mainland("810001")
    (True, False, False)
    """
    return adcode[:2] not in (HONG_KONG, MACAU, TAIWAN) and adcode not in TAIWAN_ADMINISTERED


def universe(frame: pl.DataFrame) -> dict[str, int]:
    """Return how many units of ``frame`` (an ``adcode`` column) each region holds.

    Examples
    --------
    >>> universe(pl.DataFrame({"adcode": ["520123", "520124", "810001", "350527"]}))
    {'mainland': 2, 'hong_kong': 1, 'macau': 0, 'taiwan': 1}
    """
    counts = dict(frame.select(region_expr()).group_by("region").len().iter_rows())
    return {region: int(counts.get(region, 0)) for region in REGIONS}
