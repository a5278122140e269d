from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from loaders.derive import divergence


def test_perfect_agreement_gives_correlation_one() -> None:
    a = np.array([50.0, 60.0, 70.0, 80.0, 90.0])
    assert divergence.spearman(a, a * 2 + 1) == pytest.approx(1.0)
    assert divergence.kendall_tau_b(a, a * 2 + 1) == pytest.approx(1.0)
    assert divergence.kendall_tau_b(a, -a) == pytest.approx(-1.0)


def test_kendall_matches_a_brute_force_count_with_ties() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 5, 60).astype(float)
    b = a + rng.integers(-2, 3, 60)
    conc = disc = ta = tb = 0
    for i in range(60):
        for j in range(i + 1, 60):
            da, db = np.sign(a[i] - a[j]), np.sign(b[i] - b[j])
            conc += da * db > 0
            disc += da * db < 0
            ta += da == 0 and db != 0
            tb += db == 0 and da != 0
    expected = (conc - disc) / math.sqrt((conc + disc + ta) * (conc + disc + tb))
    assert divergence.kendall_tau_b(a, b, block=7) == pytest.approx(expected)


def test_spearman_uses_average_ranks_for_ties() -> None:
    a = np.array([1.0, 2.0, 2.0, 3.0])
    b = np.array([1.0, 2.0, 3.0, 4.0])
    ra = np.array([1.0, 2.5, 2.5, 4.0])
    assert divergence.spearman(a, b) == pytest.approx(np.corrcoef(ra, b)[0, 1])


def test_province_differences_have_intervals_that_contain_the_mean() -> None:
    rng = np.random.default_rng(1)
    n = 200
    frame = pl.DataFrame(
        {
            "province_adcode": ["110000"] * 100 + ["520000"] * 99 + ["330000"],
            "province_name_en": ["Beijing"] * 100 + ["Guizhou"] * 99 + ["Zhejiang"],
            "a": rng.normal(60, 5, n),
        }
    ).with_columns(b=pl.col("a") + pl.Series(rng.normal(2, 1, n)))
    out = divergence.province_differences(frame)
    beijing = out.filter(pl.col("province_adcode") == "110000").row(0, named=True)
    assert beijing["ci_low"] < beijing["mean_diff"] < beijing["ci_high"]
    assert 1.5 < beijing["mean_diff"] < 2.5
    single = out.filter(pl.col("province_adcode") == "330000").row(0, named=True)
    assert single["n"] == 1 and single["ci_low"] is None


def test_t_quantiles() -> None:
    assert divergence.t975(1) == 12.706
    assert 2.0 < divergence.t975(45) < 2.021
    assert divergence.t975(10**6) == pytest.approx(1.96, abs=1e-3)


def test_hypergeometric_tail_sums_to_one_and_matches_a_small_case() -> None:
    pmf = [
        divergence.hypergeometric_tail(k, population=20, successes=6, draws=5)
        - divergence.hypergeometric_tail(k + 1, population=20, successes=6, draws=5)
        for k in range(6)
    ]
    assert sum(pmf) == pytest.approx(1.0)
    # P(X = 5) = C(6,5) C(14,0) / C(20,5) = 6 / 15504
    assert pmf[5] == pytest.approx(6 / 15504)


def _counties(home_top: int, *, n_home: int = 100, n_other: int = 900) -> pl.DataFrame:
    scores = np.concatenate([np.full(home_top, 99.0), np.full(n_home - home_top, 40.0)])
    return pl.DataFrame(
        {
            "province_adcode": ["330000"] * n_home + ["520000"] * n_other,
            "score": np.concatenate([scores, np.linspace(50, 98, n_other)]),
        }
    )


def test_planted_home_bias_is_detected() -> None:
    result = divergence.home_bias(_counties(40), home_province="330000", top_n=100)
    assert result.home_in_top == 40
    assert result.expected == pytest.approx(10.0)
    assert result.p_value < 1e-10
    assert "strong evidence" in result.reading


def test_no_bias_gives_a_high_p_value() -> None:
    rng = np.random.default_rng(7)
    frame = pl.DataFrame(
        {"province_adcode": ["330000"] * 100 + ["520000"] * 900, "score": rng.normal(60, 9, 1000)}
    )
    result = divergence.home_bias(frame, home_province="330000", top_n=100)
    assert result.p_value > 0.05
    assert "no" in result.reading.lower()


def test_rank_disagreements_rank_within_the_pair() -> None:
    frame = pl.DataFrame(
        {"adcode": ["a", "b", "c", "d"], "a": [4.0, 3.0, 2.0, 1.0], "b": [1.0, 3.0, 2.0, 4.0]}
    )
    out = divergence.rank_disagreements(frame, n=2)
    assert out["adcode"].to_list() == ["a", "d"]
    assert out["rank_gap"].to_list() == [3, 3]
