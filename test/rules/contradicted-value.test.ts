import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import rule from '../../rules/contradicted-value.js';
import { Random } from '../../src/util/random.js';
import { runAudit } from '../../src/audit.js';
import { plantCase } from '../../scripts/lib/calibration.js';
import { ROOT, datasetOf, runRuleOn, textColumn } from '../fixtures.js';

/**
 * A small all-categorical table: the class follows f1 and f2 (with 5% noise); f3..f5 are noise
 * columns of three values. `edit` changes rows before the label column is built.
 */
function table(edit: (rows: string[][], random: Random) => void, n = 900, seed = 5): ReturnType<typeof datasetOf> {
  const random = new Random(seed);
  const abc = ['a', 'b', 'c'];
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const f = Array.from({ length: 5 }, () => abc[random.int(3)]);
    let positive = f[0] === 'a' || f[1] === 'a';
    if (random.next() < 0.05) positive = !positive;
    rows.push([...f, positive ? 'pos' : 'neg']);
  }
  edit(rows, random);
  const names = ['f1', 'f2', 'f3', 'f4', 'f5', 'y'];
  return datasetOf(
    names.map((name, k) => textColumn(name, rows.map((row) => row[k]))),
    { label: 'y', labelSource: 'option' },
  );
}

/** Rows of class `from` (first `count` in file order) given `column = value` and, if set, relabelled. */
function stamp(rows: string[][], from: string, count: number, column: number, value: string, relabel: string | null): number[] {
  const chosen = rows.flatMap((row, i) => (row[5] === from ? [i] : [])).slice(0, count);
  for (const i of chosen) {
    rows[i][column] = value;
    if (relabel) rows[i][5] = relabel;
  }
  return chosen;
}

test('a new category stamped into rows of the other class and relabelled is found, with its rows and a trigger hint', () => {
  let poisoned: number[] = [];
  const dataset = table((rows) => (poisoned = stamp(rows, 'neg', 30, 3, 'zz', 'pos')));
  const run = runRuleOn(rule, dataset, null);
  const finding = run.findings.find((f) => f.column === 'f4' && f.value === 'zz');
  assert.ok(finding, JSON.stringify(run.findings.map((f) => f.message)));
  assert.equal(finding.severity, 'info');
  assert.deepEqual(finding.rows, poisoned);
  assert.equal(finding.evidence.targetClass, 'pos');
  assert.ok((finding.evidence.restOfRow as { carrierShare: number }).carrierShare < 0.2);
  const hint = run.hints.find((h) => h.finding === finding);
  assert.ok(hint, 'the finding carries a trigger hint for the model stage');
  assert.equal(hint.hint.column, 3);
});

test('a rare category that really goes with its class (its rows look like the class) is not reported', () => {
  // 30 positive rows (by f1 = a) get a rare value: a natural strong predictor.
  const dataset = table((rows) => {
    let left = 30;
    for (const row of rows) {
      if (left === 0 || row[5] !== 'pos' || row[0] !== 'a') continue;
      row[3] = 'zz';
      left--;
    }
  });
  const run = runRuleOn(rule, dataset, null);
  assert.deepEqual(
    run.findings.map((f) => `${f.column}=${String(f.value)}`),
    [],
  );
});

test('a value on rows of the other class without relabelling is not reported (its class is the rows\' own)', () => {
  const dataset = table((rows) => stamp(rows, 'neg', 30, 3, 'zz', null));
  assert.equal(runRuleOn(rule, dataset, null).findings.length, 0);
});

test('corpus: a misspelt category written in place into 1% of a categorical file is a named trigger without a baseline', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-contradicted-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), 'nursery', 'inplace-edit', 0.01, dir);
  assert.ok(!('skip' in planted), 'the nursery file takes the in-place attack');
  const { attack, candidate } = planted;
  const report = await runAudit({ candidate, label: 'class' });
  assert.notEqual(report.verdict, 'trusted');
  const column = attack.trigger!.columns[0];
  const trigger = report.triggers.find((tr) => tr.column === column && String(tr.value) === attack.trigger!.values[0]);
  assert.ok(trigger, JSON.stringify(report.findings.slice(0, 6).map((f) => f.message)));
  assert.equal(trigger.targetClass, attack.targetClass);
  const poisoned = new Set(attack.poisoned);
  assert.ok(trigger.rows.filter((row) => poisoned.has(row)).length >= 0.9 * attack.poisoned.length);
});
