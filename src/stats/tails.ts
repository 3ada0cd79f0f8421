/**
 * Tail probabilities in log space (natural log), so that p-values of 1e-300 and below stay
 * comparable. Used with Bonferroni corrections: compare log p with log(alpha / tests).
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
