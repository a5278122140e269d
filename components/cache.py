"""The app's one home for built figures: a small, thread-safe, bounded cache.

Loaders cache data (``functools.lru_cache`` keyed by ``SnapshotRef``); figures built
from that data are cached here, keyed by everything that shaped them (snapshot, view,
classing, language). Builders stay pure; the code that draws asks this cache first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
MAX_ENTRIES = 48

_ENTRIES: OrderedDict[Hashable, object] = OrderedDict()
_LOCK = threading.Lock()


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """Return the value cached under ``key``, building it with ``build`` on a miss.

    The least recently used entry goes when more than :data:`MAX_ENTRIES` are held.

    Examples
    --------
    >>> cached(("doc", 1), lambda: [1, 2]) is cached(("doc", 1), lambda: [3])
    True
    """
    with _LOCK:
        if key in _ENTRIES:
            _ENTRIES.move_to_end(key)
            return _ENTRIES[key]  # type: ignore[return-value]
    value = build()
    with _LOCK:
        _ENTRIES[key] = value
        _ENTRIES.move_to_end(key)
        while len(_ENTRIES) > MAX_ENTRIES:
            _ENTRIES.popitem(last=False)
    return value


def clear() -> None:
    """Empty the cache (tests)."""
    with _LOCK:
        _ENTRIES.clear()
