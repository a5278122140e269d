"""Shared fixtures: tiny snapshot tables built in code with a seeded RNG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from loaders import schemas
from loaders.store import write_snapshot

ROOT = Path(__file__).resolve().parent.parent


def tiny_tables(seed: int = 7) -> dict[str, pl.DataFrame]:
    """Four counties in two provinces, one real and one demo evaluator, two record years."""
    rng = np.random.default_rng(seed)
    real = {"is_synthetic": False}
    demo = {"is_synthetic": True}
    divisions = pl.DataFrame(
        {
            "adcode": ["520123", "520323", "330102", "330110"],
            "name_zh": ["修文县", "绥阳县", "上城区", "余杭区"],
            "name_pinyin": ["Xiuwen Xian", "Suiyang Xian", "Shangcheng Qu", "Yuhang Qu"],
            "division_type": ["county", "county", "district", "district"],
            "prefecture_adcode": ["520100", "520300", "330100", "330100"],
            "prefecture_name_zh": ["贵阳市", "遵义市", "杭州市", "杭州市"],
            "province_adcode": ["520000", "520000", "330000", "330000"],
            "province_name_zh": ["贵州省", "贵州省", "浙江省", "浙江省"],
            "province_name_en": ["Guizhou", "Guizhou", "Zhejiang", "Zhejiang"],
            "source_id": "src-geo",
            **real,
        }
    )
    sources = pl.DataFrame(
        [
            {
                "source_id": "src-geo",
                "title": "boundaries",
                "kind": "dataset",
                "reliability": "secondary",
                **real,
            },
            {
                "source_id": "src-report",
                "title": "a report",
                "kind": "report",
                "reliability": "media",
                "url": "https://example.org/r",
                **real,
            },
            {
                "source_id": "src-demo",
                "title": "generator",
                "kind": "generator",
                "reliability": "synthetic",
                **demo,
            },
        ]
    )
    evaluators = pl.DataFrame(
        [
            {
                "evaluator_id": "real-firm",
                "name_zh": "某评级公司",
                "name_en": "A Rating Firm",
                "evaluator_type": "private_rating_firm",
                "methodology_disclosure": "none",
                "source_id": "src-report",
                **real,
            },
            {
                "evaluator_id": "demo-firm",
                "name_zh": "Demo 示例",
                "name_en": "Demo Firm",
                "evaluator_type": "private_rating_firm",
                "methodology_disclosure": "partial",
                "source_id": "src-demo",
                **demo,
            },
        ]
    )
    ties = pl.DataFrame(
        [
            {
                "tie_id": "t1",
                "evaluator_id": "real-firm",
                "party_name": "某控股",
                "party_type": "company",
                "relation": "shareholder",
                "confidence": "unverified",
                "source_id": "src-report",
                **real,
            },
        ]
    )
    editions = pl.DataFrame(
        [
            {
                "edition_id": "real-2021",
                "evaluator_id": "real-firm",
                "title_zh": "报告",
                "data_year": 2021,
                "mode": "third_party",
                "method_published": "none",
                "source_id": "src-report",
                **real,
            },
            {
                "edition_id": "demo-2021",
                "evaluator_id": "demo-firm",
                "title_zh": "示例",
                "data_year": 2021,
                "mode": "third_party",
                "method_published": "partial",
                "score_max": 100.0,
                "grade_scale_id": "demo-scale",
                "source_id": "src-demo",
                **demo,
            },
        ]
    )
    indicators = pl.DataFrame(
        [
            {
                "edition_id": e,
                "indicator_id": k,
                "level": 1,
                "name_zh": k,
                "name_confirmed": True,
                "crosswalk_key": k,
                "source_id": s,
                **flag,
            }
            for e, s, flag in (("real-2021", "src-report", real), ("demo-2021", "src-demo", demo))
            for k in schemas.FIRST_LEVEL
        ]
    )
    adcodes = divisions.get_column("adcode").to_list()
    scores = pl.DataFrame(
        [
            {
                "edition_id": "demo-2021",
                "adcode": a,
                "indicator_id": k,
                "score": float(np.round(rng.uniform(40, 95), 2)),
                "observed": True,
                "source_id": "src-demo",
                **demo,
            }
            for a in adcodes
            for k in ("total", *schemas.FIRST_LEVEL)
        ]
    )
    coverage = pl.DataFrame(
        [
            {
                "edition_id": "demo-2021",
                "adcode": a,
                "status": "assessed",
                "source_id": "src-demo",
                **demo,
            }
            for a in adcodes
        ]
    )
    rankings = pl.DataFrame(
        [
            {
                "edition_id": "real-2021",
                "adcode": "520123",
                "name_as_published": "修文县",
                "band": "top100",
                "published": "2022-08-18",
                "source_id": "src-report",
                **real,
            }
        ]
    )
    grades = pl.DataFrame(
        [
            {
                "scale_id": "demo-scale",
                "grade": g,
                "min_score": m,
                "confirmed": False,
                "source_id": "src-demo",
                **demo,
            }
            for g, m in (("A", 80.0), ("B", 60.0), ("C", 0.0))
        ]
    )
    n = 12
    occurred = [dt.date(2019 + i % 2, 1 + i % 12, 1 + i) for i in range(n)]
    records = pl.DataFrame(
        {
            "record_id": [f"r{i:03d}" for i in range(n)],
            "adcode": [adcodes[i % 4] for i in range(n)],
            "subject_name": "某局（示例）",
            "source_agency": "courts",
            "record_type": "admin_litigation_loss",
            "polarity": "negative",
            "occurred": occurred,
            "published": occurred,
            "status": "active",
            "amount_cny": rng.uniform(1e4, 1e6, n).round(0),
            "source_id": "src-demo",
            **demo,
        }
    )
    changes = pl.DataFrame(
        [
            {
                "from_adcode": "330104",
                "from_name_zh": "江干区",
                "to_adcode": "330102",
                "to_name_zh": "上城区",
                "change_type": "split",
                "effective_year": 2021,
                "source_id": "src-report",
                **real,
            }
        ]
    )
    frames = {
        "divisions": divisions,
        "sources": sources,
        "evaluators": evaluators,
        "evaluator_ties": ties,
        "editions": editions,
        "indicators": indicators,
        "scores": scores,
        "coverage": coverage,
        "rankings": rankings,
        "grade_scales": grades,
        "records": records,
        "division_changes": changes,
        "record_volumes": schemas.empty("record_volumes"),
        "methodology": schemas.empty("methodology"),
    }
    return {name: schemas.conform(name, frame) for name, frame in frames.items()}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End every run with how recent the dependency audit's advisory data is."""
    from tests.test_dependency_audit import advisory_summary

    terminalreporter.write_line(advisory_summary())


@pytest.fixture
def tables() -> dict[str, pl.DataFrame]:
    """The tiny tables, valid as built."""
    return tiny_tables()


@pytest.fixture
def tiny_snapshot(tmp_path: Path) -> Path:
    """A written tiny snapshot folder."""
    out = tmp_path / "tiny"
    write_snapshot(
        tiny_tables(),
        out,
        snapshot_id="tiny",
        description="tiny test snapshot",
        created_by="tests",
        created_at="2026-01-01T00:00:00Z",
    )
    return out
