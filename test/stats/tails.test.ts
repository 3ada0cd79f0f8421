// Tail probabilities against reference values. Every figure was computed once with scipy 1.17
// (scipy.stats) or, where the tail underflows a double, with mpmath 1.3 at 50 digits; the
// expression is given beside each value. All values are natural logs of p unless marked p.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  log10P,
  logBinomialUpper,
  logBonferroni,
  logChiSquareUpper,
  logKolmogorovUpper,
  logMcNemarUpper,
  logNormalUpper,
  logPoissonUpper,
  logStudentTUpper,
} from '../../src/stats/tails.js';

/** |actual - expected| <= tolerance, and the same infinity. */
function close(actual: number, expected: number, tolerance: number, what = ''): void {
  if (!Number.isFinite(expected)) return assert.equal(actual, expected, what);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);
}

/** Relative closeness of two log p-values far in the tail (where an absolute tolerance means nothing). */
function closeRelative(actual: number, expected: number, relative: number, what = ''): void {
  close(actual, expected, Math.abs(expected) * relative, what);
}

test('binomial upper tail, log P(X >= k)', () => {
  // scipy.stats.binom.sf(9, 20, 0.3) = 0.04796189733134342
  close(Math.exp(logBinomialUpper(10, 20, 0.3)), 0.04796189733134342, 1e-14, 'k = 10, n = 20, p = 0.3');
  // Far tail, mpmath: log(sum_{i>=900} C(1000, i) 0.1^i 0.9^(1000-i)) = -1760.9369409101032
  closeRelative(logBinomialUpper(900, 1000, 0.1), -1760.9369409101032, 1e-13, 'k = 900, n = 1000, p = 0.1');
  // mpmath: log P(X >= 9000), X ~ Bin(10000, 0.3) = -7945.871887298983
  closeRelative(logBinomialUpper(9000, 10000, 0.3), -7945.871887298983, 1e-13, 'k = 9000, n = 10000, p = 0.3');
  // scipy.stats.binom.sf(999, 1000, 0.5) = 9.332636185032189e-302 (= 2^-1000; log = -693.1471805599453)
  closeRelative(logBinomialUpper(1000, 1000, 0.5), -693.1471805599454, 1e-13, 'p around 1e-301');
  // At or below the mean: a normal approximation with continuity correction (never significant).
  // scipy.stats.binom.sf(4, 10, 0.5) = 0.623046875
  close(Math.exp(logBinomialUpper(5, 10, 0.5)), 0.623046875, 0.002, 'k at the mean');
  // scipy.stats.binom.sf(2, 40, 0.5) = 0.9999999992533048
  close(logBinomialUpper(3, 40, 0.5), Math.log(0.9999999992533048), 1e-7, 'k far below the mean');
  // Edges.
  assert.equal(logBinomialUpper(0, 10, 0.5), 0);
  assert.equal(logBinomialUpper(11, 10, 0.5), -Infinity);
  assert.equal(logBinomialUpper(3, 10, 0), -Infinity);
  assert.equal(logBinomialUpper(3, 10, 1), 0);
});

test('Poisson upper tail, log P(X >= k)', () => {
  // scipy.stats.poisson.sf(9, 4) = 0.008132242796933871
  close(Math.exp(logPoissonUpper(10, 4)), 0.008132242796933871, 1e-15, 'k = 10, lambda = 4');
  // scipy.stats.poisson.sf(2, 5) = 0.8753479805169189 (k below lambda: through the lower sum)
  close(Math.exp(logPoissonUpper(3, 5)), 0.8753479805169189, 1e-14, 'k = 3, lambda = 5');
  // scipy.stats.poisson.sf(0, 0.1) = 0.09516258196404044
  close(Math.exp(logPoissonUpper(1, 0.1)), 0.09516258196404044, 1e-15, 'k = 1, lambda = 0.1');
  // mpmath: log sum_{i>=300} e^-10 10^i / i! = -734.0965389577393 (p around 1e-319)
  closeRelative(logPoissonUpper(300, 10), -734.0965389577393, 1e-13, 'k = 300, lambda = 10');
  // mpmath: log P(X >= 2000), X ~ Poisson(100) = -4096.132712927581
  closeRelative(logPoissonUpper(2000, 100), -4096.132712927581, 1e-13, 'k = 2000, lambda = 100');
  assert.equal(logPoissonUpper(0, 3), 0);
  assert.equal(logPoissonUpper(2, 0), -Infinity);
});

test('normal upper tail, log P(Z >= z)', () => {
  // Below z = 5: erfc (Numerical Recipes erfcc, relative error under 1.2e-7).
  // scipy.stats.norm.logsf(z) for z = -2, 0, 1.96, 4.9:
  close(logNormalUpper(-2), -0.023012909328963476, 1e-7, 'z = -2');
  close(logNormalUpper(0), -0.6931471805599453, 1e-7, 'z = 0');
  close(logNormalUpper(1.96), -3.6889636517296385, 1e-7, 'z = 1.96');
  close(logNormalUpper(4.9), -14.551182689355313, 1e-7, 'z = 4.9');
  // From z = 5: Mills' ratio to three terms; the first term left out is 15 / z^6 (1e-3 at z = 5).
  close(logNormalUpper(5), -15.064998393988727, 15 / 5 ** 6, 'z = 5');
  close(logNormalUpper(6), -20.73676894997471, 15 / 6 ** 6, 'z = 6');
  close(logNormalUpper(10), -53.23128515051248, 15 / 10 ** 6, 'z = 10');
  // scipy.stats.norm.logsf(37.5) = -707.6689893175072 (p = 4.6e-308)
  closeRelative(logNormalUpper(37.5), -707.6689893175072, 1e-10, 'z = 37.5');
  // scipy.stats.norm.logsf(40) = -804.6084420137539 (p under the smallest double)
  closeRelative(logNormalUpper(40), -804.6084420137539, 1e-10, 'z = 40');
  closeRelative(logNormalUpper(100), -5005.524208694205, 1e-12, 'z = 100');
});

test('chi-square upper tail, log P(X >= x)', () => {
  // scipy.stats.chi2.sf(3.841, 1) = 0.050013683763956804; chi2.sf(18.307, 10) = 0.05000058909139812
  close(Math.exp(logChiSquareUpper(3.841, 1)), 0.050013683763956804, 1e-14, 'x = 3.841, df = 1');
  close(Math.exp(logChiSquareUpper(18.307, 10)), 0.05000058909139812, 1e-14, 'x = 18.307, df = 10');
  // Series branch (x / 2 < df / 2 + 1): chi2.sf(0.5, 3) = 0.9188914116546758; chi2.sf(50, 100) = 0.9999930466947524
  close(Math.exp(logChiSquareUpper(0.5, 3)), 0.9188914116546758, 1e-14, 'x = 0.5, df = 3');
  close(logChiSquareUpper(50, 100), -6.953329421955093e-6, 1e-15, 'x = 50, df = 100');
  // chi2.sf(2, 4) = 0.7357588823428847 (= 2 e^-1)
  close(Math.exp(logChiSquareUpper(2, 4)), 0.7357588823428847, 1e-14, 'x = 2, df = 4');
  // scipy.stats.chi2.sf(1370, 1) = 6.942937364643681e-300 (log -688.837802961851)
  closeRelative(logChiSquareUpper(1370, 1), -688.837802961851, 1e-13, 'p around 1e-300');
  // mpmath: log gammainc(5, 50000, inf, regularized) = -49959.89886069111
  closeRelative(logChiSquareUpper(1e5, 10), -49959.89886069111, 1e-13, 'x = 1e5, df = 10');
  assert.equal(logChiSquareUpper(0, 3), 0);
});

test('Kolmogorov distribution upper tail, log P(K > lambda)', () => {
  // scipy.stats.kstwobign.sf(lambda), and mpmath's alternating series 2 sum (-1)^(k-1) e^(-2 k^2 lambda^2) past underflow.
  close(logKolmogorovUpper(0.3), -9.305844633804485e-6, 1e-12, 'lambda = 0.3');
  close(Math.exp(logKolmogorovUpper(0.5)), 0.9639452436648751, 1e-12, 'lambda = 0.5');
  close(Math.exp(logKolmogorovUpper(1)), 0.26999967167735456, 1e-12, 'lambda = 1');
  close(Math.exp(logKolmogorovUpper(1.36)), 0.049485876755377876, 1e-12, 'lambda = 1.36');
  close(Math.exp(logKolmogorovUpper(2)), 0.0006709252557796953, 1e-15, 'lambda = 2');
  // kstwobign.sf(10) = 2.767793053473475e-87 (log -199.30685281944005)
  closeRelative(logKolmogorovUpper(10), -199.30685281944005, 1e-14, 'lambda = 10');
  // mpmath: log P(K > 27) = -1457.30685281944 (p around 1e-633)
  closeRelative(logKolmogorovUpper(27), -1457.30685281944, 1e-14, 'lambda = 27');
  assert.equal(logKolmogorovUpper(0.1), 0);
});

test("Student's t upper tail, log P(T >= t)", () => {
  // scipy.stats.t.logsf(t, df)
  close(logStudentTUpper(2, 5), -2.976523167161812, 1e-12, 't = 2, df = 5');
  close(logStudentTUpper(-1.5, 3), -0.1224975557623724, 1e-12, 't = -1.5, df = 3');
  close(logStudentTUpper(0, 7), -0.6931471805599453, 1e-15, 't = 0');
  close(logStudentTUpper(1, 1), -1.3862943611198904, 1e-12, 'Cauchy: P(T >= 1) = 1/4');
  close(logStudentTUpper(3.5, 2.5), -3.643035588683693, 1e-12, 'fractional df');
  close(logStudentTUpper(1000, 2), -14.508659238522844, 1e-12, 't = 1000, df = 2');
  closeRelative(logStudentTUpper(50, 30), -69.14393740545138, 1e-12, 't = 50, df = 30');
  // scipy.stats.t.sf(1e60, 5) = 9.490167245562364e-300 (log -688.5252716624002)
  closeRelative(logStudentTUpper(1e60, 5), -688.5252716624002, 1e-12, 'p around 1e-300');
  // mpmath: log(betainc(1.5, 0.5, 0, 3 / (3 + 1e400), regularized) / 2) = -1381.4533323573828 (t^2 overflows a double)
  closeRelative(logStudentTUpper(1e200, 3), -1381.4533323573828, 1e-12, 't = 1e200, df = 3');
  // Few values: the t tail is much heavier than the normal one at the same statistic.
  assert.ok(logStudentTUpper(4, 3) > logNormalUpper(4) + 5);
  assert.equal(logStudentTUpper(Infinity, 4), -Infinity);
  assert.equal(logStudentTUpper(-Infinity, 4), 0);
  assert.ok(Number.isNaN(logStudentTUpper(1, 0)));
});

test('McNemar, Bonferroni, log10P', () => {
  // One-sided exact McNemar = binomial tail at 1/2: scipy.stats.binom.sf(14, 18, 0.5) = 0.0037689208984375
  close(Math.exp(logMcNemarUpper(15, 3)), 0.0037689208984375, 1e-15, '15 gained, 3 lost');
  assert.equal(logMcNemarUpper(0, 0), 0);
  close(logBonferroni(0.05, 20), Math.log(0.0025), 1e-15, 'alpha / tests');
  close(logBonferroni(0.05, 0), Math.log(0.05), 1e-15, 'no tests: alpha');
  assert.equal(log10P(-100 * Math.LN10), -100);
  assert.equal(log10P(Math.log(0.004)), -2.4);
  assert.equal(log10P(-Infinity), -Infinity);
});
