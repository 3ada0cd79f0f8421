/**
 * Tail probabilities in log space (natural log), so that p-values of 1e-300 and below stay
 * comparable. Used with Bonferroni corrections: compare log p with log(alpha / tests).
 *
 * Binomial and Poisson (counts), normal, chi-square (and the regularized gamma function behind
 * it), the Kolmogorov distribution (the two-sample KS test, src/stats/two-sample.ts), Student's t
 * (a statistic whose scale is estimated from few values), McNemar's exact test, Bonferroni.
 * Reference values: test/stats/tails.test.ts.
 */
import { gammaln } from 'simple-statistics';

function logChoose(n: number, k: number): number {
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const max = Math.max(a, b);
  return max + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** log P(X >= k) for X ~ Binomial(n, p). */
export function logBinomialUpper(k: number, n: number, p: number): number {
  if (k <= 0) return 0;
  if (k > n) return -Infinity;
  if (p <= 0) return -Infinity;
  if (p >= 1) return 0;
  // At or below the mean the p-value is about one half or more: never significant, so a normal
  // approximation is enough (the exact lower sum costs thousands of terms on large counts).
  if (k <= n * p) {
    const z = (k - 0.5 - n * p) / Math.sqrt(n * p * (1 - p));
    return Math.log1p(-Math.min(Math.exp(logNormalUpper(-z)), 1 - 1e-16));
  }
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let total = -Infinity;
  for (let i = k; i <= n; i++) {
    const term = logChoose(n, i) + i * logP + (n - i) * logQ;
    total = logAddExp(total, term);
    if (term < total - 40) break; // terms only shrink past the mode
  }
  return Math.min(0, total);
}

/** log P(X >= k) for X ~ Poisson(lambda). */
export function logPoissonUpper(k: number, lambda: number): number {
  if (k <= 0) return 0;
  if (lambda <= 0) return -Infinity;
  if (k <= lambda) {
    let lower = -Infinity;
    for (let i = k - 1; i >= 0; i--) {
      const term = i * Math.log(lambda) - lambda - gammaln(i + 1);
      lower = logAddExp(lower, term);
      if (term < lower - 40) break;
    }
    return Math.log1p(-Math.min(Math.exp(lower), 1 - 1e-16));
  }
  let total = -Infinity;
  for (let i = k; ; i++) {
    const term = i * Math.log(lambda) - lambda - gammaln(i + 1);
    total = logAddExp(total, term);
    if (term < total - 40 || i > k + 1e7) break;
  }
  return Math.min(0, total);
}

/** log P(Z >= z) for a standard normal Z, accurate far into the tail. */
export function logNormalUpper(z: number): number {
  if (z < 5) {
    // erfc through the complement of erf is fine here: the tail is not yet tiny.
    return Math.log(Math.max(0.5 * erfc(z / Math.SQRT2), 1e-300));
  }
  // Asymptotic expansion of Mills' ratio.
  const z2 = z * z;
  return -z2 / 2 - Math.log(z) - 0.5 * Math.log(2 * Math.PI) + Math.log1p(-1 / z2 + 3 / (z2 * z2));
}

/** Complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** log P(X >= x) for X ~ chi-square with df degrees of freedom. */
export function logChiSquareUpper(x: number, df: number): number {
  return logGammaUpperRegularized(df / 2, x / 2);
}

/** log Q(a, x), the upper regularized incomplete gamma function (Numerical Recipes gser / gcf). */
function logGammaUpperRegularized(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = -x + a * Math.log(x) - gammaln(a);
  if (x < a + 1) {
    let term = 1 / a;
    let total = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      total += term;
      if (Math.abs(term) < Math.abs(total) * 1e-16) break;
    }
    return Math.log1p(-Math.min(Math.exp(logPrefix + Math.log(total)), 1 - 1e-16));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(0, logPrefix + Math.log(h));
}

/** log P(K > lambda) for the Kolmogorov distribution. */
export function logKolmogorovUpper(lambda: number): number {
  if (lambda <= 0.2) return 0;
  if (lambda < 1.18) {
    // P(K <= lambda) = sqrt(2 pi) / lambda * sum exp(-(2k-1)^2 pi^2 / (8 lambda^2)): fast here.
    let lower = 0;
    for (let k = 1; k <= 20; k++) lower += Math.exp(-((2 * k - 1) ** 2) * Math.PI ** 2 / (8 * lambda * lambda));
    lower *= Math.sqrt(2 * Math.PI) / lambda;
    return Math.log1p(-Math.min(lower, 1 - 1e-16));
  }
  // P(K > lambda) = 2 exp(-2 lambda^2) * sum (-1)^(k-1) exp(-2 (k^2 - 1) lambda^2), kept in logs.
  let series = 0;
  for (let k = 1; k <= 100; k++) {
    const term = (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * (k * k - 1) * lambda * lambda);
    series += term;
    if (Math.abs(term) < 1e-17) break;
  }
  return Math.min(0, Math.LN2 - 2 * lambda * lambda + Math.log(series));
}

/**
 * log P(T >= t) for T ~ Student's t with df degrees of freedom (df > 0, not necessarily whole):
 * the tail for a statistic whose scale is estimated from few values, where the normal tail is
 * too small. From P(|T| >= |t|) = I_x(df/2, 1/2) with x = df / (df + t^2).
 */
export function logStudentTUpper(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return -Infinity;
  if (t === -Infinity || t === 0) return t === 0 ? -Math.LN2 : 0;
  const t2 = t * t;
  // log x and log(1 - x) without cancellation, and without overflow for huge |t|.
  const logX = Number.isFinite(t2) ? -Math.log1p(t2 / df) : Math.log(df) - 2 * Math.log(Math.abs(t));
  const logY = Number.isFinite(t2) ? -Math.log1p(df / t2) : 0;
  const logHalfTwoSided = logBetaRegularized(df / 2, 0.5, logX, logY) - Math.LN2;
  return t > 0 ? logHalfTwoSided : Math.log1p(-Math.exp(logHalfTwoSided));
}

/**
 * log I_x(a, b), the regularized incomplete beta function, given log x and log(1 - x)
 * (Numerical Recipes betai / betacf: the continued fraction where it converges fast, else the
 * complement I_x(a, b) = 1 - I_(1-x)(b, a)).
 */
function logBetaRegularized(a: number, b: number, logX: number, logY: number): number {
  if (logX === -Infinity) return -Infinity;
  if (logY === -Infinity) return 0;
  const x = Math.exp(logX);
  if (x < (a + 1) / (a + b + 2)) return logBetaFront(a, b, logX, logY) + Math.log(betaContinuedFraction(a, b, x));
  const complement = logBetaFront(b, a, logY, logX) + Math.log(betaContinuedFraction(b, a, Math.exp(logY)));
  return Math.log1p(-Math.min(Math.exp(complement), 1 - 1e-16));
}

/** log(x^a (1 - x)^b / (a B(a, b))). */
function logBetaFront(a: number, b: number, logX: number, logY: number): number {
  return a * logX + b * logY - (gammaln(a) + gammaln(b) - gammaln(a + b)) - Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/**
 * One-sided exact McNemar test on paired binary outcomes: `gained` pairs where only the
 * candidate flipped, `lost` where only the reference flipped. log P(X >= gained), X ~ Bin(gained + lost, 1/2).
 */
export function logMcNemarUpper(gained: number, lost: number): number {
  return logBinomialUpper(gained, gained + lost, 0.5);
}

/** Bonferroni threshold in log space. */
export function logBonferroni(alpha: number, tests: number): number {
  return Math.log(alpha) - Math.log(Math.max(1, tests));
}

/** A log p-value as a base-10 exponent for reports (e.g. -42.3 means p = 10^-42.3). */
export function log10P(logP: number): number {
  return Math.round((logP / Math.LN10) * 10) / 10;
}
