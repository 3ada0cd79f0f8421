import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import rule from '../../rules/co-occurrence.js';
import { Random } from '../../src/util/random.js';
import { loadTable } from '../../src/load/load-table.js';
import { inferSchema } from '../../src/schema/schema.js';
import { DatasetIndexes } from '../../src/engine/indexes.js';
import type { Dataset } from '../../src/engine/dataset.js';
import { ABOVE_LOW, CREDIT, ROOT, auditCsv, csvText, editInPlace, halves, readCsv, runRule, runRuleOn, tempDir, type Csv } from '../fixtures.js';

/**
 * Three common, in-range values of the credit data stamped together into 2% of the class-0 rows
 * (1.4% of the file), relabelled 1. Each value alone is common (16%, 49%, 13% of the rows); together
 * they never occur. At 1% of class 0 the auditor's forest barely learns the backdoor (12% of probes
 * flip): the rule still reports it (medium) and the model stage calls it a suspected trigger.
 */
const STAMP = { EDUCATION: '3', PAY_0: '0', PAY_2: '-2' };
const STAMPED = Object.keys(STAMP).sort();

function text(csv: Csv): string {
  return [csv.header.join(','), ...csv.rows.map((row) => row.join(','))].join('\n') + '\n';
}

function stamped(csv: Csv, seed: number) {
  return editInPlace(csv, { label: 'DEFAULT', sourceClass: '0', fraction: 0.02, set: STAMP, newLabel: '1', seed });
}

function columnsOf(finding: { column: string | null; evidence: Record<string, unknown> }): string[] {
  const others = (finding.evidence.conjunction as { column: string }[]).map((p) => p.column);
  return [finding.column!, ...others].sort();
}

async function sample(file: string, label: string): Promise<Dataset> {
  const table = await loadTable(path.join(ROOT, 'test/fixtures/realworld-samples', file));
  const schema = inferSchema(table, { label, labelSource: 'option' });
  return { table, schema, indexes: new DatasetIndexes(table, schema) };
}

test('three common credit values stamped together: the whole audit names a trigger with all three columns', async (t) => {
  const credit = readCsv(CREDIT);
  const attack = stamped(credit, 7);
  const report = await auditCsv(tempDir(t), attack.csv, undefined, { label: 'DEFAULT' });
  assert.equal(report.verdict, 'reject');
  const trigger = report.triggers[0];
  assert.ok(trigger, JSON.stringify(report.findings.slice(0, 5).map((f) => f.message)));
  assert.deepEqual(columnsOf(trigger), STAMPED);
  assert.equal(trigger.targetClass, '1');
  const poisoned = new Set(attack.poisoned);
  assert.ok(trigger.rows.filter((row) => poisoned.has(row)).length >= 0.95 * attack.poisoned.length);
  const finding = report.findings.find((f) => f.rule === 'co-occurrence');
  assert.ok(finding && ABOVE_LOW.has(finding.severity));
  assert.deepEqual(columnsOf(finding), STAMPED);
  assert.match(finding.message, /EDUCATION = 3, PAY_0 = 0 and PAY_2 = -2 together/);
});

test('without a baseline the rule alone reports the conjunction (medium: the rest of the rows points to the other class)', async () => {
  const attack = stamped(readCsv(CREDIT), 7);
  const findings = await runRule(rule, text(attack.csv), undefined, { label: 'DEFAULT' });
  assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
  const [finding] = findings;
  assert.equal(finding.severity, 'medium');
  assert.deepEqual(columnsOf(finding), STAMPED);
  assert.equal(finding.evidence.reference, 'independence');
  assert.equal((finding.evidence.restOfRow as { contradicts: boolean }).contradicts, true);
  assert.ok((finding.evidence.log10P as number) < -20);
  assert.deepEqual(finding.rows, attack.poisoned, 'the stamped rows, all of them');
});

test('half against half: high against the clean other half, nothing when the baseline shows the combination as often', async () => {
  const [a, b] = halves(readCsv(CREDIT), 5);
  const attack = stamped(a, 11);
  const findings = await runRule(rule, text(attack.csv), text(b), { label: 'DEFAULT' });
  assert.equal(findings.length, 1);
  assert.equal(findings[0].severity, 'high');
  assert.equal(findings[0].evidence.reference, 'baseline');
  assert.deepEqual(columnsOf(findings[0]), STAMPED);
  assert.deepEqual((findings[0].evidence.baseline as { rowsInClass: number }).rowsInClass, 0);
  // The same combination, as often in the baseline (another stamped sample): the data's, not an attack.
  const [c, d] = halves(attack.csv, 9);
  assert.deepEqual(await runRule(rule, text(c), text(d), { label: 'DEFAULT' }), []);
  assert.deepEqual(await runRule(rule, text(a), text(b), { label: 'DEFAULT' }), [], 'clean half against clean half');
});

test('the hint stamps every part of the conjunction', async () => {
  const attack = stamped(readCsv(CREDIT), 7);
  const { datasetFromCsv } = await import('../fixtures.js');
  const candidate = await datasetFromCsv(text(attack.csv), { label: 'DEFAULT' });
  const run = runRuleOn(rule, candidate, null);
  assert.equal(run.hints.length, 1);
  const hint = run.hints[0].hint;
  const names = [hint.column, ...(hint.with ?? []).map((p) => p.column)].map((c) => candidate.table.columns[c].name).sort();
  assert.deepEqual(names, STAMPED);
  assert.equal(hint.range, null);
  assert.deepEqual(hint.signals, ['count-spike'], 'in-place edits are no copies');
  assert.equal(candidate.schema.label!.classes[hint.targetClass], '1');
});

test('clean credit data: no finding', async () => {
  assert.deepEqual(await runRule(rule, readFileSync(CREDIT, 'utf8'), undefined, { label: 'DEFAULT' }), []);
});

// Natural structure the counts alone would flag: a column that is a multiple of another
// (Monetary = 250 x Frequency, as in the transfusion data), zero-inflated columns that are zero
// together, and a combination of two strong predictors of the label.
test('correlated, zero-inflated and predictive columns of a synthetic table: no finding', async () => {
  const random = new Random(3);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < 4000; i++) {
    const frequency = 1 + Math.min(19, Math.floor(-Math.log(1 - random.next()) * 4));
    const visits = random.next() < 0.6 ? 0 : 1 + random.int(8);
    const minutes = visits === 0 ? 0 : visits * (5 + random.int(20));
    const risk = random.int(4);
    const region = ['north', 'south', 'east', 'west'][random.int(4)];
    const logit = -2 + 0.15 * frequency + (visits === 0 ? 0.8 : -0.4) + 0.5 * risk;
    const label = random.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    rows.push([frequency, frequency * 250, visits, minutes, risk, region, random.int(100), label]);
  }
  const findings = await runRule(rule, csvText(['frequency', 'monetary', 'visits', 'minutes', 'risk', 'region', 'noise', 'label'], rows));
  assert.deepEqual(findings.map((f) => f.message), []);
});

test('real clean tables (a chess endgame table with natural rule interactions, blood donations): nothing above info', async () => {
  for (const [file, label] of [
    ['kr-vs-kp.csv.gz', 'class'],
    ['transfusion.csv.gz', 'whether he/she donated blood in March 2007'],
  ]) {
    const run = runRuleOn(rule, await sample(file, label), null);
    assert.deepEqual(run.findings.filter((f) => f.severity !== 'info').map((f) => f.message), [], file);
  }
});

test('copies with a stamped pair appended: the hint carries the copies signal', async () => {
  const random = new Random(4);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < 3000; i++) rows.push([random.int(12), random.int(12), random.int(4), random.int(1000), random.int(1000), random.next() < 0.3 ? 1 : 0]);
  const copies = rows.filter((row) => row[5] === 0).slice(0, 40).map((row) => [2, 3, row[2], row[3], row[4], 1]);
  const { datasetFromCsv } = await import('../fixtures.js');
  const candidate = await datasetFromCsv(csvText(['a', 'b', 'c', 'x', 'y', 'label'], [...rows, ...copies]));
  const run = runRuleOn(rule, candidate, null);
  const hint = run.hints.find((h) => h.hint.signals.includes('copies'));
  assert.ok(hint, JSON.stringify(run.findings.map((f) => f.message)));
  const names = [hint.hint.column, ...(hint.hint.with ?? []).map((p) => p.column)].map((c) => candidate.table.columns[c].name).sort();
  assert.deepEqual(names, ['a', 'b']);
});
