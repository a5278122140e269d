"""Import work in a child process: off the server's threads, bounded in time, cancellable.

A check or a write of an uploaded table runs in its own process (``spawn``: a fresh
interpreter, never a fork of the threaded server). The server's threads only wait for
the answer, so other viewers' pages are not slowed by the parsing, and the work can be
stopped at any moment: :meth:`Job.cancel` kills the process, and the upload's
temporary folder, removed on every path inside the child, is otherwise removed by the
next run (``loaders.store.remove_stale``). What comes back is small: the first rows,
counts and at most :data:`MAX_PROBLEMS` problems.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.imports.read import ImportRejected, Problem, upload_file
from loaders.imports.table import check_file, import_file, write_meta

MAX_PROBLEMS = 10_000  # problems sent back to the page (the count says how many in all)
TIMEOUT = 300.0  # seconds a job may run before it is stopped
PREVIEW_ROWS = 10
NICENESS = 10  # the child yields the CPU to the server's threads (other viewers' pages)
_MAIN_LOCK = threading.Lock()


@dataclass(frozen=True)
class Checked:
    """How an uploaded table was read, and its problems (the first :data:`MAX_PROBLEMS`)."""

    encoding: str
    sheet: str | None
    header_row: int
    header: list[str]
    columns: dict[int, str]  # cell index → canonical column
    preview: list[list[str]]  # the first data rows
    ready: int  # rows that can be imported
    problems: list[Problem]
    total: int  # problems in all
    errors: int  # of which errors


@dataclass(frozen=True)
class Rejected:
    """The upload cannot be imported: why, and the first problems."""

    message: str
    problems: list[Problem]
    total: int


@dataclass(frozen=True)
class Failed:
    """The job did not finish: it failed, was stopped, or took too long."""

    message: str


Outcome = Checked | Rejected | Failed | str


def check_upload(
    data: bytes, name: str, snapshot: str, score_max: float | None, sheet: str | None,
    encoding: str | None,
) -> Checked:  # fmt: skip
    """Read and check an uploaded table against a snapshot (runs in the child)."""
    with upload_file(data, name) as path:
        table, parsed, problems = check_file(
            path, snapshot=Path(snapshot), score_max=score_max, sheet=sheet, encoding=encoding
        )
    first = table.header_row + 1
    return Checked(
        encoding=table.encoding,
        sheet=table.sheet,
        header_row=table.header_row,
        header=list(table.rows[table.header_row]),
        columns=dict(table.columns),
        preview=[list(r) for r in table.rows[first : first + PREVIEW_ROWS]],
        ready=len(parsed),
        problems=problems[:MAX_PROBLEMS],
        total=len(problems),
        errors=sum(p.severity == "error" for p in problems),
    )


def write_upload(
    data: bytes, name: str, snapshot: str, out: str, meta: dict[str, Any], sheet: str | None,
    encoding: str | None,
) -> str:  # fmt: skip
    """Import an uploaded table into a new snapshot at ``out``; return its name (in the child)."""
    with upload_file(data, name) as path:
        meta_path = path.with_suffix(".meta.json")
        write_meta(meta_path, meta)
        import_file(
            path, snapshot=Path(snapshot), out=Path(out), meta_path=meta_path, sheet=sheet,
            encoding=encoding,
        )  # fmt: skip
    return Path(out).name


@contextlib.contextmanager
def _no_main_script() -> Iterator[None]:
    """Hide ``__main__`` while a child is spawned, so the child does not re-run it.

    ``spawn`` re-executes ``__main__.__file__`` in the child before the job. Under
    Streamlit ``__main__`` is the page script being run (``app.py``, or an AppTest's
    temporary script): the child would run the whole app, or fail before the job. A
    module without ``__file__`` or ``__spec__`` makes the child skip that step.
    """
    with _MAIN_LOCK:
        saved = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if saved is not None:
                sys.modules["__main__"] = saved


def _run(send: Any, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Run ``target`` in the child; send back its result, a rejection or a failure."""
    with contextlib.suppress(OSError, AttributeError):  # no os.nice off POSIX
        os.nice(NICENESS)
    try:
        outcome: Outcome = target(*args)
    except ImportRejected as rejected:
        problems = rejected.problems
        outcome = Rejected(str(rejected), problems[:MAX_PROBLEMS], len(problems))
    except Exception as exc:  # reported to the page as a failure, never a traceback
        outcome = Failed(f"{type(exc).__name__}: {exc}"[:500])
    send.send(outcome)
    send.close()


class Job:
    """One import task in a child process.

    Examples
    --------
    >>> job = Job(sorted, [3, 1, 2])
    >>> job.wait(60), job.outcome()
    (True, [1, 2, 3])
    """

    def __init__(self, target: Callable[..., Any], *args: Any, timeout: float = TIMEOUT) -> None:
        """Start ``target(*args)`` in a new process (it must be importable by name)."""
        context = mp.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_run, args=(send, target, args), daemon=True)
        with _no_main_script():
            self.process.start()
        send.close()
        self.started = time.monotonic()
        self.timeout = timeout
        self._outcome: Any = None
        self._done = False

    @property
    def elapsed(self) -> float:
        """Seconds since the job started."""
        return time.monotonic() - self.started

    def poll(self) -> bool:
        """Return whether the job has finished (collecting its answer if it has)."""
        if self._done:
            return True
        if self._receive.poll():
            try:
                self._finish(self._receive.recv())
            except (EOFError, OSError):
                self._finish(Failed("the import process ended without an answer"))
        elif not self.process.is_alive():
            self._finish(Failed(f"the import process ended (exit code {self.process.exitcode})"))
        elif self.elapsed > self.timeout:
            self.cancel()
            self._finish(Failed(f"stopped after {self.timeout:.0f} s: the file takes too long"))
        return self._done

    def wait(self, seconds: float, tick: Callable[[float], object] = lambda _: None) -> bool:
        """Wait up to ``seconds`` for the job, calling ``tick(elapsed)`` every half second."""
        deadline = time.monotonic() + seconds
        while not self.poll():
            if time.monotonic() > deadline:
                return False
            tick(self.elapsed)
            self._receive.poll(0.5)
        return True

    def outcome(self) -> Any:
        """Return the finished job's answer (call after :meth:`poll` returned True)."""
        return self._outcome

    def cancel(self) -> None:
        """Stop the job now: the process is killed and its answer dropped."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        if not self._done:
            self._finish(Failed("stopped"))

    def _finish(self, outcome: Any) -> None:
        self._outcome, self._done = outcome, True
        self.process.join(5)
        self._receive.close()
