import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/range.js';
import { Random } from '../../src/util/random.js';
import { CREDIT, csvText, editInPlace, halves, readCsv, runRule, type Csv } from '../fixtures.js';

function rows(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => [random.int(60) + 20, Math.round(random.next() * 1000), random.int(2)]);
}

test('fires high on values outside a semantic domain (an age of 999)', async () => {
  const data = [...rows(500, 1), [999, 10, 1], [999, 20, 1]];
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], data));
  const age = findings.find((f) => f.column === 'Age');
  assert.ok(age);
  assert.equal(age.severity, 'high');
  assert.deepEqual(age.rows, [500, 501]);
  assert.equal(age.value, 999);
});

test('uses configured constraints first', async () => {
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], rows(300, 2)), undefined, {}, { constraints: { spend: { max: 500 } } });
  const spend = findings.find((f) => f.column === 'spend');
  assert.ok(spend && spend.severity === 'high' && spend.evidence.boundsSource === 'config');
});

test('flags values far outside the baseline range: medium in mixed classes, high when all in one class', async () => {
  // Issue 13: one value repeated far out (49 baseline spans) in rows of one class is what a planted trigger looks like.
  const data = [...rows(300, 3), ...Array.from({ length: 12 }, () => [40, 50000, 0])];
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], data), csvText(['Age', 'spend', 'label'], rows(300, 4)));
  const spend = findings.find((f) => f.column === 'spend');
  assert.ok(spend && spend.severity === 'high');
  const mixed = [...rows(300, 3), ...Array.from({ length: 12 }, (_, i) => [40, 50000, i % 2])];
  const mixedFindings = await runRule(rule, csvText(['Age', 'spend', 'label'], mixed), csvText(['Age', 'spend', 'label'], rows(300, 4)));
  assert.equal(mixedFindings.find((f) => f.column === 'spend')?.severity, 'medium');
});

test('reports non-finite numbers', async () => {
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], [...rows(100, 5), [30, '1e309', 0]]));
  assert.ok(findings.some((f) => f.column === 'spend' && f.evidence.nonFinite === 1));
});

test('stays quiet within the domain and the baseline range, and does not apply "age" to a column in months', async () => {
  assert.deepEqual(await runRule(rule, csvText(['Age', 'spend', 'label'], rows(300, 6)), csvText(['Age', 'spend', 'label'], rows(300, 7))), []);
  const months = rows(300, 8).map((row) => [Number(row[0]) * 12, row[1], row[2]]);
  const findings = await runRule(rule, csvText(['age_months', 'spend', 'label'], months));
  assert.deepEqual(findings.filter((f) => f.severity !== 'info'), []);
});

// ---------------------------------------------------------------------------------------------
// Severity by distance and class concentration (issue 13)

/** `count` rows of a column `level` spread over 30..60, a noise column and a label (class 1 in about a quarter). */
function levels(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => [30 + random.int(31), random.int(100), random.next() < 0.25 ? 1 : 0]);
}
const LEVEL_HEADER = ['level', 'noise', 'label'];

/** The first `count` rows get `level` = value and the label `cls` (edited in place). */
function stamped(data: (string | number)[][], count: number, value: number, cls: number): (string | number)[][] {
  return data.map((row, i) => (i < count ? [value, row[1], cls] : row));
}

test('a repeated value far outside the baseline range is high, however few rows it has', async () => {
  const candidate = csvText(LEVEL_HEADER, stamped(levels(150, 11), 8, 999, 1));
  const findings = await runRule(rule, candidate, csvText(LEVEL_HEADER, levels(150, 12)));
  const level = findings.find((f) => f.column === 'level');
  assert.ok(level, 'a finding on level');
  assert.equal(level.severity, 'high');
  assert.equal(level.value, 999);
  assert.equal(level.rows?.length, 8);
});

test('without a baseline, a repeated value far outside the bulk is high on five rows', async () => {
  const findings = await runRule(rule, csvText(LEVEL_HEADER, stamped(levels(150, 13), 5, 999, 1)));
  const level = findings.find((f) => f.column === 'level');
  assert.ok(level, 'a finding on level');
  assert.equal(level.severity, 'high');
  assert.ok((level.evidence.distance as number) >= 20, `distance ${level.evidence.distance}`);
});

test('a few rows just beyond the baseline range, of both classes, are low', async () => {
  const data = levels(300, 14).map((row, i) => (i < 2 ? [77 + i, row[1], i] : row));
  const findings = await runRule(rule, csvText(LEVEL_HEADER, data), csvText(LEVEL_HEADER, levels(300, 15)));
  const level = findings.find((f) => f.column === 'level');
  assert.ok(level, 'a finding on level');
  assert.equal(level.severity, 'low');
});

test('a natural heavy tail (distinct values, both classes) far outside the bulk stays at most low without a baseline', async () => {
  const random = new Random(16);
  // Mostly zeros and small amounts, a long tail of distinct large amounts.
  const data = Array.from({ length: 700 }, (_, i) => {
    const amount = i % 2 === 0 ? 0 : i % 40 === 1 ? Math.round(5000 + random.next() * 100000) : Math.round(random.next() * 500);
    return [amount, random.int(100), random.next() < 0.45 ? 1 : 0];
  });
  const findings = await runRule(rule, csvText(['amount', 'noise', 'label'], data));
  const amount = findings.find((f) => f.column === 'amount');
  assert.ok(amount, 'the tail is reported');
  assert.ok(amount.severity === 'low' || amount.severity === 'info', amount.severity);
});

test('the end of a heavy tail (a city population, repeated at its largest city, mixed classes) is not a sentinel; the same value beyond a narrow bulk is', async () => {
  // A held-out survey (statsmodels anes96) came out review on this: populations in thousands, most
  // respondents in places of 1-110, a few cities of 1,600-3,500, and 18 respondents in one city of
  // 7,300, 66 IQRs beyond the quartiles and alone there. On the log scale it is 1 IQR out.
  const random = new Random(21);
  const city = (): number => Math.round(Math.exp(random.next() * 4.7));
  const big = [1600, 1600, 2800, 2800, 3500];
  const data = (population: () => number) =>
    Array.from({ length: 900 }, (_, i) => [i < 18 ? 7300 : i < 18 + 5 * 6 ? big[i % 5] : population(), random.int(7), random.next() < 0.4 ? 1 : 0]);
  const heavy = (await runRule(rule, csvText(['popul', 'news', 'label'], data(city)))).find((f) => f.column === 'popul');
  assert.ok(heavy, 'the tail is reported');
  assert.ok(heavy.severity === 'low' || heavy.severity === 'info', heavy.severity);
  // Values of 400-600 have a narrow bulk on the log scale too: 7,300 there is a sentinel or a unit error.
  const narrow = (await runRule(rule, csvText(['popul', 'news', 'label'], data(() => 400 + random.int(200))))).find((f) => f.column === 'popul');
  assert.equal(narrow?.severity, 'medium');
});

test('with a baseline, the bulk still applies: a baseline with one huge value does not hide a repeated far value', async () => {
  const baseline = levels(300, 17);
  baseline[0] = [5000, 1, 0];
  const candidate = stamped(levels(300, 18), 10, 4000, 1);
  const findings = await runRule(rule, csvText(LEVEL_HEADER, candidate), csvText(LEVEL_HEADER, baseline));
  const level = findings.find((f) => f.column === 'level');
  assert.ok(level, 'a finding on level');
  assert.equal(level.severity, 'high');
  assert.equal(level.evidence.boundsSource, 'data');
});

test('the baseline margin does not hide a value that is new, repeated and concentrated in one class', async () => {
  // Just beyond the baseline's maximum (inside its margin), in 60 rows that all carry class 1.
  const candidate = stamped(levels(3000, 19), 60, 61, 1);
  const findings = await runRule(rule, csvText(LEVEL_HEADER, candidate), csvText(LEVEL_HEADER, levels(3000, 20)));
  const level = findings.find((f) => f.column === 'level');
  assert.ok(level, 'a finding on level');
  assert.ok(level.severity === 'medium' || level.severity === 'high', level.severity);
  assert.equal(level.value, 61);
  assert.equal(level.rows?.length, 60);
  // The same value in rows of both classes in the prior's mix is a new extreme, not a trigger.
  const mixed = levels(3000, 21).map((row, i) => (i < 60 ? [61, row[1], row[2]] : row));
  const quiet = await runRule(rule, csvText(LEVEL_HEADER, mixed), csvText(LEVEL_HEADER, levels(3000, 20)));
  assert.deepEqual(quiet.filter((f) => f.severity !== 'info' && f.severity !== 'low'), []);
});

test('real heavy tails (the credit amounts, round values repeated far out) stay at most low; a value planted beyond them does not', async () => {
  const csv = readCsv(CREDIT);
  const text = (data: Csv): string => csvText(data.header, data.rows);
  const aboveLow = (findings: { severity: string }[]) => findings.filter((f) => f.severity !== 'info' && f.severity !== 'low');
  assert.deepEqual(aboveLow(await runRule(rule, text(csv), undefined, { label: 'DEFAULT' })), []);
  const [a, b] = halves(csv, 51);
  assert.deepEqual(aboveLow(await runRule(rule, text(a), text(b), { label: 'DEFAULT' })), []);
  // Eight rows at ten times the column's maximum, all relabelled to the minority class: far beyond a natural tail.
  const at = csv.header.indexOf('PAY_AMT1');
  const value = String(10 * Math.max(...a.rows.map((row) => Number(row[at]))));
  const planted = editInPlace(a, { label: 'DEFAULT', sourceClass: '0', fraction: 8 / 11000, set: { PAY_AMT1: value }, newLabel: '1', seed: 51 });
  assert.ok(planted.poisoned.length >= 5, `${planted.poisoned.length} rows planted`);
  for (const baseline of [undefined, text(b)]) {
    const finding = (await runRule(rule, text(planted.csv), baseline, { label: 'DEFAULT' })).find((f) => f.column === 'PAY_AMT1');
    assert.ok(finding, 'a finding on the planted column');
    assert.equal(finding.severity, 'high');
    assert.deepEqual(finding.rows, planted.poisoned);
  }
});
