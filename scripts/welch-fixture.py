#!/usr/bin/python3
"""Reference values for af-lab's mean of a score and the difference of two means (src/stats/mean.ts).

Writes test/fixtures/stats/welch-scipy.json; test/stats-welch.test.ts compares the means' t intervals
and Welch's difference (interval, degrees of freedom, two-sided p) to statsmodels (DescrStatsW.tconfint_mean;
CompareMeans.tconfint_diff and ttest_ind with usevar="unequal") and to SciPy's
ttest_ind(equal_var=False) for the p value. Run through scripts/make-stats-fixture.sh (Debian's
python3-scipy and python3-statsmodels). Cases are drawn from a fixed seed, so the file is reproducible.
"""
import json
import sys

import numpy as np
import scipy
import statsmodels
from scipy.stats import ttest_ind
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

rng = np.random.default_rng(20261207)


def case(a, b, conf):
    a = [float(v) for v in a]
    b = [float(v) for v in b]
    alpha = 1 - conf
    p = ttest_ind(a, b, equal_var=False).pvalue
    compare = CompareMeans(DescrStatsW(a), DescrStatsW(b))
    low, high = compare.tconfint_diff(alpha=alpha, usevar="unequal")
    _t, p_sm, df = compare.ttest_ind(usevar="unequal")
    assert abs(p - p_sm) <= 1e-12 * max(1.0, p), (p, p_sm)
    out = {"a": a, "b": b, "confLevel": conf, "difference": float(np.mean(a) - np.mean(b)),
           "differenceCi": [float(low), float(high)], "df": float(df), "pWelch": float(p)}
    for side, values in (("a", a), ("b", b)):
        lo, hi = DescrStatsW(values).tconfint_mean(alpha=alpha)
        out[side + "Ci"] = [float(lo), float(hi)]
    return out


cases = []
# Word counts and scores on small integer scales, as scorers return them; unequal sizes and spreads.
for _ in range(12):
    na, nb = (int(v) for v in rng.integers(2, 60, size=2))
    a = rng.poisson(rng.uniform(1, 80), size=na)
    b = rng.poisson(rng.uniform(1, 80), size=nb)
    if np.var(a) == 0 or np.var(b) == 0:
        continue
    cases.append(case(a, b, float(rng.choice([0.9, 0.95, 0.99]))))
# Continuous values, one side much noisier than the other (where Welch's df differs most from n - 2).
for _ in range(6):
    na, nb = (int(v) for v in rng.integers(3, 40, size=2))
    cases.append(case(rng.normal(0.5, 0.05, size=na), rng.normal(0.4, rng.uniform(0.2, 2), size=nb), 0.95))
# The smallest case: two values a side; and two equal means.
cases.append(case([1, 2], [3, 5], 0.95))
cases.append(case([1, 3, 5], [2, 3, 4], 0.95))
# Where a sum of squares loses the spread: equal non-integer values on one side (no spread at all, not a
# rounding residue), and values far from zero (1e8 + a few; chosen so that every running mean is exact in
# binary, so af-lab's and NumPy's means agree to the last digit).
cases.append(case([0.1] * 10, [0.1, 0.2, 0.3, 0.25, 0.15], 0.95))
cases.append(case([1e8 + v for v in (1, 2, 3, 4)], [1e8 + v for v in (0, 4, 2, 10, 4)], 0.95))

with open(sys.argv[1], "w") as f:
    json.dump({"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
