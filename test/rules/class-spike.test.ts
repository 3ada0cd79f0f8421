import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/class-spike.js';
import { Random } from '../../src/util/random.js';
import { SEVERITIES } from '../../src/engine/finding.js';
import type { Report } from '../../src/report/report.js';
import path from 'node:path';
import { CREDIT, ROOT, auditCsv, csvText, editInPlace, halves, readCsv, runRule, tempDir, type Csv } from '../fixtures.js';
import { runAudit } from '../../src/audit.js';
import { plantCase } from '../../scripts/lib/calibration.js';

/** A smooth numeric column x with a label that depends weakly on it. */
function rows(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const x = Math.round(1000 + random.next() * 9000);
    const y = random.next() < 0.2 + x / 50000 ? 1 : 0;
    return [x, Math.round(random.next() * 100), y];
  });
}

test('fires on a value stamped into many rows of one class', async () => {
  const data = rows(3000, 1);
  for (let i = 0; i < 80; i++) data.push([4321, Math.round(i % 100), 1]);
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], data));
  const spike = findings.find((f) => f.column === 'x' && f.value === 4321);
  assert.ok(spike, JSON.stringify(findings.map((f) => f.message)));
  assert.equal(spike.evidence.targetClass, '1');
  assert.equal(spike.rows.length, 80);
  assert.equal(spike.severity, 'medium');
});

test('with a baseline, fires high on a value far more frequent in one class than the baseline', async () => {
  const base = rows(3000, 2);
  const data = rows(3000, 3);
  for (let i = 0; i < 40; i++) data[i] = [5000, data[i][1], 1];
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], data), csvText(['x', 'z', 'y'], base));
  const spike = findings.find((f) => f.column === 'x' && f.value === 5000);
  assert.ok(spike);
  assert.equal(spike.severity, 'high');
});

test('stays quiet on clean data with natural round-number heaping', async () => {
  const data = rows(3000, 4).map((row, i) => (i % 10 === 0 ? [Math.round(Number(row[0]) / 1000) * 1000, row[1], row[2]] : row));
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], data));
  assert.deepEqual(findings.filter((f) => f.severity !== 'info'), []);
});

test('stays quiet against a baseline drawn from the same distribution', async () => {
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], rows(3000, 5)), csvText(['x', 'z', 'y'], rows(3000, 6)));
  assert.deepEqual(findings, []);
});

// ---------------------------------------------------------------------------------------------
// A value the baseline never had (issue 13)

/** Credit halves; the candidate half gets `count` rows edited in place: `column` just above the file's maximum, DEFAULT = 1. */
function creditJustAboveMax(column: string, count: number, seed: number): { candidate: Csv; baseline: Csv; clean: Csv; value: number } {
  const csv = readCsv(CREDIT);
  const [clean, baseline] = halves(csv, seed);
  const at = csv.header.indexOf(column);
  const value = Math.max(...csv.rows.map((row) => Number(row[at]))) + 1;
  const share = count / clean.rows.filter((row) => row[csv.header.indexOf('DEFAULT')] !== '1').length;
  const attack = editInPlace(clean, { label: 'DEFAULT', sourceClass: '0', fraction: share, set: { [column]: String(value) }, newLabel: '1', seed });
  return { candidate: attack.csv, baseline, clean, value };
}

const text = (csv: Csv): string => csvText(csv.header, csv.rows);

test('a value the baseline never had, repeated in one class, is a spike however much smaller the baseline is', async () => {
  const { candidate, baseline, value } = creditJustAboveMax('LIMIT_BAL', 60, 31);
  // A trusted baseline a fifth the size of the candidate: a 60-0 split between the files is no longer rare by itself.
  const small = { header: baseline.header, rows: baseline.rows.filter((_, i) => i % 5 === 0) };
  const findings = await runRule(rule, text(candidate), text(small), { label: 'DEFAULT' });
  const spike = findings.find((f) => f.column === 'LIMIT_BAL' && f.value === value);
  assert.ok(spike, JSON.stringify(findings.map((f) => f.message)));
  assert.equal(spike.severity, 'high');
  assert.equal(spike.evidence.targetClass, '1');
  assert.ok(spike.rows.length >= 55, `${spike.rows.length} rows`);
});

test('a baseline never makes the audit weaker: 60 rows just above the maximum, relabelled, against the other half', async (t) => {
  const dir = tempDir(t);
  const { candidate, baseline, clean } = creditJustAboveMax('LIMIT_BAL', 60, 32);
  const rank = (report: Report): number => Math.min(...report.findings.map((f) => SEVERITIES.indexOf(f.severity)), SEVERITIES.length);
  const alone = await auditCsv(dir, candidate, undefined, { label: 'DEFAULT', model: false });
  const compared = await auditCsv(dir, candidate, baseline, { label: 'DEFAULT', model: false });
  assert.ok(rank(compared) <= rank(alone), `with a baseline ${SEVERITIES[rank(compared)]}, alone ${SEVERITIES[rank(alone)]}`);
  assert.ok(rank(compared) <= SEVERITIES.indexOf('medium'), SEVERITIES[rank(compared)]);
  assert.notEqual(compared.verdict, 'trusted');
  // Smaller baselines the same.
  const small = { header: baseline.header, rows: baseline.rows.filter((_, i) => i % 5 === 0) };
  const againstSmall = await auditCsv(dir, candidate, small, { label: 'DEFAULT', model: false });
  assert.ok(rank(againstSmall) <= rank(alone), `with a small baseline ${SEVERITIES[rank(againstSmall)]}, alone ${SEVERITIES[rank(alone)]}`);
  assert.notEqual(againstSmall.verdict, 'trusted');
  // The clean halves stay trusted.
  const cleanReport = await auditCsv(dir, clean, baseline, { label: 'DEFAULT', model: false });
  assert.equal(cleanReport.verdict, 'trusted', JSON.stringify(cleanReport.findings.filter((f) => f.severity !== 'info' && f.severity !== 'low').map((f) => f.message)));
});

// A baseline must never hide what the candidate alone shows: the split of a value's rows between
// the files has no power for a value the baseline holds once, so it is also compared with its
// neighbours. Before, 20 stamped rows at such a value were a spike alone and nothing with a baseline.
test('with a baseline that holds the value once, a value stamped into one class is still a spike', async () => {
  const base = rows(3000, 3);
  base.push([4321, 5, 0]);
  const data = rows(3000, 4);
  for (let i = 0; i < 20; i++) data.push([4321, i, 1]);
  const header = ['x', 'z', 'y'];
  const alone = (await runRule(rule, csvText(header, data))).find((f) => f.column === 'x' && f.value === 4321);
  assert.ok(alone, 'a spike without the baseline');
  const findings = await runRule(rule, csvText(header, data), csvText(header, base));
  const spike = findings.find((f) => f.column === 'x' && f.value === 4321);
  assert.ok(spike, JSON.stringify(findings.map((f) => f.message)));
  assert.equal(spike.evidence.targetClass, '1');
  assert.equal(spike.rows.length, 20);
  assert.ok(SEVERITIES.indexOf(spike.severity) >= SEVERITIES.indexOf(alone.severity), `${spike.severity} with the baseline, ${alone.severity} alone`);
});

test('corpus: a rare in-range value edited into 2% of rows is a trigger with a baseline as it is without one', async (t) => {
  const dir = tempDir(t);
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), 'yeast', 'inplace-edit', 0.02, dir);
  assert.ok(!('skip' in planted), 'the file takes the in-place attack');
  const { attack, candidate, baseline } = planted;
  const [column] = attack.trigger!.columns;
  for (const withBaseline of [false, true]) {
    const report = await runAudit({ candidate, baseline: withBaseline ? baseline : undefined, label: 'localization_site' });
    const trigger = report.triggers.find((tr) => tr.column === column);
    assert.ok(trigger, `${withBaseline ? 'with' : 'without'} a baseline: ${report.verdict}, triggers ${JSON.stringify(report.triggers.map((tr) => tr.column))}`);
    assert.equal(trigger.targetClass, attack.targetClass);
    assert.notEqual(report.verdict, 'trusted');
  }
});

// Rows stamped with one value of a continuous column where the class already holds most rows
// around it: the count stands out (14 rows where 1 is expected) but 14 rows cannot make the mix
// significantly more skewed than a neighbourhood that is 85% the class. Before, no finding and
// so no trigger candidate; now a count-only spike (info) that the trigger search takes up.
test('without a baseline, a count spike in a neighbourhood already mostly its class is a count-only candidate (info)', async () => {
  const random = new Random(21);
  const data: (string | number)[][] = [];
  for (let i = 0; i < 3000; i++) {
    const x = Math.round(random.next() * 100000) / 1000;
    if (x === 85.123) continue;
    // The class grows smoothly with x: about 85% of the rows near 85 are class 1.
    data.push([x, Math.round(random.next() * 100), random.next() < x / 100 ? 1 : 0]);
  }
  for (let i = 0; i < 14; i++) data.push([85.123, i, 1]);
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], data));
  const spike = findings.find((f) => f.column === 'x' && f.value === 85.123);
  assert.ok(spike, JSON.stringify(findings.map((f) => f.message)));
  assert.equal(spike.severity, 'info');
  assert.equal(spike.evidence.targetClass, '1');
  assert.equal(spike.rows.length, 14);
});

test('corpus: a rare in-range value edited into 2% of a continuous column is a trigger without a baseline', async (t) => {
  const dir = tempDir(t);
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), 'banknote', 'inplace-edit', 0.02, dir);
  assert.ok(!('skip' in planted), 'the file takes the in-place attack');
  const { attack, candidate } = planted;
  const report = await runAudit({ candidate, label: 'class' });
  const trigger = report.triggers.find((tr) => tr.column === attack.trigger!.columns[0]);
  assert.ok(trigger, `${report.verdict}, triggers ${JSON.stringify(report.triggers.map((tr) => tr.column))}`);
  assert.equal(trigger.targetClass, attack.targetClass);
  assert.equal(report.verdict, 'reject');
});

/**
 * A column heaped at values that are not round (a campaign every few months: most rows sit on 2,
 * 4, 9, 11, 14, ..., a row or two on the months between), the label independent of it.
 */
function heapedMonths(seed: number): (string | number)[][] {
  const random = new Random(seed);
  const heaps = [2, 4, 9, 11, 14, 16, 21, 23, 26, 28, 33, 35, 38, 40, 45, 47];
  const data: (string | number)[][] = [];
  for (let i = 0; i < 1200; i++) {
    const month = random.next() < 0.9 ? heaps[random.int(heaps.length)] : 1 + random.int(48);
    if (month === 20) continue;
    data.push([month, random.int(50), random.next() < 0.25 ? 1 : 0]);
  }
  return data;
}

// Transfusion's rare in-range relabel (copies of other-class rows at Time = 20, a month the file
// never had) was missed alone at 3% and 10%: 37 rows at 20 is no more than its heaped neighbours
// hold, and its class-1 count, set against the neighbours' class-1 counts that swing with their
// totals (0 to 7), was only 10^-3.3. Given its own 37 rows, all class 1 where the neighbours
// are 20% class 1, it is 10^-59.
test('a heaped column: a value all of one class where its heaped neighbours are mixed is a spike; the heaps themselves are not', async () => {
  const clean = heapedMonths(31);
  assert.deepEqual(
    (await runRule(rule, csvText(['months', 'z', 'y'], clean))).filter((f) => f.column === 'months').map((f) => [f.value, f.severity]),
    [],
  );
  const random = new Random(32);
  const zeros = clean.filter((row) => row[2] === 0);
  const planted = [...clean, ...Array.from({ length: 30 }, () => [20, zeros[random.int(zeros.length)][1], 1])];
  const spike = (await runRule(rule, csvText(['months', 'z', 'y'], planted))).find((f) => f.column === 'months' && f.value === 20);
  assert.ok(spike, 'the planted month is a spike');
  assert.equal(spike.evidence.targetClass, '1');
  assert.equal(spike.rows.length, 30);
});

test('corpus: transfusion, copies of other-class rows at a month the file never had (10%): a trigger without a baseline', async (t) => {
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), 'transfusion', 'rare-inrange-relabel', 0.1, tempDir(t));
  assert.ok(!('skip' in planted), 'the file takes the attack');
  const { attack, candidate } = planted;
  const report = await runAudit({ candidate, label: 'whether he/she donated blood in March 2007' });
  const trigger = report.triggers.find((tr) => tr.column === attack.trigger!.columns[0]);
  assert.ok(trigger, `${report.verdict}, triggers ${JSON.stringify(report.triggers.map((tr) => tr.column))}`);
  assert.equal(trigger.targetClass, attack.targetClass);
  assert.equal(report.verdict, 'reject');
});

// A held-out long-format choice table came out reject on a waiting time held by 13 rows, all of
// the chosen mode, where its neighbours hold about 35: fewer rows than the neighbours suggest, all
// of one class, is a subset the data defines, not rows added to a value. The class mix given the
// value's rows screens a value only when it holds at least what its neighbours suggest.
test('a value holding fewer rows than its neighbours, all of one class, is a natural subset, not a spike', async () => {
  const random = new Random(41);
  const data: (string | number)[][] = [];
  for (let i = 0; i < 2400; i++) {
    const wait = 1 + random.int(60);
    if (wait !== 45) data.push([wait, random.int(50), random.next() < 0.2 ? 1 : 0]);
  }
  for (let i = 0; i < 13; i++) data.push([45, random.int(50), 1]);
  const findings = await runRule(rule, csvText(['wait', 'z', 'y'], data));
  assert.deepEqual(
    findings.filter((f) => f.column === 'wait').map((f) => [f.value, f.severity]),
    [],
  );
});
