"""What published-results rows do not say, decided once in ``data/reference/published-*.toml``.

Which body an ``evaluator`` string stands for (``published-evaluators.toml``, with the
rules behind each decision), edition ids, English titles and series
(``published-editions.toml``), names that stand for another unit or for no county-level
unit (``published-aliases.toml``), how far each cited page can be trusted where a file
does not say it in a column (``published-sources.toml``), and which published lists
name government bodies, so that their rows are records, not results
(``published-records.toml``).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders import paths


# ---------------------------------------------------------------------------------------
# curated knowledge: who an evaluator string stands for, edition ids, aliases
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvaluatorSpec:
    """What an ``evaluator`` string of the long format stands for.

    ``evaluator_id`` is an existing evaluator (``data/reference/evaluators.csv``) or one of
    the curation's new evaluators; ``note`` goes into the universe note of every edition
    published under the string (a named unit, co-publishers).
    """

    evaluator_id: str
    note: str | None = None


@dataclass(frozen=True)
class EditionSpec:
    """Edition facts the rows do not give: id, English title, series, overrides."""

    edition_id: str
    title_en: str
    series_id: str | None = None
    mode: str | None = None
    method_published: str = "none"
    data_year: int | None = None
    note: str | None = None
    year_source: dict[str, str] | None = None  # a sources row (without id) for data_year
    title_zh: str | None = None  # a Chinese title where the row's title carries an English note


@dataclass(frozen=True)
class Alias:
    """A published name that stands for a county-level unit of another name."""

    province: str  # province name prefix the alias applies in
    names: tuple[str, ...]
    today: str
    reason: str


@dataclass(frozen=True)
class Unplaced:
    """A published name that stands for no county-level unit (kept as published, unmapped)."""

    province: str  # province name prefix the entry applies in
    names: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class SourceSpec:
    """How far a cited page can be trusted (a long-format ``source_type``), and its date."""

    source_type: str
    pub_date: str | None = None  # as the long format's pub_date ("2019-01-07 (article)")


@dataclass(frozen=True)
class RecordSpec:
    """A published list that names government bodies: its rows are records, not results."""

    source_agency: str
    record_type: str
    polarity: str
    occurred: str  # ISO date the record is dated by (first day where only a month is known)
    occurred_note: str  # how precise that date is, in words
    status: str = "unknown"


@dataclass(frozen=True)
class Curation:
    """What the published-results rows do not say, decided once in ``data/reference``.

    ``names``: evaluator string → :class:`EvaluatorSpec`; ``evaluators``: rows of
    evaluators first met in published results (without ``evaluator_id`` and
    ``source_id``); ``ties``: the ties the sources state, per evaluator; ``editions``:
    edition key (:func:`edition_key`) → :class:`EditionSpec`; ``aliases``; ``unplaced``
    names; ``sources``: URL → :class:`SourceSpec`; ``records``: edition key →
    :class:`RecordSpec`.
    """

    names: dict[str, EvaluatorSpec]
    evaluators: dict[str, dict[str, Any]]
    ties: dict[str, list[dict[str, Any]]]
    editions: dict[str, EditionSpec]
    aliases: tuple[Alias, ...]
    unplaced: tuple[Unplaced, ...] = ()
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    records: dict[str, RecordSpec] = field(default_factory=dict)


EVALUATOR_DEFAULTS = {"home_province_adcode": None, "founded": None, "name_history": None}

TIE_DEFAULTS = {"party_name_en": None, "share_pct": None, "as_of": None, "note": None}


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def curation(folder: Path = paths.REFERENCE_DIR) -> Curation:
    """Read the curated knowledge of ``published-*.toml`` in ``folder`` (once).

    Examples
    --------
    >>> curation().names["中鼎资信评级服务有限公司"].evaluator_id
    'zhongding'
    """
    evaluators = _toml(folder / "published-evaluators.toml")
    editions = _toml(folder / "published-editions.toml")["editions"]
    places = _toml(folder / "published-aliases.toml")
    aliases = places["aliases"]
    sources = _toml(folder / "published-sources.toml")["sources"]
    records = _toml(folder / "published-records.toml")["records"]
    return Curation(
        names={name: EvaluatorSpec(**spec) for name, spec in evaluators["names"].items()},
        evaluators={
            key: {**EVALUATOR_DEFAULTS, **row} for key, row in evaluators["evaluators"].items()
        },
        ties={
            key: [{**TIE_DEFAULTS, **tie} for tie in ties]
            for key, ties in evaluators.get("ties", {}).items()
        },
        editions={key: EditionSpec(**spec) for key, spec in editions.items()},
        aliases=tuple(
            Alias(a["province"], tuple(a["names"]), a["today"], a["reason"]) for a in aliases
        ),
        unplaced=tuple(
            Unplaced(u["province"], tuple(u["names"]), u["reason"])
            for u in places.get("unplaced", [])
        ),
        sources={url: SourceSpec(**spec) for url, spec in sources.items()},
        records={key: RecordSpec(**spec) for key, spec in records.items()},
    )
