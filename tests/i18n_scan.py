"""Find the interface texts in the source, and English words in what a page shows.

Used by tests/components/i18n/test_i18n.py (the catalogue covers every text; no display
call takes a raw English literal) and tests/pages/test_zh.py (a page in Chinese shows
no English interface words).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders import paths

SOURCES = (paths.ROOT / "app.py", *sorted((paths.ROOT / "components").rglob("*.py")))
SOURCES = (*SOURCES, *sorted((paths.ROOT / "pages").glob("*.py")))
MARKERS = ("tr", "mark")

# Streamlit and Plotly calls that put their first argument on screen.
DISPLAY_CALLS = frozenset(
    [
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "write",
        "info",
        "warning",
        "error",
        "success",
        "toast",
        "exception",
        "button",
        "download_button",
        "link_button",
        "page_link",
        "selectbox",
        "multiselect",
        "radio",
        "checkbox",
        "toggle",
        "slider",
        "select_slider",
        "number_input",
        "text_input",
        "text_area",
        "segmented_control",
        "pills",
        "tabs",
        "expander",
        "popover",
        "metric",
        "spinner",
        "status",
        "form_submit_button",
        "TextColumn",
        "NumberColumn",
        "LinkColumn",
        "ProgressColumn",
        "Column",
        "ListColumn",
        "BarChartColumn",
        "LineChartColumn",
        "CheckboxColumn",
        "SelectboxColumn",
        "DateColumn",
        "DatetimeColumn",
        "ImageColumn",
        "add_annotation",
    ]
)
# Keyword arguments that are shown on screen, whatever the call.
DISPLAY_KEYWORD = re.compile(
    r"^(label|help|placeholder|caption|body|name|title|text|hovertemplate|texttemplate"
    r"|[a-z0-9_]*_(title|text|title_text|hovertemplate))$"
)
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Text that is not words: Plotly templates and markup, placeholders, icons, code spans.
NOT_WORDS = re.compile(
    r"%\{[^}]*\}|<[^>]{0,40}>|\{[a-z_0-9]*(:[^}]*)?\}|:material/[a-z_]+:|`[^`]*`"
    r"|\]\([^)\s]*\)|https?://\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b|&[a-z]+;"
)


@dataclass(frozen=True)
class Found:
    """A text found in the source: the literal and where it is."""

    text: str
    where: str


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _where(path: Path, node: ast.AST) -> str:
    name = path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path.name
    return f"{name}:{getattr(node, 'lineno', 0)}"


def marked_texts(sources: Iterable[Path] = SOURCES) -> tuple[list[Found], list[str]]:
    """Return every ``tr(...)``/``mark(...)`` literal, and calls whose text is not a literal.

    ``tr(NAME)`` (a constant marked with ``mark``) is allowed; an f-string, a
    concatenation or a call inside ``tr`` is not: the catalogue could not hold it.
    """
    found: list[Found] = []
    bad: list[str] = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _call_name(node) not in MARKERS:
                continue
            if not node.args:
                continue
            text = _literal(node.args[0])
            if text is not None:
                found.append(Found(text, _where(path, node)))
            elif _call_name(node) == "mark" or not isinstance(
                node.args[0], ast.Name | ast.Attribute | ast.Subscript
            ):
                bad.append(f"{_where(path, node)}: {ast.unparse(node)[:80]}")
    return found, bad


def _english_in(node: ast.AST) -> str | None:
    """Return the English words of a literal or f-string node, if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        words = english_words(node.value)
    elif isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        words = english_words(" ".join(str(p) for p in parts))
    elif isinstance(node, ast.List | ast.Tuple):
        words = [w for item in node.elts for w in (english_words(_literal(item) or ""))]
    else:
        return None
    return " ".join(words) or None


def _is_log(node: ast.Call) -> bool:
    """Return whether the call is a logger's (its text goes to the server log, in English)."""
    root = node.func
    while isinstance(root, ast.Attribute | ast.Call):
        root = root.func if isinstance(root, ast.Call) else root.value
    return isinstance(root, ast.Name) and root.id in ("logging", "_log", "log", "logger")


def raw_display_texts(sources: Iterable[Path] = SOURCES) -> list[str]:
    """Return display calls given English words directly instead of through ``tr``."""
    bad: list[str] = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _call_name(node) in MARKERS:
                continue
            shown: list[ast.AST] = []
            if _call_name(node) in DISPLAY_CALLS and node.args and not _is_log(node):
                shown.append(node.args[0])
            shown += [k.value for k in node.keywords if k.arg and DISPLAY_KEYWORD.match(k.arg)]
            for value in shown:
                words = _english_in(value)
                if words:
                    bad.append(f"{_where(path, value)}: {words[:60]}")
    return bad


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Return the English words in ``text`` that are neither markup nor ``allowed``.

    Examples
    --------
    >>> english_words("%{customdata[0]}<br>得分 {score:.1f} `ZZZ` CSV", {"CSV"})
    []
    >>> english_words("排名 Rank")
    ['Rank']
    """
    keep = set(allowed)
    return [w for w in ENGLISH_WORD.findall(NOT_WORDS.sub(" ", text)) if w not in keep]


# Plotly figure keys whose strings are shown to a reader.
_FIGURE_TEXT_KEYS = frozenset(
    {"text", "name", "hovertemplate", "texttemplate", "ticktext", "hovertext", "customdata"}
)


def figure_texts(spec: Any) -> Iterator[str]:
    """Yield every string a reader can see in a Plotly figure's JSON."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "annotations" and isinstance(value, list):
                for note in value:  # an annotation's name is an id, not shown
                    yield from _strings(note.get("text") if isinstance(note, dict) else None)
            elif key == "title" and isinstance(value, dict):
                yield from _strings(value.get("text"))
                yield from figure_texts({k: v for k, v in value.items() if k != "text"})
            elif key in _FIGURE_TEXT_KEYS or key == "title":
                yield from _strings(value)
            elif isinstance(value, dict | list):
                yield from figure_texts(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from figure_texts(item)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (s for v in value.values() for s in _strings(v))
    elif isinstance(value, list):
        yield from (s for v in value for s in _strings(v))


# Protobuf fields of Streamlit elements that hold no reader-facing text.
_SKIP_FIELDS = frozenset(
    {
        "id",
        "form_id",
        "key",
        "icon",
        "type",
        "theme",
        "config",
        "selection_mode",
        "url_path",
        "page_script_hash",
        "page",
        "url",
        "data",
        "file_id",
        "mime_type",
        "format",
        "language",
        "width",
        "height",
        "color",
        "deprecation",
        "element_hash",
        "bind",
        "query_param_key",
        "css",
        "default",
        "query_string",
        "anchor",
    }
)


def element_texts(at: Any) -> Iterator[tuple[str, str]]:
    """Yield ``(element type, text)`` for every string shown by an AppTest page run."""
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "?")
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        if kind == "plotly_chart":
            for text in figure_texts(json.loads(proto.spec)):
                yield kind, text
            continue
        if kind in ("html",):
            continue
        if kind == "arrow_data_frame" or kind == "dataframe":
            yield from _dataframe_texts(node)
            continue
        for text in _proto_strings(proto):
            yield kind, text


def _dataframe_texts(node: Any) -> Iterator[tuple[str, str]]:
    proto = node.proto
    config = json.loads(getattr(proto, "columns", "") or "{}")
    labels = {}
    for column, options in config.items():
        if isinstance(options, dict):
            for key in ("label", "help"):
                if options.get(key):
                    yield "dataframe", str(options[key])
            labels[column] = options
    try:
        frame = node.value
    except Exception:  # an element AppTest cannot decode: its config was still read
        return
    for column in frame.columns:
        name = str(column)
        options = labels.get(name.strip('"'), {}) or labels.get(name, {})
        if options.get("hidden") or "label" in options:
            continue
        yield "dataframe column", name


def _proto_strings(message: Any) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in _SKIP_FIELDS:
            continue
        if isinstance(value, str) or hasattr(value, "ListFields"):
            value = [value]
        elif not hasattr(value, "__iter__") or isinstance(value, bytes):
            continue
        for item in value:
            if isinstance(item, str):
                yield item
            elif hasattr(item, "ListFields"):
                yield from _proto_strings(item)


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)
