"""The import's budgets: a 667,036-row CSV checked by the CLI, and the app while it works.

Part of ``python -m loaders bench`` (step ``import``). The file is generated like the
one of the attack on the landed app (19.8 MB: rank, county name, province, score; every
county of the snapshot over and over), so each row is matched by name and nearly all
are duplicates: the import is rejected, after every row was read and matched.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROWS = 667_036
TOKEN = "bench-token-0123456789"
ATLAS_DRAWN = 2800  # map locations drawn: the national atlas is on screen


def make_csv(snapshot: str, path: Path, rows: int = ROWS, *, seed: int = 1) -> Path:
    """Write a ``rows``-row ranking CSV naming the snapshot's counties over and over."""
    from loaders.store import load

    divisions = load(snapshot, "divisions").select("name_zh", "province_name_zh").rows()
    rng = random.Random(seed)
    lines = ["排名,县(市、区),所属省份,总分"]
    for i in range(rows):
        name, province = divisions[i % len(divisions)]
        lines.append(f"{i + 1},{name},{province[:2]},{rng.uniform(40, 99):.1f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure_cli(snapshot: str, csv: Path, repeat: int) -> dict[str, Any]:
    """Wall time of ``python -m loaders import`` on the file, and rows matched per second."""
    from loaders.imports.match import Matcher
    from loaders.imports.read import read_table
    from loaders.imports.table import parse_rows
    from loaders.store import load

    meta = csv.with_suffix(".meta.json")
    meta.write_text(
        '{"edition_id": "bench-1", "evaluator_id": "bench-rater", "evaluator": {"name_zh": '
        '"测试", "name_en": "Bench", "evaluator_type": "private_rating_firm", '
        '"methodology_disclosure": "none"}, "title_zh": "测试", "data_year": 2021, '
        '"mode": "third_party", "score_max": 100, "source": {"source_id": "src-bench", '
        '"title": "bench", "reliability": "media"}}',
        encoding="utf-8",
    )
    wall, codes = [], []
    for i in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "loaders", "import", str(csv), "--snapshot", snapshot,
             "--out", str(csv.parent / f"out-{i}"), "--edition-meta", str(meta)],
            capture_output=True, check=False,
        )  # fmt: skip
        wall.append(time.perf_counter() - start)
        codes.append(done.returncode)
    table = read_table(csv)
    matcher = Matcher(load(snapshot, "divisions"), load(snapshot, "division_changes"))
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_rows(table, matcher, score_max=100.0)
        runs.append(time.perf_counter() - start)
    rows = len(table.rows) - table.header_row - 1
    return {
        "wall": wall,
        "exit_codes": codes,
        "rows_per_second": [rows / r for r in runs],
        "rows": rows,
        "bytes": csv.stat().st_size,
    }


def measure_page(snapshot: str, csv: Path, repeat: int) -> dict[str, Any]:
    """Another session's atlas, idle and while the Import page checks the big file.

    One browser session unlocks the Import page and uploads the file; meanwhile
    another opens the national atlas again and again (a new context each time): the
    seconds to the map drawn are compared with the same measure with nothing imported.
    """
    from playwright.sync_api import sync_playwright

    from loaders.tools.browser import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN, rss_mb, serve

    def atlas(browser: Any, url: str) -> float:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url + "/atlas")
        page.wait_for_function(MAP_DRAWN, arg=ATLAS_DRAWN, timeout=120_000)
        seconds = time.perf_counter() - start
        context.close()
        return seconds

    secrets = Path(tempfile.mkdtemp(prefix="bench-secrets-")) / "secrets.toml"
    secrets.write_text(f'import_token = "{TOKEN}"\n', encoding="utf-8")
    env = {"GI_ENABLE_IMPORT": "1", "GI_SNAPSHOT": snapshot}
    with (
        serve(env=env, options=("--secrets.files", str(secrets))) as (url, proc, _),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        atlas(browser, url)  # the first visit switches the server to the router
        idle = [atlas(browser, url) for _ in range(repeat)]
        rss_idle, peak, stop = rss_mb(proc.pid), [0.0], threading.Event()

        def sample() -> None:  # the server and its children (the import job) every 0.2 s
            while not stop.wait(0.2):
                peak[0] = max(peak[0], rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        importer = browser.new_page()
        importer.goto(url + "/import")
        importer.get_by_label("Access token").fill(TOKEN)
        importer.get_by_role("button", name="Unlock importing").click()
        importer.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
        start = time.perf_counter()
        importer.locator("input[type=file]").set_input_files(str(csv))
        busy = []
        checked = importer.get_by_text("rows ready to import")
        while not checked.count() and time.perf_counter() - start < 600:
            busy.append(atlas(browser, url))
        checked.first.wait_for(timeout=600_000)
        page_seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        browser.close()
    return {
        "idle": idle,
        "busy": busy,
        "page_seconds": page_seconds,
        "rss_idle_mb": rss_idle,
        "rss_peak_mb": peak[0],
    }


def measure(snapshot: str, repeat: int, work: Path) -> dict[str, tuple[list[float], str]]:
    """Run both measurements; return budget key → (runs, note) for ``loaders.tools.bench``."""
    from loaders.tools.browser import chromium_missing

    csv = make_csv(snapshot, work / "rank-667036.csv")
    cli = measure_cli(snapshot, csv, repeat)
    size = f"{cli['rows']:,} rows, {cli['bytes'] / 1e6:.1f} MB"
    found = {
        "import_cli_seconds": (
            cli["wall"],
            f"{size}; exit codes {cli['exit_codes']} (rejected: every county repeats)",
        ),
        "import_rows_per_second": (
            cli["rows_per_second"],
            "parse_rows: cells read and every row matched by name",
        ),
    }
    missing = chromium_missing()
    if missing:
        found["import_other_session_seconds"] = ([], f"skipped: {missing}")
        return found
    page = measure_page(snapshot, csv, repeat)
    found["import_other_session_seconds"] = (
        page["busy"],
        f"atlas drawn idle: median {statistics.median(page['idle']):.2f} s; during the import "
        f"{len(page['busy'])} loads; the Import page showed the check after "
        f"{page['page_seconds']:.1f} s; server RSS with its children {page['rss_idle_mb']:.0f} MB "
        f"before the upload, peak {page['rss_peak_mb']:.0f} MB during the import",
    )
    return found
