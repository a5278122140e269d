from __future__ import annotations

from components import record_scores as scores


def test_correlation_text() -> None:
    assert scores.correlation_text(0.5) == "0.50"
    assert scores.correlation_text(-0.046) == "−0.05"
