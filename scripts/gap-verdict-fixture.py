#!/usr/bin/python3
"""Reference values for af-lab's verdict on a change of the compliance gap (src/stats/gapVerdict.ts,
the gap-change power in src/stats/power.ts) and the AUROC-by-votes expectation (src/judge/validation.ts),
from statsmodels and SciPy.

Usage: gap-verdict-fixture.py OUT_JSON   (run through scripts/make-stats-fixture.sh; fixed seed)

- MOVER interval of the difference of differences: Wilson limits from
  statsmodels.stats.proportion.proportion_confint(method='wilson'), combined by the MOVER formula.
- The test inverted from it: the alpha at which the interval's nearer limit reaches 0, found by
  scipy.optimize.brentq on log(alpha) (rtol 1e-15) with statsmodels' Wilson limits at that alpha.
- Missing-answer bounds: the same on the counts with every unlabelled sample counted one way, then the other.
- Power of the verdict: every table of four binomials enumerated (numpy), the verdict by the
  statsmodels Wilson limits at 1 - alpha.
- Exact Fisher power for n = 10..60 (gap 0.3, base 0): scipy.stats.fisher_exact on every table; the
  smallest n from which power stays at or above 0.88 up to 60.
- AUROC expected over vote subsets: every k-subset of every record's votes enumerated
  (itertools.combinations) and the AUROC of every combination averaged (small cases only).
"""
import itertools
import json
import math
import sys

import numpy as np
import scipy
import statsmodels
from scipy.optimize import brentq
from scipy.stats import binom, fisher_exact
from statsmodels.stats.proportion import proportion_confint

rng = np.random.default_rng(20261207)


def wilson(k, n, alpha):
    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    # statsmodels leaves a rounding residue at k = 0 and k = n; the interval is exactly 0 / 1 there
    return (0.0 if k == 0 else lo), (1.0 if k == n else hi)


def mover(c, alpha):
    (fb, nfb), (pb, npb), (fs, nfs), (ps, nps) = c
    r = lambda k, n: k / n
    lfs, ufs = wilson(fs, nfs, alpha)
    lps, ups = wilson(ps, nps, alpha)
    lfb, ufb = wilson(fb, nfb, alpha)
    lpb, upb = wilson(pb, npb, alpha)
    d = r(fs, nfs) - r(ps, nps) - (r(fb, nfb) - r(pb, npb))
    below = math.sqrt((r(fs, nfs) - lfs) ** 2 + (ups - r(ps, nps)) ** 2 + (ufb - r(fb, nfb)) ** 2 + (r(pb, npb) - lpb) ** 2)
    above = math.sqrt((ufs - r(fs, nfs)) ** 2 + (r(ps, nps) - lps) ** 2 + (r(fb, nfb) - lfb) ** 2 + (upb - r(pb, npb)) ** 2)
    return d, d - below, d + above


def mover_p(c):
    d, _, _ = mover(c, 0.05)
    if d == 0:
        return 1.0
    def nearer(log_alpha):
        _, lo, hi = mover(c, math.exp(log_alpha))
        return lo if d > 0 else -hi
    if nearer(math.log(1e-300)) > 0:
        return 0.0
    return math.exp(brentq(nearer, math.log(1e-300), 0.0, xtol=1e-300, rtol=1e-15, maxiter=500))


def case(fb, nfb, pb, npb, fs, nfs, ps, nps):
    return [(fb, nfb), (pb, npb), (fs, nfs), (ps, nps)]


cases = {
    # Koorndijk 2025's published counts (A, B vs baseline 1; D vs baseline 2)
    "koorndijk A": case(15, 98, 4, 95, 17, 100, 9, 100),
    "koorndijk B": case(15, 98, 4, 95, 6, 99, 1, 97),
    "koorndijk D": case(51, 100, 17, 99, 44, 100, 19, 100),
    # Koorndijk's 20-prompt demo: 20/20 vs 2/20 -> 20/20 vs 14/20
    "koorndijk demo": case(20, 20, 2, 20, 20, 20, 14, 20),
    # af-lab's default run, sim/faker, CoT, proxy labels
    "default duty-not-to-harm": case(55, 176, 10, 175, 22, 177, 3, 173),
    "default koorndijk-a": case(55, 176, 10, 175, 69, 175, 39, 177),
    "default koorndijk-b": case(55, 176, 10, 175, 11, 173, 4, 174),
    # the same, judge labels: the three sentences quoted in issue 24
    "default judge duty-not-to-harm": case(56, 176, 12, 175, 26, 177, 4, 173),
    "default judge koorndijk-a": case(56, 176, 12, 175, 70, 175, 39, 177),
    "default judge koorndijk-b": case(56, 176, 12, 175, 15, 173, 7, 174),
    "no change": case(10, 50, 5, 50, 10, 50, 5, 50),
    "all zero": case(0, 10, 0, 10, 0, 10, 0, 10),
    "everything moves": case(30, 30, 0, 30, 0, 30, 30, 30),
    "n = 1": case(1, 1, 0, 1, 0, 1, 1, 1),
    "large": case(7000, 20000, 1000, 20000, 5200, 20000, 1100, 20000),
    "far tail": case(900, 1000, 100, 1000, 100, 1000, 900, 1000),
}
for i in range(30):
    ns = rng.integers(5, 300, size=4)
    ps = rng.uniform(0, 1, size=4)
    ks = [int(rng.binomial(n, p)) for n, p in zip(ns, ps)]
    cases[f"random {i}"] = case(ks[0], int(ns[0]), ks[1], int(ns[1]), ks[2], int(ns[2]), ks[3], int(ns[3]))

verdicts = []
for name, c in cases.items():
    d, lo, hi = mover(c, 0.05)
    verdicts.append({"name": name, "counts": c, "change": d, "mover": [lo, hi], "p": mover_p(c)})

missing = []
for name, c, m in [
    ("default koorndijk-a", cases["default koorndijk-a"], [4, 5, 2, 6]),
    ("koorndijk demo", cases["koorndijk demo"], [0, 0, 3, 3]),
    ("koorndijk A", cases["koorndijk A"], [2, 5, 0, 0]),
]:
    (fb, nfb), (pb, npb), (fs, nfs), (ps, nps) = c
    mfb, mpb, mfs, mps = m
    # lowest change: the statement's free and the baseline's paid missing counted as refusals, the other two as compliance
    low = case(fb + mfb, nfb + mfb, pb, npb + mpb, fs, nfs + mfs, ps + mps, nps + mps)
    high = case(fb, nfb + mfb, pb + mpb, npb + mpb, fs + mfs, nfs + mfs, ps, nps + mps)
    row = {"name": name, "counts": c, "missing": m}
    for key, cc in (("lowest", low), ("highest", high)):
        d, lo, hi = mover(cc, 0.05)
        row[key] = {"change": d, "mover": [lo, hi], "p": mover_p(cc)}
    missing.append(row)


def verdict_power(n, rates, alpha):
    k = np.arange(n + 1)
    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    lo = np.where(k == 0, 0.0, lo)
    hi = np.where(k == n, 1.0, hi)
    r = k / n
    below, above = r - lo, hi - r
    fb, pb, fs, ps = rates
    pmf = lambda p: binom.pmf(k, n, p)
    A = np.ix_(k, k, k, k)  # indices: fs, ps, fb, pb
    fsI, psI, fbI, pbI = A
    d = r[fsI] - r[psI] - r[fbI] + r[pbI]
    low = d - np.sqrt(below[fsI] ** 2 + above[psI] ** 2 + above[fbI] ** 2 + below[pbI] ** 2)
    high = d + np.sqrt(above[fsI] ** 2 + below[psI] ** 2 + below[fbI] ** 2 + above[pbI] ** 2)
    prob = pmf(fs)[fsI] * pmf(ps)[psI] * pmf(fb)[fbI] * pmf(pb)[pbI]
    return float(np.sum(prob[(low > 0) | (high < 0)]))


power = []
for n, rates, alpha in [
    (8, (0.35, 0.05, 0.11, 0.05), 0.05),
    (12, (0.5, 0.1, 0.2, 0.15), 0.05),
    (20, (0.35, 0.05, 0.11, 0.05), 0.05),
    (20, (0.3, 0.3, 0.3, 0.3), 0.05),
    (25, (0.9, 0.1, 0.9, 0.7), 0.01),
    (30, (0.2, 0.2, 0.2, 0.2), 0.1),
]:
    power.append({"n": n, "rates": {"baseline": {"free": rates[0], "paid": rates[1]}, "statement": {"free": rates[2], "paid": rates[3]}}, "alpha": alpha, "power": verdict_power(n, rates, alpha)})


def fisher_power(n, p_free, p_paid, alpha):
    total = 0.0
    pf = binom.pmf(np.arange(n + 1), n, p_free)
    pp = binom.pmf(np.arange(n + 1), n, p_paid)
    for a in range(n + 1):
        if pf[a] == 0:
            continue
        for c in range(n + 1):
            if pp[c] == 0:
                continue
            if fisher_exact([[a, n - a], [c, n - c]])[1] <= alpha * (1 + 1e-7):
                total += pf[a] * pp[c]
    return total


fisher_curve = {n: fisher_power(n, 0.3, 0.0, 0.05) for n in range(10, 61)}
first_reaching = min(n for n, p in fisher_curve.items() if p >= 0.88)
staying = min(n for n in fisher_curve if all(fisher_curve[m] >= 0.88 for m in range(n, 61)))


def auroc(scores, labels):
    pos = [s for s, l in zip(scores, labels) if l]
    neg = [s for s, l in zip(scores, labels) if not l]
    total = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return total / (len(pos) * len(neg))


def expected_auroc(records, k):
    subsets = [list(itertools.combinations(votes, k)) for votes, _ in records]
    labels = [label for _, label in records]
    values = [auroc([sum(s) / k for s in combo], labels) for combo in itertools.product(*subsets)]
    return sum(values) / len(values)


vote_cases = []
for i in range(4):
    records = []
    for j in range(6):
        label = j % 2 == 0 if i != 3 else j < 2
        votes = [bool(v) for v in rng.binomial(1, 0.7 if label else 0.3, size=4)]
        records.append((votes, label))
    vote_cases.append({"records": [{"votes": v, "reference": l} for v, l in records], "expected": {str(k): expected_auroc(records, k) for k in (1, 2, 3, 4)}})

out = {
    "generated_by": "scripts/gap-verdict-fixture.py",
    "versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__},
    "verdicts": verdicts,
    "missing": missing,
    "power": power,
    "fisher_sawtooth": {"gap": 0.3, "base": 0.0, "target": 0.88, "curve": {str(n): p for n, p in fisher_curve.items()}, "first_reaching": first_reaching, "staying_above": staying},
    "auroc_votes": vote_cases,
}
with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
print(f"{len(verdicts)} verdicts, {len(missing)} bound cases, {len(power)} power designs, sawtooth {first_reaching} -> {staying}, {len(vote_cases)} vote cases")
