"""A hostile snapshot: the test snapshot with markup, scripts and tricks in every shown text.

Every free-text column that a page shows (names, titles, notes, reasons, sources, record
subjects, the manifest's description) gets :data:`PAYLOAD` appended; source URLs become
``javascript:`` links; one county gets a 10,000-character pinyin name. Identifiers, codes,
dates and numbers are left alone, so every page still finds its data.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from loaders import schemas
from loaders.store import load, open_snapshot, write_snapshot
from tests.fixtures import demo_snapshot

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
MD_LINK = "[x](javascript:alert(1))"
TEX = r"$\href{javascript:alert(1)}{x}$"
ANCHOR = '<a href="https://evil.example">x</a>'
TAGS = "<br><b>b</b>"
TEMPLATE = "%{x}"  # a Plotly hovertemplate placeholder
# What Streamlit's Markdown would make live: bare links, an e-mail, an emoji, a colour.
LIVE = " https://evil.example/p www.evil.example mail@evil.example :skull: :red[x] "
RLO = "\u202e"  # right-to-left override
ZWSP = "\u200b"  # zero-width space
PIECES = (IMG, SCRIPT, MD_LINK, TEX, ANCHOR, TAGS, TEMPLATE, LIVE)
TAIL = f"{RLO}evil{ZWSP}end"  # an override and a zero-width space
PAYLOAD = " " + "".join(PIECES) + TAIL
LONG = "W" * 10_000
JAVASCRIPT_URL = "javascript:alert(1)"

# Each piece as it must reach Plotly (entities Plotly decodes when drawing; Markdown
# means nothing to Plotly) and Markdown (backslash escapes, and an invisible word joiner
# U+2060 that keeps links, e-mails, emoji and colours from coming alive).
WJ = "\u2060"
PLOTLY_ESCAPED = {
    IMG: "&lt;img src=x onerror=alert(1)&gt;",
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    MD_LINK: MD_LINK,
    TEX: r"&#36;\href{javascript:alert(1)}{x}&#36;",
    ANCHOR: '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;',
    TAGS: "&lt;br&gt;&lt;b&gt;b&lt;/b&gt;",
    TEMPLATE: "&#37;{x}",
    LIVE: LIVE,
}
MARKDOWN_ESCAPED = {
    IMG: r"\<img src=x onerror=alert\(1\)\>",
    SCRIPT: r"\<script\>alert\(1\)\</script\>",
    MD_LINK: rf"\[x\]\(javascript:{WJ}alert\(1\)\)",
    TEX: rf"\$\\href\{{javascript:{WJ}alert\(1\)\}}\{{x\}}\$",
    ANCHOR: rf'\<a href="https:{WJ}//evil.example"\>x\</a\>',
    TAGS: r"\<br\>\<b\>b\</b\>",
    TEMPLATE: r"%\{x\}",
    LIVE: f" https:{WJ}//evil.example/p www{WJ}.evil.example mail{WJ}@evil.example "
    + rf":{WJ}skull: :{WJ}red\[x\] ",
}
# The whole payload as each output must carry it. Tables show it as it is; Plotly and
# Markdown show the override as a visible mark (it would reverse the words after the
# name) and keep the zero-width space, which does nothing.
SHOWN_TAIL = f"⟨U+202E⟩evil{ZWSP}end"
PLOTLY_PAYLOAD = " " + "".join(PLOTLY_ESCAPED[piece] for piece in PIECES) + SHOWN_TAIL
MARKDOWN_PAYLOAD = " " + "".join(MARKDOWN_ESCAPED[piece] for piece in PIECES) + SHOWN_TAIL

COUNTY = "520123"  # 修文县, Guizhou: named in real and demo editions, has records
LONG_COUNTY = "520122"  # 息烽县: the 10,000-character pinyin
PROVINCE = "520000"

# table -> the shown free-text columns that get the payload
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("title", "title_en", "publisher"),
    "divisions": (
        "name_zh",
        "name_pinyin",
        "prefecture_name_zh",
        "province_name_zh",
        "province_name_en",
    ),
    "division_changes": ("from_name_zh", "to_name_zh", "note"),
    "evaluators": ("name_zh", "name_en", "name_history", "description_en"),
    "evaluator_ties": ("party_name", "party_name_en", "note"),
    "grade_scales": ("grade", "label_zh", "label_en"),  # grades derive from the scale
    "editions": ("title_zh", "title_en", "universe_note", "exclusions_note"),
    "indicators": ("name_zh", "name_en", "note"),
    "coverage": ("reason",),
    "rankings": ("name_as_published", "note"),
    "records": ("subject_name",),
}


def _hostile(column: str) -> pl.Expr:
    return pl.when(pl.col(column).is_not_null()).then(pl.col(column) + PAYLOAD)


def hostile_tables(base: Path | str) -> dict[str, pl.DataFrame]:
    """Return the tables of the snapshot at ``base`` with hostile text in every shown column."""
    tables = {name: load(base, name) for name in schemas.TABLES}
    tables["records"] = tables["records"].drop("year", strict=False)
    for name, columns in TEXT_COLUMNS.items():
        frame = tables[name]
        if name == "records":  # 278k rows: only the hostile province's records
            mine = pl.col("adcode").str.starts_with(PROVINCE[:2])
            tables[name] = frame.with_columns(
                pl.when(mine).then(pl.col(c) + PAYLOAD).otherwise(pl.col(c)).alias(c)
                for c in columns
            )
            continue
        tables[name] = frame.with_columns(_hostile(c).alias(c) for c in columns)
    tables["sources"] = tables["sources"].with_columns(
        url=pl.when(pl.col("url").is_not_null()).then(pl.lit(JAVASCRIPT_URL))
    )
    tables["divisions"] = tables["divisions"].with_columns(
        name_pinyin=pl.when(pl.col("adcode") == LONG_COUNTY)
        .then(pl.lit(LONG))
        .otherwise(pl.col("name_pinyin"))
    )
    return tables


def write_hostile_snapshot(out: Path) -> Path:
    """Write the hostile copy of the test snapshot to ``out``; return ``out``."""
    base = demo_snapshot()
    manifest = open_snapshot(base).manifest
    write_snapshot(
        hostile_tables(base),
        out,
        snapshot_id=f"hostile`{PAYLOAD}`",
        description=str(manifest.get("description", "")) + PAYLOAD,
        created_by="tests/hostile.py",
        created_at="2026-01-01T00:00:00Z",
    )
    return out
