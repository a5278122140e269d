"""Property tests (hypothesis): snapshot round trips, rank and grade rules, weights."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from polars.testing import assert_frame_equal

from loaders import rankings, schemas
from loaders import weights as w
from loaders.build import synthetic
from loaders.derive.ranks import LEVELS, add_grade, add_ranks
from loaders.derive.records import monthly_rollup
from loaders.derive.weights import min_ranks, normalise, sample_weights
from loaders.store import load, open_snapshot, scan, write_snapshot
from loaders.store.validate import check_tables
from tests.conftest import tiny_tables

# Example counts keep the whole file near 10 s on two cores (snapshot writes dominate).
# NOTE: no example database, so every run draws afresh; a failure prints its example.
FAST = settings(max_examples=150, deadline=None, database=None)
SLOW = settings(max_examples=60, deadline=None, database=None)

# --- strategies ---------------------------------------------------------------------------

# Any text (every character a str can encode as UTF-8), empty, or long (a few characters
# repeated, so long strings cost hypothesis little to draw and shrink).
LONG = st.text(min_size=1, max_size=4).map(lambda chars: (chars * 100)[:300])
TEXT = st.one_of(st.text(max_size=8), st.just(""), LONG)
OPTIONAL_TEXT = st.none() | TEXT
# Scores that tie often (a small pool, the ends of the scale) or are any finite float.
POOL = st.sampled_from([0.0, -0.0, 35.5, 60.0, 79.99, 80.0, 100.0])
SCORE = st.none() | POOL | st.floats(0, 100)
# (code, name, English name) of the provinces generated counties fall in.
PROVINCES = (("52", "贵州省", "Guizhou"), ("33", "浙江省", "Zhejiang"), ("65", "新疆", "Xinjiang"))
REAL = ("src-report", False)
DEMO = ("src-demo", True)
ORIGIN = st.sampled_from([REAL, DEMO])
# The years a snapshot can partition records by (records/year=YYYY), ends included.
DATES = st.sampled_from([dt.date(1000, 1, 1), dt.date(9999, 12, 31)]) | st.dates(
    dt.date(1000, 1, 1), dt.date(9999, 12, 31)
)


def _rows(rows: list[dict[str, Any]], name: str) -> pl.DataFrame:
    """Conform rows to table ``name`` (missing nullable columns become null)."""
    frame = pl.DataFrame(rows, schema_overrides=dict(schemas.TABLES[name].schema), strict=False)
    return schemas.conform(name, frame if rows else schemas.empty(name))


@st.composite
def snapshot_tables(draw: st.DrawFn) -> dict[str, pl.DataFrame]:
    """Valid snapshot tables: ``tests.conftest.tiny_tables`` with every varying part drawn."""
    codes = draw(
        st.lists(
            st.tuples(st.sampled_from(PROVINCES), st.integers(0, 9999)),
            max_size=6,
            unique_by=lambda c: c[0][0] + f"{c[1]:04d}",
        )
    )
    divisions = []
    for (province, zh, en), number in codes:
        adcode = f"{province}{number:04d}"
        source_id, demo = draw(st.sampled_from([("src-geo", False), DEMO]))
        divisions.append(
            {
                "adcode": adcode,
                "name_zh": draw(TEXT),
                "name_pinyin": draw(TEXT),
                "division_type": draw(st.sampled_from(schemas.DIVISION_TYPES)),
                "prefecture_adcode": adcode[:4] + "00",
                "prefecture_name_zh": draw(TEXT),
                "province_adcode": f"{province}0000",
                "province_name_zh": zh,
                "province_name_en": en,
                "source_id": source_id,
                "is_synthetic": demo,
            }
        )
    adcodes = [d["adcode"] for d in divisions]
    sources = [
        {
            "source_id": "src-geo",
            "title": draw(TEXT),
            "kind": "dataset",
            "reliability": "secondary",
        },
        {
            "source_id": "src-report",
            "title": draw(TEXT),
            "title_en": draw(OPTIONAL_TEXT),
            "kind": "report",
            "reliability": draw(st.sampled_from(schemas.SOURCE_RELIABILITY[:-1])),
            "url": draw(OPTIONAL_TEXT),
            "published": draw(st.none() | st.sampled_from(["2019", "2019-06", "2019-06-30"])),
        },
        {"source_id": "src-demo", "title": draw(TEXT), "kind": "generator"},
    ]
    for source in sources:
        source["is_synthetic"] = source["source_id"] == "src-demo"
        source.setdefault("reliability", "synthetic" if source["is_synthetic"] else "secondary")
    evaluators = [
        {
            "evaluator_id": "real-firm",
            "name_zh": "某评级公司",
            "name_en": "A Rating Firm",
            "evaluator_type": draw(st.sampled_from(schemas.EVALUATOR_TYPES)),
            "methodology_disclosure": draw(st.sampled_from(schemas.DISCLOSURE)),
            "founded": draw(OPTIONAL_TEXT),
            "name_history": draw(OPTIONAL_TEXT),
            "description_en": draw(OPTIONAL_TEXT),
            "home_province_adcode": draw(
                st.none() | st.sampled_from([d["province_adcode"] for d in divisions] or [None])
            ),
            "source_id": "src-report",
            "is_synthetic": False,
        },
        {
            "evaluator_id": "demo-firm",
            "name_zh": "Demo 示例",
            "name_en": "Demo Firm",
            "evaluator_type": "private_rating_firm",
            "methodology_disclosure": "partial",
            "source_id": "src-demo",
            "is_synthetic": True,
        },
    ]
    ties = [
        {
            "tie_id": tie_id,
            "evaluator_id": "real-firm",
            "party_name": draw(TEXT),
            "party_name_en": draw(OPTIONAL_TEXT),
            "party_type": "company",
            "relation": draw(st.sampled_from(schemas.TIE_RELATIONS)),
            "share_pct": draw(st.none() | st.floats(0, 100)),
            "confidence": draw(st.sampled_from(schemas.CONFIDENCE)),
            "source_id": "src-report",
            "is_synthetic": False,
        }
        for tie_id in draw(st.lists(TEXT, max_size=3, unique=True))
    ]
    score_max = draw(st.sampled_from([100.0, 1000.0, None]))
    editions = [
        {
            "edition_id": "real-2021",
            "evaluator_id": "real-firm",
            "title_zh": draw(TEXT),
            "title_en": draw(OPTIONAL_TEXT),
            "data_year": draw(st.integers(1949, 2100)),
            "n_subjects": draw(st.none() | st.integers(0, 3000)),
            "mode": draw(st.sampled_from(schemas.EDITION_MODES)),
            "method_published": "none",
            "universe_note": draw(OPTIONAL_TEXT),
            "source_id": "src-report",
            "is_synthetic": False,
        },
        {
            "edition_id": "demo-2021",
            "evaluator_id": "demo-firm",
            "series_id": draw(st.none() | st.just("demo-series")),
            "title_zh": draw(TEXT),
            "data_year": draw(st.integers(1949, 2100)),
            "mode": "third_party",
            "method_published": "partial",
            "score_max": score_max,
            "grade_scale_id": "demo-scale",
            "source_id": "src-demo",
            "is_synthetic": True,
        },
    ]
    weights = draw(st.sampled_from([[None] * 5, [0.25, 0.25, 0.2, 0.15, 0.15], [0.2] * 5]))
    indicators = [
        {
            "edition_id": edition,
            "indicator_id": key,
            "level": 1,
            "name_zh": draw(TEXT),
            "name_en": draw(OPTIONAL_TEXT),
            "weight": weight,
            "name_confirmed": draw(st.booleans()),
            "crosswalk_key": key,
            "note": draw(OPTIONAL_TEXT),
            "source_id": source_id,
            "is_synthetic": demo,
        }
        for edition, (source_id, demo) in (("real-2021", REAL), ("demo-2021", DEMO))
        for key, weight in zip(schemas.FIRST_LEVEL, weights, strict=True)
    ]
    top = 1000.0 if score_max is None else score_max
    any_score = st.none() | st.sampled_from([0.0, top]) | st.floats(0, top)
    scores, coverage = [], []
    for adcode in adcodes:
        status = draw(st.sampled_from([*schemas.COVERAGE_STATUS, None]))
        if status is not None:
            coverage.append(
                {
                    "edition_id": "demo-2021",
                    "adcode": adcode,
                    "status": status,
                    "reason": draw(OPTIONAL_TEXT),
                    "source_id": "src-demo",
                    "is_synthetic": True,
                }
            )
        if status != "assessed":
            continue
        for key in draw(st.sets(st.sampled_from(("total", *schemas.FIRST_LEVEL)))):
            scores.append(
                {
                    "edition_id": "demo-2021",
                    "adcode": adcode,
                    "indicator_id": key,
                    "score": draw(any_score),
                    "observed": draw(st.booleans()),
                    "source_id": "src-demo",
                    "is_synthetic": True,
                }
            )
    positive = st.none() | st.integers(1, 2**31 - 1)
    rankings = [
        {
            "edition_id": "real-2021",
            "adcode": draw(st.none() | st.sampled_from(adcodes or [None])),
            "name_as_published": draw(TEXT),
            "rank": draw(positive),
            "list_pos": draw(positive),
            "band": draw(OPTIONAL_TEXT),
            "published": draw(OPTIONAL_TEXT),
            "note": draw(OPTIONAL_TEXT),
            "source_id": "src-report",
            "is_synthetic": False,
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    grades = [
        {
            "scale_id": "demo-scale",
            "grade": grade,
            "min_score": draw(POOL | st.floats(-1e6, 1e6)),
            "label_zh": draw(OPTIONAL_TEXT),
            "confirmed": draw(st.booleans()),
            "source_id": "src-demo",
            "is_synthetic": True,
        }
        for grade in draw(st.lists(TEXT, min_size=1, max_size=4, unique=True))
    ]
    records = []
    for record_id in draw(st.lists(TEXT, max_size=12 if adcodes else 0, unique=True)):
        source_id, demo = draw(ORIGIN)
        occurred = draw(DATES)
        records.append(
            {
                "record_id": record_id,
                "adcode": draw(st.sampled_from(adcodes)),
                "subject_name": draw(TEXT),
                "source_agency": draw(st.sampled_from(schemas.SOURCE_AGENCIES)),
                "record_type": draw(st.sampled_from(schemas.RECORD_TYPES)),
                "polarity": draw(st.sampled_from(schemas.POLARITY)),
                "occurred": occurred,
                "published": draw(st.none() | DATES),
                "status": draw(st.sampled_from(schemas.RECORD_STATUS)),
                "resolved": draw(st.none() | DATES),
                "amount_cny": draw(st.none() | st.floats(0, 1e12)),
                "source_id": source_id,
                "is_synthetic": demo,
            }
        )
    changes = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "from_adcode": st.none() | st.from_regex(r"\A[0-9]{6}\Z"),
                    "from_name_zh": TEXT,
                    "to_adcode": st.none() | st.sampled_from(adcodes or [None]),
                    "to_name_zh": OPTIONAL_TEXT,
                    "change_type": st.sampled_from(schemas.CHANGE_TYPES),
                    "effective_year": st.integers(-(2**15), 2**15 - 1),
                    "note": OPTIONAL_TEXT,
                }
            ),
            max_size=3,
            unique_by=lambda c: (c["from_adcode"], c["to_adcode"], c["effective_year"]),
        )
    )
    changes = [c | dict(zip(("source_id", "is_synthetic"), REAL, strict=True)) for c in changes]
    tables = {
        "divisions": _rows(divisions, "divisions"),
        "sources": _rows(sources, "sources"),
        "evaluators": _rows(evaluators, "evaluators"),
        "evaluator_ties": _rows(ties, "evaluator_ties"),
        "editions": _rows(editions, "editions"),
        "indicators": _rows(indicators, "indicators"),
        "scores": _rows(scores, "scores"),
        "coverage": _rows(coverage, "coverage"),
        "rankings": _rows(rankings, "rankings"),
        "grade_scales": _rows(grades, "grade_scales"),
        "records": _rows(records, "records"),
        "division_changes": _rows(changes, "division_changes"),
        "record_volumes": schemas.empty("record_volumes"),
        # a paragraph per source, so that every source is cited whatever rows were drawn
        "methodology": _rows(
            [
                {
                    "section_id": "s",
                    "position": i,
                    "text_en": "x",
                    "text_zh": "x",
                    "source_id": source["source_id"],
                    "is_synthetic": source["is_synthetic"],
                }
                for i, source in enumerate(sources, 1)
            ],
            "methodology",
        ),
    }
    # Shuffle the rows: the writer, not the strategy, decides the order on disk.
    return {name: _shuffled(draw, frame) for name, frame in tables.items()}


def _shuffled(draw: st.DrawFn, frame: pl.DataFrame) -> pl.DataFrame:
    order = draw(st.permutations(range(frame.height)))
    return frame[list(order)] if frame.height else frame


def _sorted(frame: pl.DataFrame, key: Sequence[str]) -> pl.DataFrame:
    """Sort rows by ``key`` in Python (code point order, nulls last), keeping ties in order."""

    def sort_key(i: int) -> tuple[tuple[bool, Any], ...]:
        row = frame.row(i, named=True)
        return tuple((row[c] is None, row[c] if row[c] is not None else 0) for c in key)

    order = sorted(range(frame.height), key=sort_key)
    return frame[order] if frame.height else frame


def _expected(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """What reading table ``name`` back must give: the loader's row order and columns."""
    table = schemas.TABLES.get(name) or schemas.DERIVED[name]
    if not table.partitioned:
        return _sorted(frame, table.key)
    # One file per year, in year order, each sorted by the key; ``year`` from the folder.
    year = frame.with_columns(
        pl.col("occurred").dt.year().cast(pl.Int16).alias(schemas.RECORDS_PARTITION)
    )
    return _sorted(year, (schemas.RECORDS_PARTITION, *table.key))


# --- snapshot round trip ------------------------------------------------------------------


@SLOW
@given(tables=snapshot_tables(), snapshot_id=TEXT, description=TEXT)
def test_written_snapshot_reads_back_unchanged(
    tables: dict[str, pl.DataFrame], snapshot_id: str, description: str
) -> None:
    assert check_tables(tables) == []  # the strategy only builds valid snapshots
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "snapshot"  # a fresh folder: load() caches per location
        manifest = write_snapshot(
            tables,
            out,
            snapshot_id=snapshot_id,
            description=description,
            created_by="tests",
            created_at="2026-01-01T00:00:00Z",
        )
        snap = open_snapshot(out)
        assert snap.manifest == manifest
        assert snap.snapshot_id == snapshot_id
        assert snap.is_synthetic == any(f["is_synthetic"].any() for f in tables.values())
        rollup = monthly_rollup(tables["records"], tables["record_volumes"])
        written = {**tables, "record_rollups": rollup}
        for name, frame in written.items():
            want = _expected(name, frame)
            assert_frame_equal(load(out, name), want, check_exact=True)
            assert_frame_equal(scan(out, name).collect(), want, check_exact=True)
            entry = snap.manifest["tables" if name in schemas.TABLES else "derived"][name]
            assert entry["rows"] == frame.height


@SLOW
@given(occurred=st.dates(max_value=dt.date(999, 12, 31)))
def test_records_outside_four_digit_years_are_refused_before_writing(occurred: dt.date) -> None:
    tables = tiny_tables()
    tables["records"] = tables["records"].with_columns(
        occurred=pl.when(pl.col("record_id") == "r000").then(occurred).otherwise("occurred")
    )
    assert check_tables(tables) == []  # valid tables, but no year=YYYY folder can hold them
    with tempfile.TemporaryDirectory() as folder:
        with pytest.raises(ValueError, match=f"year\\(s\\) \\[{occurred.year}\\]"):
            write_snapshot(
                tables,
                Path(folder) / "snapshot",
                snapshot_id="x",
                description="",
                created_by="tests",
                created_at="2026-01-01T00:00:00Z",
            )
        assert list(Path(folder).iterdir()) == []  # all or nothing: not even a temp folder


# --- ranks --------------------------------------------------------------------------------


def _min_rank_oracle(scores: Sequence[float | None], groups: Sequence[str]) -> list[int | None]:
    """1 + the number of scores in the same group strictly better; None without a score."""
    return [
        None
        if s is None
        else 1
        + sum(1 for t, h in zip(scores, groups, strict=True) if h == g and t is not None and t > s)
        for s, g in zip(scores, groups, strict=True)
    ]


def _cohort_oracle(scores: Sequence[float | None], groups: Sequence[str]) -> list[int | None]:
    return [
        None
        if s is None
        else sum(1 for t, h in zip(scores, groups, strict=True) if h == g and t is not None)
        for s, g in zip(scores, groups, strict=True)
    ]


def _assert_ranks_form_cohorts(ranks: Sequence[int | None], groups: Sequence[str]) -> None:
    """Within each group the ranks are 1..n with ties sharing the best rank (1, 2, 2, 4)."""
    for group in set(groups):
        got = sorted(r for r, g in zip(ranks, groups, strict=True) if g == group and r is not None)
        for position, rank in enumerate(got, start=1):
            tie = position > 1 and rank == got[position - 2]
            assert rank == position or tie  # a rank is its position, or the one before it


counties = st.integers(0, 25).flatmap(
    lambda n: st.fixed_dictionaries(
        {
            "score": st.lists(SCORE | st.floats(allow_nan=False), min_size=n, max_size=n),
            "province_adcode": st.lists(st.sampled_from("12"), min_size=n, max_size=n),
            "prefecture_adcode": st.lists(st.sampled_from("abc"), min_size=n, max_size=n),
        }
    )
)


@FAST
@given(columns=counties)
def test_ranks_count_strictly_better_scores_within_each_level(
    columns: dict[str, list[Any]],
) -> None:
    frame = pl.DataFrame(columns, schema_overrides={"score": pl.Float64})
    out = add_ranks(frame)
    assert_frame_equal(out.select(frame.columns), frame)  # rows and columns kept as given
    scores = columns["score"]
    for level, group in LEVELS.items():
        groups = columns[group] if group else ["all"] * frame.height
        ranks = out[f"rank_{level}"].to_list()
        assert ranks == _min_rank_oracle(scores, groups)
        assert out[f"n_{level}"].to_list() == _cohort_oracle(scores, groups)
        _assert_ranks_form_cohorts(ranks, groups)


@FAST
@given(
    values=arrays(
        np.float64,
        st.tuples(st.integers(0, 20), st.integers(1, 4)),
        elements=POOL | st.floats(allow_nan=False),
    )
)
def test_min_ranks_count_strictly_better_values_per_column(values: np.ndarray) -> None:
    ranks = min_ranks(values)
    assert ranks.shape == values.shape
    for c in range(values.shape[1]):
        column = values[:, c].tolist()
        expected = _min_rank_oracle(column, ["all"] * len(column))
        assert ranks[:, c].tolist() == expected
        _assert_ranks_form_cohorts(ranks[:, c].tolist(), ["all"] * len(column))


def _metric_frame(draw: st.DrawFn, *, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "adcode": [f"{i:06d}" for i in range(n)],
            "province_adcode": draw(
                st.lists(st.sampled_from(["110000", "120000"]), min_size=n, max_size=n)
            ),
            "prefecture_adcode": draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n)),
            **{m: draw(st.lists(SCORE, min_size=n, max_size=n)) for m in schemas.FIRST_LEVEL},
        },
        schema_overrides=dict.fromkeys(schemas.FIRST_LEVEL, pl.Float64),
    )


WEIGHT = st.sampled_from([0.0, 0.15, 0.2, 0.25, 1.0, 20.0, 100.0]) | st.floats(0, 100)
WEIGHTS = st.lists(WEIGHT, min_size=5, max_size=5).filter(lambda ws: sum(ws) > 0)


@st.composite
def reweighting(draw: st.DrawFn) -> tuple[pl.DataFrame, list[float], list[float]]:
    """First-level scores of up to 25 counties, the user's weights and the evaluator's."""
    return _metric_frame(draw, n=draw(st.integers(0, 25))), draw(WEIGHTS), draw(WEIGHTS)


@FAST
@given(case=reweighting(), provincial=st.booleans())
def test_reweighted_ranks_follow_the_composites(
    case: tuple[pl.DataFrame, list[float], list[float]], provincial: bool
) -> None:
    frame, weights, baseline = case
    out = w.reweighted_ranking(frame, weights=weights, baseline=baseline, provincial=provincial)
    out = out.sort("adcode")
    groups = out["province_adcode"].to_list() if provincial else ["all"] * out.height
    for composite, rank in (("composite", "rank"), ("evaluator_composite", "evaluator_rank")):
        ranks = out[rank].to_list()
        assert ranks == _min_rank_oracle(out[composite].to_list(), groups)
        _assert_ranks_form_cohorts(ranks, groups)
    # A composite exists exactly when every metric with weight above zero has a score.
    used = [m for m, s in zip(schemas.FIRST_LEVEL, normalise(weights), strict=True) if s > 0]
    complete = out.select(pl.all_horizontal(pl.col(used).is_not_null())).to_series()
    assert out["composite"].is_not_null().to_list() == complete.to_list()


@FAST
@given(case=reweighting())
def test_the_evaluators_own_weights_change_no_rank(
    case: tuple[pl.DataFrame, list[float], list[float]],
) -> None:
    frame, weights, _ = case
    out = w.reweighted_ranking(frame, weights=weights, baseline=weights)
    assert out["composite"].to_list() == out["evaluator_composite"].to_list()
    assert out["rank"].to_list() == out["evaluator_rank"].to_list()
    assert set(out["rank_change"].drop_nulls().to_list()) <= {0}


@SLOW
@given(case=reweighting(), band=st.floats(0, 0.9), seed=st.integers(0, 2**32 - 1))
def test_sensitivity_rank_is_the_ranking_rank_and_lies_in_its_range(
    case: tuple[pl.DataFrame, list[float], list[float]], band: float, seed: int
) -> None:
    frame, weights, _ = case
    ranges = w.rank_sensitivity(frame, weights=weights, band=band, samples=20, seed=seed, top=3)
    ranking = w.reweighted_ranking(frame, weights=weights, baseline=weights)
    joined = ranges.join(ranking.select("adcode", ranked="rank"), on="adcode")
    assert joined["rank"].to_list() == joined["ranked"].to_list()
    ranked = joined.drop_nulls("rank")
    assert (ranked["best_rank"] <= ranked["rank"]).all()
    assert (ranked["rank"] <= ranked["worst_rank"]).all()
    assert ranked["p_top"].is_between(0, 1).all()


@SLOW
@given(
    counties=st.lists(
        st.tuples(
            st.sampled_from(["33", "52", "54", "65"]), st.sampled_from(schemas.DIVISION_TYPES)
        ),
        min_size=1,  # a reduced demo: the generator leaves 20–45 counties uncovered
        max_size=90,
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_evaluators_weights_reproduce_the_published_totals(
    counties: list[tuple[str, str]], seed: int
) -> None:
    divisions = pl.DataFrame(
        {
            "adcode": [f"{p}{i:04d}" for i, (p, _) in enumerate(counties)],
            "province_adcode": [f"{p}0000" for p, _ in counties],
            "prefecture_adcode": [f"{p}{i % 3:02d}00" for i, (p, _) in enumerate(counties)],
            "division_type": [t for _, t in counties],
        }
    )
    tables, _ = synthetic.assessment_tables(divisions, np.random.default_rng(seed))
    scores = tables["scores"]
    for edition in scores["edition_id"].unique().to_list():
        tree = tables["indicators"].filter(pl.col("edition_id") == edition)
        own = w.evaluator_weights(tree)
        assert own is not None
        published = scores.filter(pl.col("edition_id") == edition)
        totals = published.filter(pl.col("indicator_id") == "total").select("adcode", total="score")
        frame = (
            rankings.first_level_scores(published, tree)
            .join(totals, on="adcode")
            .join(divisions, on="adcode")
        )
        out = w.reweighted_ranking(frame, weights=own, baseline=own).sort("adcode")
        # Re-weighting at the rater's own weights gives back every published total...
        assert out["composite"].to_list() == out["total"].to_list()
        # ...so its ranking is the ranking by the published total.
        by_total = add_ranks(frame, score="total").sort("adcode")
        assert out["rank"].to_list() == by_total["rank_national"].to_list()


# --- weights ------------------------------------------------------------------------------


@FAST
@given(
    weights=st.lists(st.floats(0, allow_infinity=False), min_size=1, max_size=8).filter(
        lambda ws: any(x > 0 for x in ws)
    )
)
def test_normalised_weights_sum_to_one_and_keep_zeros(weights: list[float]) -> None:
    shares = normalise(weights)
    assert abs(shares.sum() - 1) < 1e-12
    assert (shares >= 0).all()
    assert all(s == 0 for s, x in zip(shares, weights, strict=True) if x == 0)


@FAST
@given(
    weights=WEIGHTS,
    band=st.floats(0, 0.99),
    samples=st.integers(1, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_sampled_weight_vectors_sum_to_one_and_keep_zeros(
    weights: list[float], band: float, samples: int, seed: int
) -> None:
    drawn = sample_weights(weights, band=band, samples=samples, seed=seed)
    assert drawn.shape == (len(weights), samples)
    assert np.allclose(drawn.sum(axis=0), 1, rtol=0, atol=1e-12)
    assert (drawn[np.asarray(weights) == 0] == 0).all()
    assert (drawn >= 0).all()


# --- grades -------------------------------------------------------------------------------

FLOOR = POOL | st.floats(-1e6, 1e6)
scales = st.lists(st.tuples(TEXT, FLOOR), max_size=6, unique_by=lambda band: band[0])


@FAST
@given(scale=scales, scores=st.lists(SCORE | st.floats(allow_nan=False), max_size=30))
def test_grades_are_monotone_in_score(
    scale: list[tuple[str, float]], scores: list[float | None]
) -> None:
    bands = pl.DataFrame(scale, schema={"grade": pl.String, "min_score": pl.Float64}, orient="row")
    out = add_grade(pl.DataFrame({"score": scores}, schema={"score": pl.Float64}), bands)
    floor_of = dict(scale)
    floors = [None if g is None else floor_of[g] for g in out["grade"].to_list()]
    # Each score gets a band whose floor is the highest floor at or below it (none below all).
    for score, floor in zip(scores, floors, strict=True):
        below = [f for _, f in scale if score is not None and score >= f]
        assert floor == (max(below) if below else None)
    # So a higher score never gets a lower band (no grade counts as the lowest).
    graded = sorted(
        (s, -np.inf if f is None else f)
        for s, f in zip(scores, floors, strict=True)
        if s is not None
    )
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(graded))
