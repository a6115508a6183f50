#!/usr/bin/python3
"""Reference values for af-lab's statistics of a statement against its baseline (src/stats/mitigation.ts
and the modules it uses), from SciPy and statsmodels.

Usage: mitigation-fixture.py CASES_DIR OUT_JSON
Writes the cases as CSV into CASES_DIR (scripts/mitigation-fixture.R reads them for the R reference)
and the reference values to OUT_JSON. Run through scripts/make-stats-fixture.sh. Cases are drawn
from a fixed seed, so both files are reproducible.

- Tier changes and gaps: Wilson limits from scipy.stats.binomtest, Newcombe's method 10 and the
  MOVER difference of differences written from their formulas; Fisher p from scipy.stats.fisher_exact.
- Breslow-Day: statsmodels StratifiedTable(...).test_equal_odds(adjust=False|True). statsmodels
  writes the expected cell as (-b + sqrt(b^2 - 4ac)) / 2a, which cancels as the pooled odds ratio
  nears 1 and is 0/0 at exactly 1; the reference recomputes the same statistic from statsmodels'
  oddsratio_pooled with the root written stably, and records statsmodels' own values beside it
  (their largest difference is printed). p-values are chi2.sf (statsmodels uses 1 - chi2.cdf).
- Interaction: statsmodels GLM(Binomial) on the 0/1 outcome with freq_weights (grouped endog makes
  statsmodels call a saturated fit "perfect separation"), fitted with and without tier x statement,
  tol 1e-14 on the deviance. LR = deviance difference; coefficient and Wald SE of the interaction when
  no cell is 0, from a fit stopped on the coefficients (tol 1e-13): the deviance of 0/1 data is in the
  hundreds, so stopping on it leaves the coefficients about 1e-7 short.
- McNemar: statsmodels mcnemar(exact=True) and mcnemar(exact=False, correction=True).
- Sign-flip test: scipy.stats.permutation_test(permutation_type='samples', n_resamples=inf), exact.
"""
import csv
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.stats import binomtest, chi2, fisher_exact, permutation_test
from statsmodels.stats.contingency_tables import StratifiedTable, mcnemar
from statsmodels.tools.sm_exceptions import PerfectSeparationError

warnings.simplefilter("ignore")  # statsmodels warns on boundary fits and zero cells; the values are what is compared
rng = np.random.default_rng(20250613)


def num(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def wilson(k, n):
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


def newcombe(c1, c2):
    """Newcombe's method 10 for p1 - p2 from the two Wilson intervals."""
    (k1, n1), (k2, n2) = c1, c2
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return d, [d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)]


def table(free, paid):
    return [[free[0], free[1] - free[0]], [paid[0], paid[1] - paid[0]]]


def breslow_day(bf, bp, sf, sp):
    tabs = [np.array(table(bf, bp), float), np.array(table(sf, sp), float)]
    st = StratifiedTable(tabs)
    raw0, raw1 = st.test_equal_odds(adjust=False), st.test_equal_odds(adjust=True)
    raw = {"mantelHaenszelOddsRatio": num(st.oddsratio_pooled), "statistic": num(raw0.statistic), "pValue": num(raw0.pvalue),
           "taroneStatistic": num(raw1.statistic), "taronePValue": num(raw1.pvalue)}
    zero_margin = any(t[0].sum() == 0 or t[1].sum() == 0 or t[:, 0].sum() == 0 or t[:, 1].sum() == 0 for t in tabs)
    r = st.oddsratio_pooled
    if zero_margin or not (0 < r < math.inf):
        return {"defined": False, "statsmodels": raw}
    stat, so, se, sv, es, vs = 0.0, 0.0, 0.0, 0.0, [], []
    for t in tabs:
        (a, b), (c, d) = t
        r1, c1, dma = a + b, a + c, d - a
        qa, qb, qc = 1 - r, r * (r1 + c1) + dma, r * r1 * c1
        root = math.sqrt(qb * qb + 4 * qa * qc)
        e = 2 * qc / (qb + root) if qb > 0 else (root - qb) / (2 * qa)
        v = 1 / (1 / e + 1 / (c1 - e) + 1 / (r1 - e) + 1 / (dma + e))
        stat += (a - e) ** 2 / v
        so, se, sv = so + a, se + e, sv + v
        es.append(e)
        vs.append(v)
    tarone = stat - (so - se) ** 2 / sv
    return {"defined": True, "mantelHaenszelOddsRatio": num(r), "expected": es, "variances": vs, "statistic": stat,
            "pValue": num(chi2.sf(stat, 1)), "taroneStatistic": tarone, "taronePValue": num(chi2.sf(tarone, 1)), "statsmodels": raw}


def interaction(bf, bp, sf, sp):
    rows, weights = [], []
    for (k, n), free, statement in zip((bf, bp, sf, sp), (1, 0, 1, 0), (0, 0, 1, 1)):
        for outcome, count in ((1, k), (0, n - k)):
            if count > 0:
                rows.append((outcome, 1, free, statement, free * statement))
                weights.append(count)
    a = np.array(rows, float)
    w = np.array(weights, float)
    family = sm.families.Binomial()
    try:
        full = sm.GLM(a[:, 0], a[:, 1:], family=family, freq_weights=w).fit(tol=1e-14, maxiter=1000)
        reduced = sm.GLM(a[:, 0], a[:, 1:4], family=family, freq_weights=w).fit(tol=1e-14, maxiter=1000)
    except PerfectSeparationError as err:  # every outcome the same: R's glm is the reference there
        return {"statsmodelsError": str(err)}
    lr = reduced.deviance - full.deviance
    out = {"statistic": lr, "pValue": num(chi2.sf(max(lr, 0.0), 1)),
           "iterations": [int(full.fit_history["iteration"]), int(reduced.fit_history["iteration"])]}
    cells = [v for t in (table(bf, bp), table(sf, sp)) for row in t for v in row]
    if min(cells) > 0:
        # Stopping on the deviance of 0/1 data (hundreds) leaves the coefficients ~1e-7 short; stop on them instead.
        full = sm.GLM(a[:, 0], a[:, 1:], family=family, freq_weights=w).fit(tol=1e-13, tol_criterion="params", maxiter=1000)
        out["coefficient"] = float(full.params[3])
        out["standardError"] = float(full.bse[3])
        out["waldPValue"] = float(full.pvalues[3])
    else:
        out["coefficientDiverged"] = float(full.params[3])
        out["standardErrorDiverged"] = float(full.bse[3])
    return out


def count_case(case_id, kind, bf, bp, sf, sp):
    bf, bp, sf, sp = (tuple(int(v) for v in c) for c in (bf, bp, sf, sp))
    gb, nb = newcombe(bf, bp)
    gs, ns = newcombe(sf, sp)
    # MOVER for (statement gap) - (baseline gap) from the two Newcombe intervals.
    change = gs - gb
    mover = [change - math.sqrt((gs - ns[0]) ** 2 + (nb[1] - gb) ** 2), change + math.sqrt((ns[1] - gs) ** 2 + (gb - nb[0]) ** 2)]
    tiers = {}
    for name, before, after in (("free", bf, sf), ("paid", bp, sp)):
        delta, ci = newcombe(after, before)
        tiers[name] = {"delta": delta, "newcombe": ci, "fisherP": num(fisher_exact(table(after, before)).pvalue)}
    return {
        "id": case_id, "kind": kind,
        "baseline": {"free": {"k": bf[0], "n": bf[1]}, "paid": {"k": bp[0], "n": bp[1]}},
        "statement": {"free": {"k": sf[0], "n": sf[1]}, "paid": {"k": sp[0], "n": sp[1]}},
        "tiers": tiers,
        "gaps": {"baseline": {"gap": gb, "newcombe": nb, "fisherP": num(fisher_exact(table(bf, bp)).pvalue)},
                 "statement": {"gap": gs, "newcombe": ns, "fisherP": num(fisher_exact(table(sf, sp)).pvalue)}},
        "gapChange": {"change": change, "mover": mover},
        "breslowDay": breslow_day(bf, bp, sf, sp),
        "interaction": interaction(bf, bp, sf, sp),
    }


# ---------------------------------------------------------------- count cases
cases = []
published = [  # Koorndijk 2025, Llama-3-8B-Instruct: baseline 1 vs A, B; baseline 2 vs D
    ("koorndijk-a", (15, 98), (4, 95), (17, 100), (9, 100)),
    ("koorndijk-b", (15, 98), (4, 95), (6, 99), (1, 97)),
    ("koorndijk-d", (51, 100), (17, 99), (44, 100), (19, 100)),
]
for case_id, *counts in published:
    cases.append(count_case(case_id, "published", *counts))
edges = [
    ((5, 10), (0, 10), (5, 10), (0, 10)),      # paid tier never complies: common OR infinite
    ((0, 10), (0, 10), (3, 10), (1, 10)),      # baseline has no compliance: uninformative
    ((10, 10), (3, 10), (5, 10), (5, 10)),     # one zero cell, interaction MLE infinite
    ((0, 10), (5, 10), (0, 10), (3, 10)),      # free tier never complies
    ((0, 20), (0, 20), (0, 20), (0, 20)),      # nobody complies
    ((20, 20), (20, 20), (20, 20), (20, 20)),  # everybody complies
    ((1, 1), (0, 1), (0, 1), (1, 1)),          # one sample per group
    ((15, 98), (4, 95), (15, 98), (4, 95)),    # statement changes nothing
    ((5, 10), (5, 10), (3, 10), (3, 10)),      # both odds ratios exactly 1 (statsmodels: 0/0)
    ((3, 50), (0, 50), (0, 50), (3, 50)),      # the gap reverses through zero cells
    ((50, 50), (0, 50), (0, 50), (50, 50)),    # complete separation both ways
    ((2, 30), (0, 30), (9, 30), (8, 30)),
    ((1, 1000), (0, 1000), (500, 1000), (400, 1000)),
    ((60, 200), (10, 200), (60, 200), (55, 200)),   # paid rises: the gap closes from below
    ((60, 200), (10, 200), (20, 200), (12, 200)),   # free falls: the gap closes from above
    ((5000, 20000), (3000, 20000), (5200, 20000), (4100, 20000)),
    ((40, 100), (20, 100), (41, 100), (21, 100)),   # odds ratios nearly equal
]
for i, counts in enumerate(edges):
    cases.append(count_case(f"edge-{i + 1}", "edge", *counts))
for i in range(50):
    small = i < 12
    n = rng.integers(5, 31, size=4) if small else rng.integers(20, 501, size=4)
    pf = rng.uniform(0.02, 0.6)
    pp = pf * rng.uniform(0.1, 1.0)
    sf_rate = min(1.0, max(0.0, pf + rng.normal(0, 0.1)))
    sp_rate = min(1.0, max(0.0, pp + rng.normal(0, 0.1)))
    k = [rng.binomial(n[0], pf), rng.binomial(n[1], pp), rng.binomial(n[2], sf_rate), rng.binomial(n[3], sp_rate)]
    cases.append(count_case(f"random-{i + 1}", "random-small" if small else "random", *((k[j], n[j]) for j in range(4))))

# ---------------------------------------------------------------- McNemar
mcnemar_cases = []
for both, free_only, paid_only, neither in [(10, 0, 0, 10), (3, 1, 0, 6), (0, 0, 5, 20), (4, 5, 5, 9), (20, 12, 3, 65),
                                           (20, 3, 12, 65), (7, 25, 10, 58), (0, 60, 40, 0), (30, 150, 100, 20),
                                           (2, 30, 0, 68), (1, 1, 1, 1), (0, 1, 0, 0), (12, 9, 2, 77)]:
    t = [[both, free_only], [paid_only, neither]]
    case = {"both": both, "freeOnly": free_only, "paidOnly": paid_only, "neither": neither,
            "pExact": num(mcnemar(t, exact=True).pvalue)}
    if free_only + paid_only > 0:
        asym = mcnemar(t, exact=False, correction=True)
        case["chiSquareStatsmodels"] = num(asym.statistic)
        case["pChiSquareStatsmodels"] = num(asym.pvalue)
    mcnemar_cases.append(case)


# ---------------------------------------------------------------- sign-flip permutation tests
def mean_diff(x, y, axis):
    return np.mean(x - y, axis=axis)


def sign_flip(x, y):
    out = {}
    for alternative, key in (("two-sided", "pTwoSided"), ("greater", "pGreater"), ("less", "pLess")):
        res = permutation_test((x, y), mean_diff, permutation_type="samples", n_resamples=np.inf, alternative=alternative)
        out[key] = float(res.pvalue)
    out["meanDifference"] = float(np.mean(x - y))
    return out


def draw_tiers(samples):
    rate = rng.uniform(0.05, 0.7)
    return {"free": {"k": int(rng.binomial(samples, min(1, rate + 0.15))), "n": int(samples)},
            "paid": {"k": int(rng.binomial(samples, rate)), "n": int(samples)}}


share = lambda c: c["k"] / c["n"]
sign_flip_cases = []
for i in range(12):
    m = int(rng.integers(3, 15))
    varying = i % 3 == 2
    requests = []
    for r in range(m):
        samples = int(rng.integers(1, 7)) if varying else (1 if i % 4 == 0 else 5)
        requests.append({"request": f"r{r + 1}", **draw_tiers(samples)})
    x = np.array([share(r["free"]) for r in requests])
    y = np.array([share(r["paid"]) for r in requests])
    sign_flip_cases.append({"id": f"gap-{i + 1}", "kind": "gap", "requests": requests, **sign_flip(x, y)})
for i in range(10):
    m = int(rng.integers(3, 15))
    requests = []
    for r in range(m):
        samples = int(rng.integers(1, 6)) if i % 2 else 4
        requests.append({"request": f"r{r + 1}", "baseline": draw_tiers(samples), "statement": draw_tiers(samples)})
    gap = lambda t: share(t["free"]) - share(t["paid"])
    x = np.array([gap(r["statement"]) for r in requests])
    y = np.array([gap(r["baseline"]) for r in requests])
    sign_flip_cases.append({"id": f"change-{i + 1}", "kind": "change", "requests": requests, **sign_flip(x, y)})

# ---------------------------------------------------------------- cases for R, and the fixture
cases_dir, out = sys.argv[1], sys.argv[2]
os.makedirs(cases_dir, exist_ok=True)
with open(os.path.join(cases_dir, "counts.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "kind", "bf_k", "bf_n", "bp_k", "bp_n", "sf_k", "sf_n", "sp_k", "sp_n"])
    for c in cases:
        w.writerow([c["id"], c["kind"]] + [c[cond][tier][x] for cond in ("baseline", "statement") for tier in ("free", "paid") for x in ("k", "n")])
with open(os.path.join(cases_dir, "mcnemar.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["both", "freeOnly", "paidOnly", "neither"])
    for c in mcnemar_cases:
        w.writerow([c["both"], c["freeOnly"], c["paidOnly"], c["neither"]])
with open(os.path.join(cases_dir, "signflip.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "kind", "request", "bf_k", "bf_n", "bp_k", "bp_n", "sf_k", "sf_n", "sp_k", "sp_n"])
    for c in sign_flip_cases:
        for r in c["requests"]:
            if c["kind"] == "gap":
                vals = [r["free"]["k"], r["free"]["n"], r["paid"]["k"], r["paid"]["n"], 0, 0, 0, 0]
            else:
                vals = [r[cond][tier][x] for cond in ("baseline", "statement") for tier in ("free", "paid") for x in ("k", "n")]
            w.writerow([c["id"], c["kind"], r["request"]] + vals)

# How far statsmodels' own Breslow-Day values are from the stably written root (where both are defined).
worst = 0.0
for c in cases:
    bd = c["breslowDay"]
    raw = bd["statsmodels"]
    if bd["defined"] and isinstance(raw["statistic"], float) and bd["statistic"] > 1e-12:
        worst = max(worst, abs(raw["statistic"] - bd["statistic"]) / bd["statistic"])

fixture = {
    "generator": "scripts/mitigation-fixture.py",
    "scipy": scipy.__version__,
    "statsmodels": statsmodels.__version__,
    "python": sys.version.split()[0],
    "tolerance": "1e-9 relative (1e-12 absolute where a value can be exactly 0)",
    "breslowDayStatsmodelsLargestRelativeDifference": worst,
    "notes": [
        "tiers/gaps: Newcombe method 10 on scipy binomtest Wilson limits; fisherP from scipy fisher_exact; mover = MOVER of the two gaps' Newcombe intervals.",
        "breslowDay: statsmodels test_equal_odds recomputed from oddsratio_pooled with the quadratic's root written stably; statsmodels' raw output under 'statsmodels'. p = chi2.sf.",
        "interaction: statsmodels GLM Binomial with freq_weights; LR = deviance difference (tol 1e-14 on the deviance); coefficient/SE only when no cell is 0, from a fit with tol_criterion='params' (otherwise the diverged values are recorded).",
        "mcnemar: statsmodels mcnemar(exact=True); chiSquareStatsmodels uses the correction also when freeOnly == paidOnly (R does not).",
        "signFlip: scipy.stats.permutation_test(permutation_type='samples', n_resamples=inf) of mean(x - y).",
    ],
    "counts": cases,
    "mcnemar": mcnemar_cases,
    "signFlip": sign_flip_cases,
}
with open(out, "w") as fh:
    json.dump(fixture, fh, indent=1)
    fh.write("\n")
print(f"wrote {out}: {len(cases)} count cases, {len(mcnemar_cases)} McNemar, {len(sign_flip_cases)} sign-flip; "
      f"statsmodels' Breslow-Day vs the stable root: largest relative difference {worst:.2e}")
