"""``python -m loaders import``: options, the two formats, exit codes and the problem report."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from loaders.imports.published import import_published
from loaders.imports.read import FORMULA_START, ImportRejected, Problem
from loaders.imports.table import import_file


def report_csv(problems: Iterable[Problem]) -> bytes:
    """Return one CSV row per problem (UTF-8 with BOM; formula-like text neutralised)."""

    def safe(text: str) -> str:
        return "'" + text if text.startswith(FORMULA_START) else text

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["severity", "row", "column", "value", "problem"])
    for p in problems:
        writer.writerow(
            [p.severity, p.row or "", safe(p.column or ""), safe(p.value), safe(p.message)]
        )
    return buffer.getvalue().encode("utf-8-sig")


def write_report(path: Path, problems: Iterable[Problem]) -> None:
    """Write :func:`report_csv` of ``problems`` to ``path``."""
    path.write_bytes(report_csv(problems))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``import`` command's options."""
    parser.add_argument("file", type=Path, help="CSV or XLSX table of one edition")
    parser.add_argument("--snapshot", type=Path, required=True, help="base snapshot (read only)")
    parser.add_argument("--out", type=Path, required=True, help="new snapshot folder to write")
    parser.add_argument("--edition-meta", type=Path, default=None, help="edition metadata JSON")
    parser.add_argument("--sheet", default=None, help="worksheet name (XLSX with several)")
    parser.add_argument("--encoding", default=None, help="CSV encoding, e.g. gb18030 or big5")
    parser.add_argument("--report", type=Path, default=None, help="write problems to this CSV")
    parser.add_argument(
        "--format",
        choices=("table", "published"),
        default="table",
        help="table: one edition's scores or ranks (with --edition-meta); published: one row "
        "per published result, with its evaluator, edition and source (see "
        "data/reference/real-results.csv)",
    )


MAX_PRINTED = 200  # problems printed; the report (--report) holds all of them


def _report_problems(problems: list[Problem], report: Path | None) -> None:
    for problem in problems[:MAX_PRINTED]:
        print(problem.line(), file=sys.stderr)
    if len(problems) > MAX_PRINTED:
        print(
            f"… and {len(problems) - MAX_PRINTED:,} more problem(s)"
            + (f" (all of them in {report})" if report else "; write them all with --report"),
            file=sys.stderr,
        )
    if report:
        write_report(report, problems)


def _report_rejected(rejected: ImportRejected, report: Path | None) -> int:
    print(f"rejected: {rejected}", file=sys.stderr)
    _report_problems(rejected.problems, report)
    return 2


def run(args: argparse.Namespace) -> int:
    """Run ``python -m loaders import``: 0 imported, 2 rejected, 1 unexpected failure."""
    if getattr(args, "format", "table") == "published":
        return _run_published(args)
    try:
        manifest, problems, table = import_file(
            args.file,
            snapshot=args.snapshot,
            out=args.out,
            meta_path=args.edition_meta,
            sheet=args.sheet,
            encoding=args.encoding,
        )
    except ImportRejected as rejected:
        return _report_rejected(rejected, args.report)
    _report_problems(problems, args.report)
    added = {n: e["rows"] for n, e in manifest["tables"].items()}
    print(
        f"imported {args.file.name} ({table.encoding}"
        + (f", sheet {table.sheet}" if table.sheet else "")
        + f") into {args.out}: {added['scores']:,} scores, {added['rankings']:,} published "
        "rankings in the snapshot"
    )
    return 0


def _run_published(args: argparse.Namespace) -> int:
    """Run ``python -m loaders import FILE --format published``."""
    try:
        if args.edition_meta is not None:
            raise ImportRejected(
                "--edition-meta is not used with --format published: every row names its "
                "evaluator, edition and source"
            )
        manifest, problems, outcomes = import_published(
            args.file,
            snapshot=args.snapshot,
            out=args.out,
            sheet=args.sheet,
            encoding=args.encoding,
        )
    except ImportRejected as rejected:
        return _report_rejected(rejected, args.report)
    _report_problems(problems, args.report)
    counts = dict(outcomes.group_by("status").len().iter_rows())
    gone = outcomes.filter(pl.col("adcode").is_null())
    print(
        f"imported {args.file.name} into {args.out}: {counts.get('added', 0):,} published "
        f"result(s) added, {counts.get('already_present', 0):,} already in the base; "
        f"{gone.height:,} not on today's map; "
        f"{manifest['tables']['rankings']['rows']:,} published rankings in the snapshot"
    )
    return 0
