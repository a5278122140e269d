"""The only module that reads or writes the page's URL (``st.query_params``).

Everything the app knows about the link goes through here: the frame reads it when a
session opens a link, writes the view back after every run, and asks whether the link
wants presentation mode or a language.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import streamlit as st


def raw() -> dict[str, list[str]]:
    """Return every parameter of the link with all its values (a repeated key keeps all)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def get(key: str) -> str | None:
    """Return the link's (last) value of ``key``, or None."""
    return st.query_params.get(key)


def strings() -> dict[str, str]:
    """Return the link's parameters that have one value each, as they are."""
    return {k: v for k, v in st.query_params.to_dict().items() if isinstance(v, str)}


def presenting() -> bool:
    """Return whether the link asks for presentation mode (only the exact value ``1`` does)."""
    return get("present") == "1"


def owned(skip: Collection[str]) -> dict[str, str | list[str]]:
    """Return the link's parameters except ``skip`` (the page controls that bind themselves).

    A repeated key stays a list, so such a link never equals a written view and is
    rewritten.
    """
    found = {key: st.query_params.get_all(key) for key in st.query_params if key not in skip}
    return {key: values[0] if len(values) == 1 else values for key, values in found.items()}


def write(wanted: Mapping[str, str], *, skip: Collection[str]) -> None:
    """Make the link hold exactly ``wanted`` (besides the page controls in ``skip``).

    Key by key, not ``from_dict``: that would also drop the page controls' parameters.
    """
    current = owned(skip)
    if current == dict(wanted):
        return
    for key in current.keys() - wanted.keys():
        del st.query_params[key]
    for key, value in wanted.items():
        if current.get(key) != value:
            st.query_params[key] = value
