#!/usr/bin/env bash
# Regenerate the statistics fixtures from independent implementations (Debian's packages, not pip's):
# - test/fixtures/stats/scipy-reference.json (SciPy, statsmodels, mpmath), checked by test/stats-fixture.test.ts;
# - test/fixtures/stats/clustered-logistic-statsmodels.json (statsmodels GLM, cluster-robust), checked by test/clustered-logistic.test.ts;
# - test/fixtures/stats/mitigation-statsmodels.json and mitigation-r.json (statsmodels/SciPy and R) for
#   the effect of a statement, checked by test/stats-mitigation.test.ts.
# - test/fixtures/stats/gap-verdict.json (statsmodels, SciPy) for the gap-change verdict, its power and
#   the AUROC-by-votes expectation, checked by test/stats-gap-verdict.test.ts.
# - test/fixtures/stats/welch-scipy.json (statsmodels, SciPy) for a score's mean and Welch's difference
#   of two, checked by test/stats-welch.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import scipy, statsmodels, mpmath' 2>/dev/null || ! command -v Rscript >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-scipy python3-statsmodels python3-mpmath r-base-core >/dev/null
fi
mkdir -p test/fixtures/stats
/usr/bin/python3 scripts/stats-fixture.py test/fixtures/stats/scipy-reference.json
/usr/bin/python3 scripts/ablation-fixture.py test/fixtures/stats/clustered-logistic-statsmodels.json
# The Python script draws the mitigation cases and writes them as CSV for R, which reads the same cases.
cases="$(mktemp -d)"
trap 'rm -rf "$cases"' EXIT
/usr/bin/python3 scripts/mitigation-fixture.py "$cases" test/fixtures/stats/mitigation-statsmodels.json
Rscript scripts/mitigation-fixture.R "$cases" test/fixtures/stats/mitigation-r.json
/usr/bin/python3 scripts/gap-verdict-fixture.py test/fixtures/stats/gap-verdict.json
/usr/bin/python3 scripts/welch-fixture.py test/fixtures/stats/welch-scipy.json
