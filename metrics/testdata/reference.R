# reference.R -- reference values for the metrics package tests.
#
# Run from this directory:   Rscript reference.R > reference.txt
# Needs R (>= 4.2) and the recommended package survival (>= 3.5).
# Output format: one record per line, "name v1 v2 ...", every number printed
# with sprintf("%.17g"); NA is printed as NA. The tests in ../*_test.go parse
# this file; CI does not run R.
options(digits = 17)
suppressPackageStartupMessages(library(survival))

emit <- function(name, x) {
  s <- ifelse(is.na(x), "NA", sprintf("%.17g", as.numeric(x)))
  cat(name, s, "\n")
}
cat("# R", R.version$major, ".", R.version$minor, " survival ", as.character(packageVersion("survival")), "\n", sep = "")

## ---------------------------------------------------------------- proportions
## Wilson = prop.test(correct = FALSE); Clopper-Pearson = binom.test.
kn <- rbind(c(0, 1), c(1, 1), c(0, 10), c(10, 10), c(3, 20), c(1, 2), c(7, 13),
            c(50, 100), c(1, 1000), c(999, 1000), c(12345, 54321))
for (conf in c(0.95, 0.9, 0.99)) {
  for (i in seq_len(nrow(kn))) {
    k <- kn[i, 1]; n <- kn[i, 2]
    w <- suppressWarnings(prop.test(k, n, conf.level = conf, correct = FALSE)$conf.int)
    cp <- binom.test(k, n, conf.level = conf)$conf.int
    emit("wilson", c(k, n, conf, w[1], w[2]))
    emit("clopper", c(k, n, conf, cp[1], cp[2]))
  }
}

## Paired difference, Newcombe (1998) method 10, coded independently here
## from the paper's formulas (Stat. Med. 17, 2635-2650, eqs. for method 10).
newcombe10 <- function(a, b, c, d, conf) {
  n <- a + b + c + d
  wil <- function(x) suppressWarnings(prop.test(x, n, conf.level = conf, correct = FALSE)$conf.int)
  p1 <- (a + b) / n; p2 <- (a + c) / n; D <- p1 - p2
  w1 <- wil(a + b); w2 <- wil(a + c)
  marg <- c(a + b, c + d, a + c, b + d)
  phi <- 0
  if (all(marg > 0)) {
    A <- a * d - b * c
    phi <- if (A > n / 2) (A - n / 2) / sqrt(prod(marg)) else if (A >= 0) 0 else A / sqrt(prod(marg))
  }
  lo <- D - sqrt((p1 - w1[1])^2 - 2 * phi * (p1 - w1[1]) * (w2[2] - p2) + (w2[2] - p2)^2)
  hi <- D + sqrt((w1[2] - p1)^2 - 2 * phi * (w1[2] - p1) * (p2 - w2[1]) + (p2 - w2[1])^2)
  se <- sqrt((b + c) - (b - c)^2 / n) / n
  c(D, se, lo, hi)
}
tabs <- rbind(c(36, 12, 2, 0), c(59, 6, 16, 80), c(1, 1, 7, 12), c(0, 0, 0, 10),
              c(10, 0, 0, 0), c(0, 5, 0, 0), c(3, 4, 5, 6), c(20, 1, 1, 20))
for (i in seq_len(nrow(tabs))) {
  t <- tabs[i, ]
  emit("paired", c(t, 0.95, newcombe10(t[1], t[2], t[3], t[4], 0.95)))
}

## ---------------------------------------------------------------- Kaplan-Meier
## Freireich et al. (1963) 6-MP arm (MASS::gehan, treat == "6-MP"); status 1 = relapse.
mp_time <- c(6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35)
mp_stat <- c(1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0)
## A discrete-time data set with ties, censoring tied with events, two causes
## (0 = censored), an event at time 0, and a censored observation at time 0.
cr_time <- c(0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 6, 6, 7, 8, 8,
             9, 9, 10, 11, 12, 12, 12, 13, 14, 15, 15, 15)
cr_stat <- c(1, 0, 1, 2, 0, 1, 1, 2, 0, 0, 1, 2, 2, 0, 1, 1, 2, 0, 1, 2,
             0, 0, 1, 2, 0, 0, 1, 2, 0, 1, 1, 0)
## A data set whose last observation is an event (curve drops to 0).
z_time <- c(1, 2, 2, 3, 4, 4, 5, 7)
z_stat <- c(1, 1, 0, 1, 1, 0, 1, 1)
emit("data_mp_time", mp_time); emit("data_mp_status", mp_stat)
emit("data_cr_time", cr_time); emit("data_cr_status", cr_stat)
emit("data_z_time", z_time);   emit("data_z_status", z_stat)

km_block <- function(tag, time, event, conf.type, conf = 0.95, taus) {
  fit <- survfit(Surv(time, event) ~ 1, conf.type = conf.type, conf.int = conf)
  p <- paste0(tag, "_", gsub("-", "", conf.type))
  emit(paste0(p, "_time"), fit$time)
  emit(paste0(p, "_nrisk"), fit$n.risk)
  emit(paste0(p, "_nevent"), fit$n.event)
  emit(paste0(p, "_surv"), fit$surv)
  emit(paste0(p, "_stderr"), fit$std.err)          # SE of -log S (Greenwood)
  emit(paste0(p, "_sesurv"), summary(fit, times = fit$time, extend = TRUE)$std.err) # SE of S
  emit(paste0(p, "_lower"), fit$lower)
  emit(paste0(p, "_upper"), fit$upper)
  q <- quantile(fit, probs = c(0.1, 0.25, 0.5, 0.75, 0.9))
  emit(paste0(p, "_qprobs"), c(0.1, 0.25, 0.5, 0.75, 0.9))
  emit(paste0(p, "_quantile"), q$quantile)
  emit(paste0(p, "_qlower"), q$lower)
  emit(paste0(p, "_qupper"), q$upper)
  for (tau in taus) {
    tab <- summary(fit, rmean = tau)$table
    emit(paste0(p, "_rmean"), c(tau, tab["rmean"], tab["se(rmean)"]))
  }
}
for (ct in c("log-log", "plain", "log")) {
  km_block("mp", mp_time, mp_stat, ct, taus = c(10, 23, 35))
  km_block("cr", cr_time, cr_stat > 0, ct, taus = c(5, 12.5, 15))
  km_block("cr1", cr_time, cr_stat == 1, ct, taus = c(15))
  km_block("z", z_time, z_stat, ct, taus = c(3, 7, 10))
}
km_block("mp90", mp_time, mp_stat, "log-log", conf = 0.9, taus = c(35))

## ---------------------------------------------------------------- Aalen-Johansen
## Multi-state survfit with a factor status: infinitesimal-jackknife SE.
for (ct in c("log", "plain")) {
  fit <- survfit(Surv(cr_time, factor(cr_stat, 0:2)) ~ 1, conf.type = ct)
  p <- paste0("aj_", ct)
  emit(paste0(p, "_time"), fit$time)
  emit(paste0(p, "_nrisk"), fit$n.risk[, 1])
  for (k in 1:2) {
    emit(paste0(p, "_cif", k), fit$pstate[, k + 1])
    emit(paste0(p, "_se", k), fit$std.err[, k + 1])
    emit(paste0(p, "_lower", k), fit$lower[, k + 1])
    emit(paste0(p, "_upper", k), fit$upper[, k + 1])
  }
  emit(paste0(p, "_surv"), fit$pstate[, 1])
  emit(paste0(p, "_sesurv"), fit$std.err[, 1])
}
## 1 - KM for cause 1 with cause 2 treated as censored, for the comparison.
fit1 <- survfit(Surv(cr_time, cr_stat == 1) ~ 1)
emit("aj_naive1_time", fit1$time)
emit("aj_naive1", 1 - fit1$surv)
