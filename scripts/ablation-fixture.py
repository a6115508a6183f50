#!/usr/bin/python3
"""Reference values for af-lab's cluster-robust logistic regression (src/stats/clusteredLogistic.ts).

Writes test/fixtures/stats/clustered-logistic-statsmodels.json; test/clustered-logistic.test.ts compares
every value to within 1e-6. statsmodels fits GLM(Binomial) on one row per sample, with
cov_type='cluster' grouped by request (its default small-sample correction), and runs wald_test for
each restriction; the probability contrasts are the delta method written here with numpy from
statsmodels' covariance. Cases are drawn from a fixed seed (Debian's python3-statsmodels: run through
scripts/make-stats-fixture.sh, or /usr/bin/python3 scripts/ablation-fixture.py OUT.json).
"""
import json
import sys

import numpy as np
import statsmodels
import statsmodels.api as sm
from scipy.stats import norm

rng = np.random.default_rng(20261207)


def expit(x):
    return 1 / (1 + np.exp(-x))


def draw_case(name, conditions, requests, samples, beta, request_sd):
    """conditions: list of indicator vectors (one per condition); x = [1, free, ind..., free*ind...]."""
    groups = []
    for r in range(requests):
        u = rng.normal(0, request_sd)
        for ind in conditions:
            for free in (1, 0):
                x = [1.0, float(free)] + [float(v) for v in ind] + [float(free * v) for v in ind]
                p = expit(np.dot(x, beta) + u)
                k = int(rng.binomial(samples, p))
                groups.append({"cluster": f"req-{r}", "x": x, "k": k, "n": samples})
    return {"name": name, "groups": groups}


def fit_case(case, restrictions, contrasts):
    rows_x, rows_y, rows_g = [], [], []
    for g in case["groups"]:
        for i in range(g["n"]):
            rows_x.append(g["x"])
            rows_y.append(1.0 if i < g["k"] else 0.0)
            rows_g.append(int(g["cluster"].split("-")[1]))
    X = np.array(rows_x)
    y = np.array(rows_y)
    groups = np.array(rows_g)
    res = sm.GLM(y, X, family=sm.families.Binomial()).fit(cov_type="cluster", cov_kwds={"groups": groups}, tol=1e-14)
    cov = np.asarray(res.cov_params())
    beta = np.asarray(res.params)
    walds = []
    for R in restrictions:
        w = res.wald_test(np.array(R, dtype=float), use_f=False, scalar=True)
        walds.append({"restriction": R, "statistic": float(w.statistic), "df": int(np.array(R).shape[0]), "pValue": float(w.pvalue)})
    z = norm.ppf(0.975)
    out_contrasts = []
    for terms in contrasts:
        est = 0.0
        grad = np.zeros(len(beta))
        for t in terms:
            a = np.array(t["at"], dtype=float)
            p = expit(a @ beta)
            est += t["sign"] * p
            grad += t["sign"] * p * (1 - p) * a
        se = float(np.sqrt(grad @ cov @ grad))
        out_contrasts.append({"terms": terms, "estimate": float(est), "se": se, "ci": [float(est - z * se), float(est + z * se)]})
    case.update({
        "coefficients": beta.tolist(),
        "robustCovariance": cov.tolist(),
        "robustStandardErrors": np.sqrt(np.diag(cov)).tolist(),
        "pValues": np.asarray(res.pvalues).tolist(),
        "clusters": int(len(set(rows_g))),
        "samples": int(len(y)),
        "wald": walds,
        "contrasts": out_contrasts,
    })
    return case


def element_tests(k):
    """Joint test per element: its indicator and its tier interaction (x = [1, free, e1..ek, free*e1..free*ek])."""
    p = 2 + 2 * k
    tests = []
    for e in range(k):
        a = [0] * p
        a[2 + e] = 1
        b = [0] * p
        b[2 + k + e] = 1
        tests.append([a, b])
    return tests


def element_contrasts(k):
    """Per element: change in the free tier, the paid tier and the gap when it is off, the others on."""
    p = 2 + 2 * k
    out = []
    for e in range(k):
        paid_on = [1, 0] + [0] * (2 * k)
        free_on = [1, 1] + [0] * (2 * k)
        paid_off = list(paid_on)
        paid_off[2 + e] = 1
        free_off = list(free_on)
        free_off[2 + e] = 1
        free_off[2 + k + e] = 1
        out.append([{"at": free_off, "sign": 1}, {"at": free_on, "sign": -1}])
        out.append([{"at": paid_off, "sign": 1}, {"at": paid_on, "sign": -1}])
        out.append([{"at": free_off, "sign": 1}, {"at": free_on, "sign": -1}, {"at": paid_off, "sign": -1}, {"at": paid_on, "sign": 1}])
    return out


cases = []
# One-at-a-time, 3 elements: all on, then each off alone (saturated per condition and tier).
oat = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
case = draw_case("one-at-a-time, 3 elements, 40 requests x 2 samples", oat, 40, 2, [-1.2, 1.4, 0.1, 0.0, -0.3, -1.0, 0.0, 0.4], 0.6)
cases.append(fit_case(case, element_tests(3), element_contrasts(3)))
# Full factorial, 2 elements (main effects and tier interactions, no element x element term).
ff = [[0, 0], [1, 0], [0, 1], [1, 1]]
case = draw_case("full-factorial, 2 elements, 30 requests x 1 sample", ff, 30, 1, [-0.8, 1.1, -0.2, 0.3, -0.9, 0.2], 0.4)
cases.append(fit_case(case, element_tests(2), element_contrasts(2)))
# Paraphrases: baseline, then 4 wordings of one statement, each its own indicator; test that the wordings agree.
para = [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
case = draw_case("paraphrases, 4 wordings, 25 requests x 3 samples", para, 25, 3, [-1.5, 1.6, 0.5, 0.6, 0.4, 0.8, -0.4, -0.5, -0.2, -0.6], 0.5)
p = 2 + 2 * 4
equal = []
for w in range(1, 4):
    a = [0] * p
    a[2] = 1
    a[2 + w] = -1
    b = [0] * p
    b[6] = 1
    b[6 + w] = -1
    equal += [a, b]
cases.append(fit_case(case, element_tests(4) + [equal], element_contrasts(4)))

json.dump({"generator": f"statsmodels {statsmodels.__version__}, numpy {np.__version__}; scripts/ablation-fixture.py", "cases": cases}, open(sys.argv[1], "w"), indent=1)
