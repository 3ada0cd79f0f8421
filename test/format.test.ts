// The shared formatting (src/format.ts): what every message and renderer writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayValue,
  formatCompact,
  formatInteger,
  formatNumber,
  formatP,
  formatRange,
  formatShort,
  formatValue,
  percent,
  percentOneDecimal,
  round,
  rowSample,
  safeText,
  terminalSafe,
  triggerSentence,
  triggerWhere,
  visible,
  type TriggerWords,
} from '../src/format.js';
import { compareText } from '../src/util/compare.js';

test('numbers, values and ranges', () => {
  assert.equal(formatNumber(30), '30');
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(12345.67), '12345.67');
  assert.equal(formatNumber(-1.23456789), '-1.234568');
  assert.equal(formatNumber(Infinity), 'Infinity');
  assert.equal(formatValue(2.5), '2.5');
  assert.equal(formatValue('north'), "'north'");
  assert.equal(displayValue('north'), 'north');
  assert.equal(displayValue(null), '');
  assert.equal(formatRange([0.02, 0.0712345678]), '0.02..0.071235');
  assert.equal(round(0.123456), 0.1235);
  assert.equal(round(2.5, 0), 3);
  assert.equal(formatInteger(1234567), '1,234,567');
  assert.equal(formatInteger(-999.6), '-1,000');
  assert.equal(formatCompact(12345), '12,345');
  assert.equal(formatCompact(0.123456), '0.1235');
  assert.equal(formatShort(123457), '123k');
  assert.equal(formatShort(1500000), '1.5M');
  assert.equal(formatShort(-20000), '-20k');
});

test('percents: whole, but never 0% or 100% for a share that is neither; one decimal for before/after', () => {
  assert.equal(percent(0.93), '93%');
  assert.equal(percent(0), '0%');
  assert.equal(percent(1), '100%');
  assert.equal(percent(0.003), '0.3%');
  assert.equal(percent(0.00007), '0.007%');
  assert.equal(percent(0.996), '99.6%');
  assert.equal(percent(0.994), '99.4%');
  assert.equal(percent(0.125), '13%');
  assert.equal(percentOneDecimal(0), '0.0%');
  assert.equal(percentOneDecimal(1), '100.0%');
  assert.equal(percentOneDecimal(0.0833), '8.3%');
});

test('p-values from natural logs', () => {
  assert.equal(formatP(Math.log(0.004)), 'p = 0.004');
  assert.equal(formatP(Math.log(0.5)), 'p = 0.500');
  assert.equal(formatP(-42 * Math.LN10), 'p = 1e-42');
  assert.equal(formatP(-400 * Math.LN10), 'p < 1e-300');
});

test('row samples', () => {
  assert.equal(rowSample([], 0), '');
  assert.equal(rowSample([1, 2, 3], 3), '1, 2, 3');
  assert.equal(rowSample([1, 2, 3], 5000), '1, 2, 3, … (5,000 in all)');
  assert.equal(rowSample([1, 2, 3, 4], 4, 2), '1, 2, … (4 in all)');
});

test('one trigger sentence, for the finding message and every renderer', () => {
  const trigger: TriggerWords = { column: 'AGE', value: 999, range: null, targetClass: '1', support: 3007, flipRate: 0.93, referenceFlipRate: 0.02, evidence: { reference: 'baseline' } };
  assert.equal(
    triggerSentence(trigger, 'DEFAULT'),
    'AGE = 999 turns 93% of probes of other classes into DEFAULT = 1 under the candidate model, 2% under the baseline model; 3007 rows carry it.',
  );
  assert.match(triggerSentence({ ...trigger, evidence: { reference: 'cleaned' } }, 'y'), /under a model trained without the implicated rows;/);
  assert.equal(triggerWhere({ ...trigger, value: null, range: [100, 200.5] }), 'AGE in 100..200.5');
  assert.equal(triggerWhere({ ...trigger, evidence: { pairedWith: { column: 'city', value: 'Mu' } } }), "AGE = 999 together with city = 'Mu'");
  assert.equal(
    triggerWhere({ ...trigger, value: 'x', evidence: { conjunction: [{ column: 'B', value: 2 }, { column: 'C', value: 'y' }] } }),
    "AGE = 'x' together with B = 2 and C = 'y'",
  );
});

test('one sanitiser: line breaks and tabs become a space; other unsafe characters dropped, marked or escaped', () => {
  const hostile = 'a\u001b[31mb\u202ec\nd\te\r\u009bf\u0007';
  assert.equal(terminalSafe(hostile), 'a[31mbc d e f');
  assert.equal(visible(hostile), 'a\uFFFD[31mb\uFFFDc d e \uFFFDf\uFFFD');
  assert.equal(safeText(hostile, 'escape'), 'a\\u001b[31mb\\u202ec d e \\u009bf\\u0007');
  assert.equal(safeText('plain text, ünïcode ✓', 'drop'), 'plain text, ünïcode ✓');
  assert.equal(visible('\u2066iso\u2069 \u007f'), '\uFFFDiso\uFFFD \uFFFD');
});

test('text is ordered by code units, not by locale', () => {
  const names = ['z', 'å', 'ä', 'Z', 'aa', 'v', 'w', 'a', 'ö'];
  assert.deepEqual([...names].sort(compareText), ['Z', 'a', 'aa', 'v', 'w', 'z', 'ä', 'å', 'ö']);
  assert.equal(compareText('b', 'b'), 0);
  assert.ok(compareText('B', 'a') < 0, 'upper case first');
});
