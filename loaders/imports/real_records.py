"""Published lists that name government bodies, read as real records.

A notice naming government websites that failed a State Council check, or a court's list
of dishonest judgment debtors that names a county government, is not a rating: its rows
become records (``is_synthetic`` false), each with the body as published, the county it
sits in (``Matcher.within``), its source, and a note saying what the source says and how
precise the record's date is. Which lists these are, and what their records are, is
curated in ``data/reference/published-records.toml`` (:class:`RecordSpec`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from loaders.imports.curation import RecordSpec, curation
from loaders.imports.long_format import Row, edition_key, split_date

# An amount in the source's words: "3.2亿元", "3700万元", "102万元".
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万)元")
_UNIT = {"亿": 100_000_000, "万": 10_000}


def spec_of(row: Row) -> RecordSpec | None:
    """Return the records spec of a row's list, or None when the row is a published result."""
    return curation().records.get(edition_key(row.get("edition")))


def amount_cny(text: str) -> float | None:
    """Return the first amount in yuan a text states (亿 and 万 spelled out), or None.

    Examples
    --------
    >>> amount_cny("arbitral award 3.2亿元; account frozen"), amount_cny("3700万元 unpaid")
    (320000000.0, 37000000.0)
    >>> amount_cny("no amount") is None
    True
    """
    m = _AMOUNT.search(text)
    return round(float(m[1]) * _UNIT[m[2]], 2) if m else None


def record_id(url: str, body: str) -> str:
    """Return the stable id of a real record: its source and the body as published.

    Examples
    --------
    >>> record_id("http://example.org/a", "奉新县人民政府")
    'real-eda66e884cfa'
    """
    return "real-" + hashlib.sha1(f"{url}|{body}".encode()).hexdigest()[:12]


def record_row(row: Row, spec: RecordSpec, adcode: str, source_id: str) -> dict[str, Any]:
    """Return the records row of one published naming (``is_synthetic`` is added later).

    Examples
    --------
    >>> spec = RecordSpec("courts", "dishonest_judgment_debtor", "negative", "2017-03-01",
    ...     "reported as listed in March 2017")
    >>> row = Row(2, {"evaluator": "某法院", "county_as_published": "奉新县人民政府",
    ...     "band": "county government listed", "notes": "award 3.2亿元",
    ...     "source_url": "http://x.org/a", "pub_date": "2017-04-03 (article)"})
    >>> r = record_row(row, spec, "360921", "src-x")
    >>> (r["occurred"], r["published"], r["amount_cny"], r["status"])
    (datetime.date(2017, 3, 1), datetime.date(2017, 4, 3), 320000000.0, 'unknown')
    >>> print(r["note"])  # doctest: +NORMALIZE_WHITESPACE
    As published: county government listed. Named by: 某法院. Date: reported as listed in
    March 2017. Source note: award 3.2亿元
    """
    body = row.get("county_as_published")
    date, _ = split_date(row.get("pub_date"))
    published = dt.date.fromisoformat(date) if date and len(date) == 10 else None
    parts = [
        f"As published: {row.get('band')}." if row.get("band") else "",
        f"Named by: {row.get('evaluator')}." if row.get("evaluator") else "",
        f"Date: {spec.occurred_note}.",
        f"Source note: {row.get('notes')}" if row.get("notes") else "",
    ]
    return {
        "record_id": record_id(row.get("source_url"), body),
        "adcode": adcode,
        "subject_name": body,
        "source_agency": spec.source_agency,
        "record_type": spec.record_type,
        "polarity": spec.polarity,
        "occurred": dt.date.fromisoformat(spec.occurred),
        "published": published,
        "status": spec.status,
        "resolved": None,
        "amount_cny": amount_cny(row.get("notes")),
        "note": " ".join(p for p in parts if p),
        "source_id": source_id,
    }
