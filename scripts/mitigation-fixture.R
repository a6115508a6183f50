# Reference values from R for af-lab's statistics of a statement against its baseline.
#
# Usage: Rscript scripts/mitigation-fixture.R CASES_DIR OUT_JSON
# Reads the cases scripts/mitigation-fixture.py wrote into CASES_DIR (counts.csv, mcnemar.csv,
# signflip.csv) and writes OUT_JSON. Run through scripts/make-stats-fixture.sh (Debian's r-base-core).
#
# - Wilson limits: prop.test(k, n, correct = FALSE)$conf.int; Newcombe and MOVER from them.
# - Fisher: fisher.test(...)$p.value.
# - Interaction: glm(cbind(k, n - k) ~ free * statement, binomial) with and without the interaction,
#   glm.control(epsilon = 1e-14, maxit = 1000), anova(reduced, full, test = "Chisq"); the
#   interaction's estimate and Wald SE from summary(full) when no cell is 0.
# - Breslow-Day (not in base R; mantelhaen.test is the Cochran-Mantel-Haenszel test): by hand, with
#   mantelhaen.test's Mantel-Haenszel estimate as the common odds ratio and polyroot() for the
#   expected cell, so both the estimate and the root come from code other than af-lab's.
# - McNemar: binom.test(freeOnly, freeOnly + paidOnly)$p.value and mcnemar.test (continuity corrected).
# - Sign-flip: every one of the 2^m sign vectors, brute force.

args <- commandArgs(trailingOnly = TRUE)
cases_dir <- args[1]
out <- args[2]

num <- function(x) {
  if (is.null(x) || length(x) == 0 || is.na(x)) return('"NaN"')
  if (is.infinite(x)) return(if (x > 0) '"Infinity"' else '"-Infinity"')
  sprintf("%.17g", x)
}
obj <- function(...) {
  fields <- list(...)
  parts <- vapply(names(fields), function(name) paste0('"', name, '": ', fields[[name]]), "")
  paste0("{", paste(parts, collapse = ", "), "}")
}
arr <- function(values) paste0("[", paste(values, collapse = ", "), "]")
str <- function(s) paste0('"', s, '"')

wilson <- function(k, n) suppressWarnings(prop.test(k, n, correct = FALSE)$conf.int[1:2])
newcombe <- function(k1, n1, k2, n2) {
  p1 <- k1 / n1; p2 <- k2 / n2
  w1 <- wilson(k1, n1); w2 <- wilson(k2, n2)
  d <- p1 - p2
  c(d, d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
tab <- function(k1, n1, k2, n2) matrix(c(k1, k2, n1 - k1, n2 - k2), 2)  # rows: first, second group

breslow_day <- function(t1, t2) {
  tables <- list(t1, t2)
  if (any(vapply(tables, function(t) any(c(rowSums(t), colSums(t)) == 0), TRUE))) return(obj(defined = "false"))
  psi <- unname(mantelhaen.test(array(as.numeric(c(t1, t2)), c(2, 2, 2)), correct = FALSE)$estimate)
  if (!is.finite(psi) || psi <= 0) return(obj(defined = "false", mantelHaenszelOddsRatio = num(psi)))
  stat <- 0; so <- 0; se <- 0; sv <- 0
  for (t in tables) {
    a <- t[1, 1]; r1 <- sum(t[1, ]); c1 <- sum(t[, 1]); dma <- t[2, 2] - a
    lo <- max(0, c1 - sum(t[2, ])); hi <- min(r1, c1)
    # x (x + dma) = psi (r1 - x)(c1 - x): (1 - psi) x^2 + (dma + psi (r1 + c1)) x - psi r1 c1 = 0
    coefs <- c(-psi * r1 * c1, dma + psi * (r1 + c1), 1 - psi)
    if (abs(coefs[3]) < 1e-12 * abs(coefs[2])) {
      e <- -coefs[1] / coefs[2]
    } else {
      roots <- Re(polyroot(coefs))
      e <- roots[which.min(pmax(lo - roots, roots - hi, 0) + abs(Im(polyroot(coefs))))]
    }
    v <- 1 / (1 / e + 1 / (c1 - e) + 1 / (r1 - e) + 1 / (dma + e))
    stat <- stat + (a - e)^2 / v
    so <- so + a; se <- se + e; sv <- sv + v
  }
  tarone <- stat - (so - se)^2 / sv
  obj(defined = "true", mantelHaenszelOddsRatio = num(psi), statistic = num(stat),
      pValue = num(pchisq(stat, 1, lower.tail = FALSE)), taroneStatistic = num(tarone),
      taronePValue = num(pchisq(tarone, 1, lower.tail = FALSE)))
}

interaction <- function(k, n) {
  d <- data.frame(k = k, n = n, free = c(1, 0, 1, 0), statement = c(0, 0, 1, 1))
  control <- glm.control(epsilon = 1e-14, maxit = 1000)
  full <- suppressWarnings(glm(cbind(k, n - k) ~ free * statement, family = binomial, data = d, control = control))
  reduced <- suppressWarnings(glm(cbind(k, n - k) ~ free + statement, family = binomial, data = d, control = control))
  a <- anova(reduced, full, test = "Chisq")
  fields <- list(statistic = num(a$Deviance[2]), pValue = num(a[["Pr(>Chi)"]][2]),
                 iterations = arr(c(full$iter, reduced$iter)))
  cells <- c(k, n - k)
  if (min(cells) > 0) {
    co <- summary(full)$coefficients
    fields$coefficient <- num(co["free:statement", 1])
    fields$standardError <- num(co["free:statement", 2])
    fields$waldPValue <- num(co["free:statement", 4])
  }
  do.call(obj, fields)
}

counts <- read.csv(file.path(cases_dir, "counts.csv"), stringsAsFactors = FALSE)
count_json <- character(0)
for (i in seq_len(nrow(counts))) {
  r <- counts[i, ]
  nb <- newcombe(r$bf_k, r$bf_n, r$bp_k, r$bp_n)
  ns <- newcombe(r$sf_k, r$sf_n, r$sp_k, r$sp_n)
  change <- ns[1] - nb[1]
  mover <- c(change - sqrt((ns[1] - ns[2])^2 + (nb[3] - nb[1])^2), change + sqrt((ns[3] - ns[1])^2 + (nb[1] - nb[2])^2))
  tier <- function(k1, n1, k2, n2) {
    d <- newcombe(k1, n1, k2, n2)
    obj(delta = num(d[1]), newcombe = arr(c(num(d[2]), num(d[3]))), fisherP = num(fisher.test(tab(k1, n1, k2, n2))$p.value))
  }
  gap <- function(g, k1, n1, k2, n2) obj(gap = num(g[1]), newcombe = arr(c(num(g[2]), num(g[3]))), fisherP = num(fisher.test(tab(k1, n1, k2, n2))$p.value))
  count_json <- c(count_json, obj(
    id = str(r$id), kind = str(r$kind),
    baseline = obj(free = obj(k = r$bf_k, n = r$bf_n), paid = obj(k = r$bp_k, n = r$bp_n)),
    statement = obj(free = obj(k = r$sf_k, n = r$sf_n), paid = obj(k = r$sp_k, n = r$sp_n)),
    tiers = obj(free = tier(r$sf_k, r$sf_n, r$bf_k, r$bf_n), paid = tier(r$sp_k, r$sp_n, r$bp_k, r$bp_n)),
    gaps = obj(baseline = gap(nb, r$bf_k, r$bf_n, r$bp_k, r$bp_n), statement = gap(ns, r$sf_k, r$sf_n, r$sp_k, r$sp_n)),
    gapChange = obj(change = num(change), mover = arr(c(num(mover[1]), num(mover[2])))),
    breslowDay = breslow_day(tab(r$bf_k, r$bf_n, r$bp_k, r$bp_n), tab(r$sf_k, r$sf_n, r$sp_k, r$sp_n)),
    interaction = interaction(c(r$bf_k, r$bp_k, r$sf_k, r$sp_k), c(r$bf_n, r$bp_n, r$sf_n, r$sp_n))
  ))
}

mc <- read.csv(file.path(cases_dir, "mcnemar.csv"))
mc_json <- character(0)
for (i in seq_len(nrow(mc))) {
  r <- mc[i, ]
  discordant <- r$freeOnly + r$paidOnly
  fields <- list(both = r$both, freeOnly = r$freeOnly, paidOnly = r$paidOnly, neither = r$neither)
  if (discordant > 0) {
    fields$pExact <- num(binom.test(r$freeOnly, discordant)$p.value)
    fields$pExactGreater <- num(binom.test(r$freeOnly, discordant, alternative = "greater")$p.value)
    m <- mcnemar.test(matrix(c(r$both, r$paidOnly, r$freeOnly, r$neither), 2))
    fields$chiSquare <- num(unname(m$statistic))
    fields$pChiSquare <- num(m$p.value)
  }
  mc_json <- c(mc_json, do.call(obj, fields))
}

sf <- read.csv(file.path(cases_dir, "signflip.csv"), stringsAsFactors = FALSE)
sf_json <- character(0)
for (id in unique(sf$id)) {
  rows <- sf[sf$id == id, ]
  gap_b <- rows$bf_k / rows$bf_n - rows$bp_k / rows$bp_n
  d <- if (rows$kind[1] == "gap") gap_b else (rows$sf_k / rows$sf_n - rows$sp_k / rows$sp_n) - gap_b
  m <- length(d)
  signs <- as.matrix(expand.grid(rep(list(c(-1, 1)), m)))
  null <- as.vector(signs %*% abs(d))
  s <- sum(d)
  tol <- 1e-9 * max(1, sum(abs(d)))
  sf_json <- c(sf_json, obj(
    id = str(id), kind = str(rows$kind[1]), meanDifference = num(mean(d)),
    pTwoSided = num(mean(abs(null) >= abs(s) - tol)), pGreater = num(mean(null >= s - tol)), pLess = num(mean(null <= s + tol))
  ))
}

json <- paste0(
  "{\n",
  ' "generator": "scripts/mitigation-fixture.R",\n',
  ' "r": ', str(paste(R.version$major, R.version$minor, sep = ".")), ",\n",
  ' "tolerance": "1e-9 relative; 1e-6 where glm stops its iterations on a boundary fit (a zero cell)",\n',
  ' "counts": [\n  ', paste(count_json, collapse = ",\n  "), "\n ],\n",
  ' "mcnemar": [\n  ', paste(mc_json, collapse = ",\n  "), "\n ],\n",
  ' "signFlip": [\n  ', paste(sf_json, collapse = ",\n  "), "\n ]\n",
  "}\n"
)
writeLines(json, out, sep = "")
cat(sprintf("wrote %s: %d count cases, %d McNemar, %d sign-flip\n", out, length(count_json), length(mc_json), length(sf_json)))
