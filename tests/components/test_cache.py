"""The figure cache: one entry per key, least recently used out first, safe across threads."""

from __future__ import annotations

import threading

import pytest

from components import cache


@pytest.fixture(autouse=True)
def _empty() -> None:
    cache.clear()


def test_a_key_is_built_once() -> None:
    calls: list[int] = []
    first = cache.cached(("k", 1), lambda: calls.append(1) or ["built"])
    again = cache.cached(("k", 1), lambda: calls.append(2) or ["other"])
    assert first is again and calls == [1]
    assert cache.cached(("k", 2), lambda: ["new"]) == ["new"]


def test_the_least_recently_used_entry_goes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    cache.cached("a", lambda: "A")
    cache.cached("b", lambda: "B")
    cache.cached("a", lambda: "A2")  # a is now the most recent
    cache.cached("c", lambda: "C")  # b goes
    assert cache.cached("a", lambda: "rebuilt") == "A"
    assert cache.cached("b", lambda: "rebuilt") == "rebuilt"


def test_threads_share_the_cache() -> None:
    seen: list[object] = []

    def use() -> None:
        seen.append(cache.cached("shared", object))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and len({id(x) for x in seen}) <= 8
    assert all(x is cache.cached("shared", object) for x in seen[-1:])
