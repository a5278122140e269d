from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from loaders.store import snapshot
from loaders.store.validate import check_tables, validate_snapshot
from loaders.tools import cli


def test_tiny_tables_are_valid(tables: dict[str, pl.DataFrame]) -> None:
    assert check_tables(tables) == []


def _one(problems: list[str], fragment: str) -> str:
    hits = [p for p in problems if fragment in p]
    assert len(hits) == 1, problems
    return hits[0]


def test_unknown_adcode_in_scores(tables: dict[str, pl.DataFrame]) -> None:
    tables["scores"] = tables["scores"].with_columns(
        adcode=pl.when(pl.col("adcode") == "520123").then(pl.lit("999999")).otherwise("adcode")
    )
    line = _one(check_tables(tables), "scores.adcode")
    assert "refer to no divisions.adcode" in line
    assert "'999999'" in line


def test_unknown_edition_evaluator_and_source(tables: dict[str, pl.DataFrame]) -> None:
    tables["coverage"] = tables["coverage"].with_columns(edition_id=pl.lit("nope"))
    tables["evaluator_ties"] = tables["evaluator_ties"].with_columns(evaluator_id=pl.lit("ghost"))
    tables["divisions"] = tables["divisions"].with_columns(source_id=pl.lit("src-missing"))
    problems = check_tables(tables)
    assert "'nope'" in _one(problems, "coverage.edition_id")
    assert "'ghost'" in _one(problems, "evaluator_ties.evaluator_id")
    assert "'src-missing'" in _one(problems, "divisions.source_id")


def test_score_for_an_indicator_outside_the_tree(tables: dict[str, pl.DataFrame]) -> None:
    extra = tables["scores"].head(1).with_columns(indicator_id=pl.lit("made_up"))
    tables["scores"] = pl.concat([tables["scores"], extra])
    assert "'made_up'" in _one(check_tables(tables), "scores.indicator_id")


def test_unknown_code_and_duplicate_key(tables: dict[str, pl.DataFrame]) -> None:
    tables["records"] = tables["records"].with_columns(
        source_agency=pl.when(pl.col("record_id") == "r000")
        .then(pl.lit("police"))
        .otherwise("source_agency")
    )
    tables["divisions"] = pl.concat([tables["divisions"], tables["divisions"].head(1)])
    problems = check_tables(tables)
    assert "'police'" in _one(problems, "records.source_agency")
    assert "share a key (adcode)" in _one(problems, "divisions:")


def test_missing_required_value(tables: dict[str, pl.DataFrame]) -> None:
    tables["editions"] = tables["editions"].with_columns(title_zh=pl.lit(None, pl.String))
    assert "2 missing value" in _one(check_tables(tables), "editions.title_zh")


def test_synthetic_scores_never_attributed_to_a_real_evaluator(
    tables: dict[str, pl.DataFrame],
) -> None:
    # A synthetic score slipped under the real evaluator's edition.
    tables["scores"] = tables["scores"].with_columns(edition_id=pl.lit("real-2021"))
    tables["indicators"] = tables["indicators"]  # the tree exists for both editions
    line = _one(check_tables(tables), "scores:")
    assert "never be attributed to a real evaluator" in line


def test_synthetic_edition_of_real_evaluator_is_caught(tables: dict[str, pl.DataFrame]) -> None:
    tables["editions"] = tables["editions"].with_columns(evaluator_id=pl.lit("real-firm"))
    assert "'demo-2021'" in _one(check_tables(tables), "editions: a synthetic edition")


def test_demo_evaluators_must_be_named_demo(tables: dict[str, pl.DataFrame]) -> None:
    tables["evaluators"] = tables["evaluators"].with_columns(
        name_en=pl.when(pl.col("evaluator_id") == "demo-firm")
        .then(pl.lit("Trusted Ratings"))
        .otherwise("name_en")
    )
    assert "'demo-firm'" in _one(check_tables(tables), "evaluators: synthetic evaluators")


def test_real_row_citing_the_generator_is_caught(tables: dict[str, pl.DataFrame]) -> None:
    tables["rankings"] = tables["rankings"].with_columns(source_id=pl.lit("src-demo"))
    assert "source of the other kind" in _one(check_tables(tables), "rankings: 1 row")


def test_validate_snapshot_reports_corruption(tiny_snapshot: Path) -> None:
    assert validate_snapshot(tiny_snapshot) == []
    path = tiny_snapshot / "coverage.parquet"
    path.write_bytes(path.read_bytes()[:-10])  # truncated
    problems = validate_snapshot(tiny_snapshot)
    assert len(problems) == 1
    assert "coverage.parquet: sha256 mismatch" in problems[0]


def test_cli_validate_exit_codes(
    tiny_snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", str(tiny_snapshot)]) == 0
    assert "valid" in capsys.readouterr().out
    broken = tmp_path / "broken"
    shutil.copytree(tiny_snapshot, broken)
    (broken / "sources.parquet").unlink()
    (broken / "editions.parquet").write_bytes(b"PAR1garbage")
    assert cli.main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert any("sources.parquet: file of table 'sources' is missing" in line for line in out)
    assert any("editions.parquet: sha256 mismatch" in line for line in out)


def test_cli_validate_on_a_folder_that_is_not_a_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", str(tmp_path)]) == 1
    assert "no manifest" in capsys.readouterr().out


def test_scores_outside_the_scale_and_unassessed_counties(
    tables: dict[str, pl.DataFrame],
) -> None:
    tables["scores"] = tables["scores"].with_columns(
        score=pl.when(pl.col("adcode") == "330102").then(pl.lit(140.0)).otherwise("score")
    )
    tables["coverage"] = tables["coverage"].with_columns(
        status=pl.when(pl.col("adcode") == "520323").then(pl.lit("not_covered")).otherwise("status")
    )
    problems = check_tables(tables)
    assert "outside 0…score_max" in _one(problems, "scores.score")
    assert "'520323'" in _one(problems, "does not list as assessed")


def test_ranks_must_be_positive(tables: dict[str, pl.DataFrame]) -> None:
    tables["rankings"] = tables["rankings"].with_columns(rank=pl.lit(0, pl.Int32))
    assert "must be 1 or more" in _one(check_tables(tables), "rankings.rank")


def test_sibling_weights_must_sum_to_one(tables: dict[str, pl.DataFrame]) -> None:
    tables["indicators"] = tables["indicators"].with_columns(weight=pl.lit(0.3))
    line = _one(check_tables(tables), "indicators.weight")
    assert "'real-2021'" in line and "'demo-2021'" in line


def test_synthetic_tie_on_a_real_evaluator(tables: dict[str, pl.DataFrame]) -> None:
    tables["evaluator_ties"] = tables["evaluator_ties"].with_columns(
        is_synthetic=pl.lit(True), source_id=pl.lit("src-demo")
    )
    assert "'t1'" in _one(check_tables(tables), "evaluator_ties: a synthetic tie")


def test_real_edition_with_a_synthetic_grade_scale(tables: dict[str, pl.DataFrame]) -> None:
    tables["editions"] = tables["editions"].with_columns(grade_scale_id=pl.lit("demo-scale"))
    assert "'real-2021'" in _one(check_tables(tables), "grade scale of the other kind")


def test_demo_evaluator_borrowing_a_real_chinese_name(tables: dict[str, pl.DataFrame]) -> None:
    tables["evaluators"] = tables["evaluators"].with_columns(
        name_zh=pl.when(pl.col("evaluator_id") == "demo-firm")
        .then(pl.lit("某评级公司"))
        .otherwise("name_zh")
    )
    assert "'demo-firm'" in _one(check_tables(tables), "evaluators: synthetic evaluators must")


def test_series_mixing_real_and_synthetic_editions(tables: dict[str, pl.DataFrame]) -> None:
    tables["editions"] = tables["editions"].with_columns(series_id=pl.lit("one-series"))
    assert "'one-series'" in _one(check_tables(tables), "editions.series_id")


def test_generator_source_flagged_real(tables: dict[str, pl.DataFrame]) -> None:
    tables["sources"] = tables["sources"].with_columns(
        reliability=pl.when(pl.col("source_id") == "src-report")
        .then(pl.lit("synthetic"))
        .otherwise("reliability")
    )
    assert "'src-report'" in _one(check_tables(tables), "sources: reliability 'synthetic'")


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("editions", "edition_id", "ndrc-credit-demo-1"), ("editions", "series_id", "law-gov-demo"),
     ("evaluators", "evaluator_id", "demo-ndrc")],
)  # fmt: skip
def test_a_real_id_that_says_demo_is_refused(
    tables: dict[str, pl.DataFrame], table: str, column: str, value: str
) -> None:
    real = ~pl.col("is_synthetic")
    frame = tables[table]
    first = frame.filter(real).row(0, named=True)[column if column != "series_id" else "edition_id"]
    key = "edition_id" if table == "editions" else "evaluator_id"
    tables[table] = frame.with_columns(
        pl.when(pl.col(key) == first).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )
    if column == "evaluator_id":  # keep its editions and ties pointing at it
        for other in ("editions", "evaluator_ties"):
            tables[other] = tables[other].with_columns(
                evaluator_id=pl.when(pl.col("evaluator_id") == first)
                .then(pl.lit(value))
                .otherwise("evaluator_id")
            )
    assert f"'{value}'" in _one(check_tables(tables), f"{table}.{column}: a real id must not")


def test_a_source_nothing_cites_is_refused(tables: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    """A cited document must be used: by a row's source_id or a methodology paragraph."""
    lonely = tables["sources"].head(1).with_columns(source_id=pl.lit("src-lonely"))
    tables["sources"] = pl.concat([tables["sources"], lonely])
    assert "'src-lonely'" in _one(check_tables(tables), "cited by no row")
    # a methodology paragraph citing it (second source of the paragraph) is enough
    paragraph = pl.DataFrame(
        {
            "section_id": ["integrity"],
            "position": [1],
            "text_en": ["x"],
            "text_zh": ["x"],
            "also_cited": ["src-lonely"],
            "source_id": [tables["sources"].item(0, "source_id")],
            "is_synthetic": [tables["sources"].item(0, "is_synthetic")],
        },
        schema=tables["methodology"].schema,
    )
    tables["methodology"] = pl.concat([tables["methodology"], paragraph])
    assert check_tables(tables) == []
    # validate on a written snapshot fails once the citing paragraph is gone
    tables["methodology"] = tables["methodology"].head(0)
    out = tmp_path / "uncited"
    snapshot.write_snapshot(
        tables, out, snapshot_id="uncited", description="", created_by="tests",
        created_at="2026-01-01T00:00:00Z",
    )  # fmt: skip
    assert any("src-lonely" in p for p in validate_snapshot(out))
    assert cli.main(["validate", str(out)]) == 1


def test_a_paragraph_citing_no_known_source_is_refused(tables: dict[str, pl.DataFrame]) -> None:
    paragraph = pl.DataFrame(
        {
            "section_id": ["integrity"],
            "position": [1],
            "text_en": ["x"],
            "text_zh": ["x"],
            "also_cited": ["src-ghost"],
            "source_id": [tables["sources"].item(0, "source_id")],
            "is_synthetic": [tables["sources"].item(0, "is_synthetic")],
        },
        schema=tables["methodology"].schema,
    )
    tables["methodology"] = pl.concat([tables["methodology"], paragraph])
    assert "'src-ghost'" in _one(check_tables(tables), "methodology.also_cited")
