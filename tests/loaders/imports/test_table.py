"""Import corpus generated in code: encodings, headers, names, values, hostile files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import polars as pl
import pytest

from loaders.imports import read
from loaders.imports.match import Matcher
from loaders.imports.read import ImportRejected, check_workbook, read_bytes, read_table
from loaders.store import open_snapshot, sha256_file
from loaders.store.validate import validate_snapshot
from loaders.tools import cli
from tests.fixtures import demo_snapshot

BASE = demo_snapshot()
HEADER = "排名,县(市、区),所属省份,地级市,总分"
GOOD = [
    "1,修文县,贵州省,贵阳市,91.5",
    "2,黔西县,贵州省,毕节市,88.2",  # the old name of 黔西市 520581
    "3,胶州市,山东省,青岛市,85",
    "3,西湖区,浙江省,杭州市,85",  # a tie
]


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def base_hashes() -> dict[str, str]:
    return _hashes(BASE)


@pytest.fixture
def meta(tmp_path: Path) -> Path:
    path = tmp_path / "meta.json"
    path.write_text(
        json.dumps(
            {
                "edition_id": "test-2018",
                "evaluator_id": "test-rater",
                "evaluator": {
                    "name_zh": "测试评级",
                    "name_en": "Test Rater",
                    "evaluator_type": "private_rating_firm",
                    "methodology_disclosure": "none",
                },
                "title_zh": "测试榜单",
                "data_year": 2018,
                "released": "2019-06",
                "mode": "third_party",
                "score_max": 100,
                "source": {
                    "source_id": "src-test",
                    "title": "a table typed from a PDF",
                    "reliability": "media",
                    "kind": "report",
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return path


def _write(
    tmp_path: Path, lines: list[str], *, encoding: str = "utf-8", name: str = "t.csv"
) -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def _run(tmp_path: Path, file: Path, meta: Path, *extra: str) -> tuple[int, Path, str]:
    out = tmp_path / "new"
    report = tmp_path / "report.csv"
    code = cli.main(
        ["import", str(file), "--snapshot", str(BASE), "--out", str(out),
         "--edition-meta", str(meta), "--report", str(report), *extra]
    )  # fmt: skip
    return code, out, report.read_text(encoding="utf-8-sig") if report.exists() else ""


def _assert_rejected(tmp_path: Path, code: int, out: Path, base_hashes: dict[str, str]) -> None:
    assert code == 2
    assert not out.exists()
    assert not any(p.name.startswith(".new") for p in tmp_path.iterdir())
    assert _hashes(BASE) == base_hashes


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_every_encoding_imports(tmp_path: Path, meta: Path, encoding: str) -> None:
    code, out, _ = _run(tmp_path, _write(tmp_path, [HEADER, *GOOD], encoding=encoding), meta)
    assert code == 0
    assert validate_snapshot(out) == []
    rankings = open_snapshot(out).read("rankings").filter(pl.col("edition_id") == "test-2018")
    assert dict(zip(rankings["adcode"], rankings["rank"], strict=True)) == {
        "520123": 1, "520581": 2, "370281": 3, "330106": 3
    }  # fmt: skip
    scores = open_snapshot(out).read("scores").filter(pl.col("edition_id") == "test-2018")
    assert sorted(scores["score"].to_list()) == [85.0, 85.0, 88.2, 91.5]
    assert not scores["is_synthetic"].any()


def test_title_row_and_merged_header_rows(tmp_path: Path, meta: Path) -> None:
    lines = [
        "2018年县级政府政务诚信评估结果",
        "排名,县(市、区),所属省份,得分,,",
        ",,,总分,透明度,合规度",
        "1,修文县,贵州省,91.5,90,93",
        "2,胶州市,山东省,85,80,88",
    ]
    code, out, _ = _run(tmp_path, _write(tmp_path, lines), meta)
    assert code == 0
    scores = open_snapshot(out).read("scores").filter(pl.col("edition_id") == "test-2018")
    assert set(scores["indicator_id"]) == {"total", "transparency", "compliance"}


def test_big5_is_not_mistaken_for_gb18030(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    lines = ["排名,縣(市、區),所屬省份,總分", "1,修文縣,貴州省,91.5"]
    code, out, _ = _run(tmp_path, _write(tmp_path, lines, encoding="big5"), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    code, out, _ = _run(
        tmp_path, _write(tmp_path, lines, encoding="big5"), meta, "--encoding", "big5"
    )
    assert code == 2  # traditional headers decode now, but 縣 is not a known column name


def test_ambiguous_and_unknown_names_are_row_errors(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    lines = ["排名,县(市、区),总分", "1,朝阳区,90", "2,不存在县,80", "3,修文县,70"]
    code, out, report = _run(tmp_path, _write(tmp_path, lines), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert '2,县(市、区),朝阳区,"ambiguous: 2 units named 朝阳区 (110105, 220104)' in report
    assert "3,县(市、区),不存在县,no county-level unit named 不存在县" in report
    assert "not contiguous" not in report  # ranks 1, 2, 3 are fine even on rejected rows


def test_bad_values_are_reported_with_row_and_column(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    lines = [
        HEADER,
        "1,修文县,贵州省,贵阳市,120",  # outside 0–100
        "2,修文县,贵州省,贵阳市,80",  # duplicate county
        "2.5,胶州市,山东省,青岛市,80",  # not a whole rank
        "7,西湖区,浙江省,杭州市,abc",  # not a number; rank 7 not contiguous
        "8,江口县,贵州省,铜仁市,—",  # missing score is fine (rank only)
    ]
    code, out, report = _run(tmp_path, _write(tmp_path, lines), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert "2,总分,120,outside the edition's scale 0–100" in report
    assert "4,排名,2.5,rank must be a whole number" in report
    assert "5,总分,abc,not a number" in report
    assert "duplicate" not in report or "the same county as row" in report
    assert "6,江口县" not in report  # the dash is "missing", not a problem


def test_duplicates_and_gaps_in_ranks(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    lines = [
        HEADER,
        "1,修文县,贵州省,贵阳市,90",
        "1,修文县,贵州省,贵阳市,90",
        "5,胶州市,山东省,青岛市,80",
    ]
    code, out, report = _run(tmp_path, _write(tmp_path, lines), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert "the same county as row 2 (duplicate)" in report
    assert "4,排名,5,ranks are not contiguous" in report


def test_formulas_are_refused_and_html_is_kept_as_text(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    lines = [
        HEADER,
        '1,"=HYPERLINK(""http://x"",""修文县"")",贵州省,贵阳市,90',
        "2,@SUM(1),贵州省,,80",
    ]
    code, out, report = _run(tmp_path, _write(tmp_path, lines), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert "starts like a formula" in report
    assert "'=HYPERLINK" in report  # the report itself is neutralised
    html = [HEADER, "1,<b>修文县</b>,贵州省,贵阳市,90"]
    code, out, report = _run(tmp_path, _write(tmp_path, html), meta)
    assert code == 2 and "no county-level unit named <b>修文县</b>" in report


def test_missing_required_columns_are_named(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    code, out, report = _run(tmp_path, _write(tmp_path, ["排名,总分,颜色", "1,90,红"]), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert "missing required column: county" in report
    assert "颜色,,unknown column" in report


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("renamed.xlsx", "排名,县,总分\n1,修文县,90".encode(), "not a zip archive"),
        ("renamed.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary data"),
        ("table.pdf", b"%PDF-1.4", "only .csv and .xlsx"),
    ],
)
def test_wrong_files_are_rejected_before_parsing(
    tmp_path: Path,
    meta: Path,
    base_hashes: dict[str, str],
    name: str,
    content: bytes,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / name
    file.write_bytes(content)
    code, out, _ = _run(tmp_path, file, meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert message in capsys.readouterr().err


def _xlsx(tmp_path: Path, sheets: dict[str, list[list[object]]], name: str = "t.xlsx") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_import_and_sheet_choice(tmp_path: Path, meta: Path) -> None:
    rows = [["中国县级政府政务诚信排名"], ["排名", "县(市、区)", "所属省份", "总分"],
            [1, "修文县", "贵州省", 91.5], [2, "胶州市", "山东省", 85]]  # fmt: skip
    single = _xlsx(tmp_path, {"结果": rows})
    assert _run(tmp_path, single, meta)[0] == 0
    two = _xlsx(tmp_path, {"结果": rows, "说明": [["a"], ["b"]]}, name="two.xlsx")
    with pytest.raises(ImportRejected, match=r"2 sheets with data .*--sheet NAME"):
        read_table(two)
    code = cli.main(["import", str(two), "--snapshot", str(BASE), "--out", str(tmp_path / "n2"),
                     "--edition-meta", str(meta), "--sheet", "结果"])  # fmt: skip
    assert code == 0


def test_xlsx_zip_bomb_and_entity_bomb_are_refused(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)
    (tmp_path / "bomb.xlsx").write_bytes(bomb.getvalue())
    code, out, _ = _run(tmp_path, tmp_path / "bomb.xlsx", meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    entities = io.BytesIO()
    with zipfile.ZipFile(entities, "w") as archive:
        archive.writestr("[Content_Types].xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><Types/>')
    (tmp_path / "ent.xlsx").write_bytes(entities.getvalue())
    with pytest.raises(ImportRejected, match="declares XML entities"):
        check_workbook(entities.getvalue())


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 10)
    path = _write(tmp_path, [HEADER, *GOOD])
    with pytest.raises(ImportRejected, match="over the 10-byte limit"):
        read_bytes(path)


def test_importing_twice_gives_identical_snapshots(tmp_path: Path, meta: Path) -> None:
    file = _write(tmp_path, [HEADER, *GOOD])
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name / "snap"
        assert cli.main(["import", str(file), "--snapshot", str(BASE), "--out", str(out),
                         "--edition-meta", str(meta)]) == 0  # fmt: skip
        outs.append(_hashes(out))
    assert outs[0] == outs[1]


def test_existing_edition_and_existing_output_are_refused(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    data = json.loads(meta.read_text())
    data["edition_id"] = "demo-tp-2021"
    meta.write_text(json.dumps(data))
    code, out, _ = _run(tmp_path, _write(tmp_path, [HEADER, *GOOD]), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    (tmp_path / "new").mkdir()
    assert _run(tmp_path, _write(tmp_path, [HEADER, *GOOD]), meta)[0] == 2


def test_full_width_adcodes_and_retired_units(tmp_path: Path) -> None:
    from loaders.store import load

    matcher = Matcher(load(BASE, "divisions"), load(BASE, "division_changes"))
    assert matcher.by_code("５２０１２３").adcode == "520123"
    assert matcher.by_code("520522").adcode == "520581"  # 黔西县 → 黔西市
    retired = matcher.by_name("宣武区", province="北京市")
    assert retired.adcode is None and retired.retired and "merge in 2010" in retired.problem
    assert matcher.by_name("山东省青岛市胶州市").adcode == "370281"
    assert matcher.by_name("朝阳区", province="吉林省").adcode == "220104"
    assert matcher.by_name("修文").adcode == "520123"  # suffix variant


def test_a_header_without_rows_is_rejected(
    tmp_path: Path, meta: Path, base_hashes: dict[str, str]
) -> None:
    code, out, err = _run(tmp_path, _write(tmp_path, [HEADER, "", ""]), meta)
    _assert_rejected(tmp_path, code, out, base_hashes)
    assert "no data rows below the header" in err
