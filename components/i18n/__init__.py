"""Two interface languages: English in the code, Chinese in ``components/i18n/locale/*.toml``.

Every word the app shows goes through ``tr("English text")``. In English it is returned
as written; in Chinese (``lang=zh``) it is looked up in the catalogue, which maps each
English text to its Chinese text (one TOML file per part of the app, merged). The
English text is the key, so code reads as it always did, and a test finds every
``tr(...)`` call in the source and fails on a text the catalogue lacks.

Placeholders use ``str.format`` names (``tr("{n} counties", n=3)``); they are filled only
when values are given, so Plotly's ``%{x}`` templates may pass through untouched.

Data carries its own Chinese and English columns (``name_zh``/``name_en``, ``title_zh``/
``title_en``); ``pick`` and ``col`` choose between them. County names are always in
Chinese characters, with pinyin beside them in English (``county_name``).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import string
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import ParamSpec, TypeVar

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from components.frame import url

LANGS = ("en", "zh")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
NAMES = {"en": "English", "zh": "中文"}  # each language in its own words
_KEY = "_i18n_lang"
_log = logging.getLogger("gi.i18n")
K = TypeVar("K")


class CatalogueError(ValueError):
    """The Chinese catalogue gives one English text two different translations."""


@functools.cache
def catalogue() -> Mapping[str, str]:
    """Return the English → Chinese catalogue, merged from every ``locale/*.toml``.

    Raises
    ------
    CatalogueError
        When two files translate the same English text differently.
    """
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in sorted(LOCALE_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            table = tomllib.load(handle)
        for english, chinese in table.items():
            if english in merged and merged[english] != chinese:
                raise CatalogueError(
                    f"{english!r} is {merged[english]!r} in {origin[english]} "
                    f"but {chinese!r} in {path.name}"
                )
            merged[english] = str(chinese)
            origin[english] = path.name
    return merged


# The language a builder was given (``speaks``): it wins over the session's.
_GIVEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("gi_language", default=None)
P = ParamSpec("P")
R = TypeVar("R")


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    """Speak ``code`` inside the block, whatever the session's language (one thread only).

    Examples
    --------
    >>> with language("zh"):
    ...     tr("Transparency")
    '透明度'
    """
    token = _GIVEN.set(code if code in LANGS else DEFAULT)
    try:
        yield
    finally:
        _GIVEN.reset(token)


def speaks(builder: Callable[P, R]) -> Callable[P, R]:
    """Make a builder speak the language it is given as its keyword argument ``lang``.

    A builder so marked takes ``lang`` ("en" or "zh") explicitly; every ``tr`` inside it
    (and inside the helpers it calls) uses that language, not the session's, so the
    same arguments always give the same figure and caches key by ``lang`` like any
    other argument.
    """

    @functools.wraps(builder)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        code = kwargs.get("lang")
        if not isinstance(code, str):
            raise TypeError(f"{builder.__qualname__} needs lang='en' or lang='zh'")
        with language(code):
            return builder(*args, **kwargs)

    return wrapper


def lang() -> str:
    """Return the interface language: ``"en"`` or ``"zh"``.

    A builder's given language (:func:`speaks`, :func:`language`) first; else the
    session's; outside a Streamlit run (pure functions, doctests) English.
    """
    given = _GIVEN.get()
    if given is not None:
        return given
    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT
    chosen = st.session_state.get(_KEY)
    if chosen is None:
        # NOTE: before components.frame.sidebar has read the link (the first lines of the
        # first run), the link's own valid ``lang`` decides.
        given = url.get("lang")
        chosen = given if given in LANGS else DEFAULT
    return str(chosen)


def use(code: str) -> None:
    """Set this session's interface language (an invalid code means English)."""
    st.session_state[_KEY] = code if code in LANGS else DEFAULT


def is_zh() -> bool:
    """Return whether the interface is in Chinese."""
    return lang() == "zh"


def tr(text: str, /, **values: object) -> str:
    """Return ``text`` in the interface language, with ``values`` filled in.

    Parameters
    ----------
    text
        The English text, a string literal (the catalogue test reads it from the source).
    **values
        Values for the ``{name}`` placeholders; none means the text is not formatted.

    Examples
    --------
    >>> tr("{n} counties", n=3)
    '3 counties'
    """
    shown = text
    if is_zh():
        found = catalogue().get(text)
        if found is None:
            _log.warning("no Chinese text for %r", text)
        else:
            shown = found
    return shown.format(**values) if values else shown


def chinese(text: str, /) -> str:
    """Return the Chinese of an English text from the catalogue, whatever the interface language.

    For names shown in both languages at once ("Transparency 透明度"). A text without
    Chinese comes back as it is.

    Examples
    --------
    >>> chinese("Transparency")
    '透明度'
    """
    return catalogue().get(text, text)


def mark(text: str, /) -> str:
    """Return ``text`` unchanged: marks a constant defined at import time for ``tr`` later.

    A module constant cannot call ``tr`` (the language is not known at import time), so
    it is written ``NOTICE = mark("…")`` and shown with ``tr(NOTICE)``; the catalogue test
    reads ``mark(...)`` literals as it reads ``tr(...)`` ones.

    Examples
    --------
    >>> mark("Not assessed")
    'Not assessed'
    """
    return text


def translated(labels: Mapping[K, str]) -> dict[K, str]:
    """Return code → label in the interface language, translated now.

    For Polars ``replace`` and for a widget's ``format_func``: Streamlit (and AppTest)
    may call ``format_func`` outside the run, where the language reads as English, so
    it must look labels up in a dict made while the page runs.

    Examples
    --------
    >>> translated({"negative": mark("negative")})
    {'negative': 'negative'}
    """
    return {code: tr(label) for code, label in labels.items()}


def pick(en: object, zh: object) -> str:
    """Return the Chinese or English value of a data field, by interface language.

    A missing value in the chosen language falls back to the other.

    Examples
    --------
    >>> pick("Transparency", "透明度")
    'Transparency'
    """
    first, second = (zh, en) if is_zh() else (en, zh)
    return str(first if first not in (None, "") else second or "")


def col(base: str) -> str:
    """Return the column holding ``base`` in the interface language (``name_zh``/``name_en``).

    Examples
    --------
    >>> col("title")
    'title_en'
    """
    return f"{base}_{lang()}"


def county_name(name_zh: object, pinyin: object) -> str:
    """Return a county's name: Chinese characters, with pinyin beside them in English.

    Examples
    --------
    >>> county_name("修文县", "Xiuwen Xian")
    '修文县 Xiuwen Xian'
    """
    if is_zh() or not pinyin:
        return str(name_zh)
    return f"{name_zh} {pinyin}"


def placeholders(text: str) -> frozenset[str]:
    """Return the ``{name}`` placeholders of ``text`` (for the catalogue test).

    Examples
    --------
    >>> sorted(placeholders("{n} of {total} counties, {{literal}}"))
    ['n', 'total']
    """
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(text) if name not in (None, "")
    )


def county_name_expr(name_zh: str = "name_zh", pinyin: str = "name_pinyin") -> pl.Expr:
    """Return :func:`county_name` as a Polars expression over two columns (named ``name_zh``).

    Examples
    --------
    >>> f = pl.DataFrame({"name_zh": ["修文县", "乙县"], "name_pinyin": ["Xiuwen Xian", None]})
    >>> f.select(county_name_expr())["name_zh"].to_list()
    ['修文县 Xiuwen Xian', '乙县']
    """
    zh = pl.col(name_zh).cast(pl.String)
    if is_zh():
        return zh.alias("name_zh")
    spelled = pl.col(pinyin).cast(pl.String)
    both = pl.format("{} {}", zh, spelled)
    return pl.when(spelled.is_null() | (spelled == "")).then(zh).otherwise(both).alias("name_zh")
