// Calibration of the baseline comparison against false alarms, on real data through the real
// pipeline: random halves of a clean file audited against the other half must come out trusted;
// a unit change, an in-place relabelling and a renamed / dropped column must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAudit } from '../src/audit.js';
import { severityRank, type Finding } from '../src/engine/finding.js';
import type { Report } from '../src/report/report.js';
import { Random } from '../src/util/random.js';
import { CREDIT, halves, readCsv, writeCsv, type Csv } from './fixtures.js';

const LABEL = 'DEFAULT';
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const BASELINE_RULES = new Set(['drift', 'label-shift', 'schema-changes']);

const dir = mkdtempSync(path.join(tmpdir(), 'audit-calibration-'));
let fileCount = 0;
function write(csv: Csv): string {
  const file = path.join(dir, `part-${fileCount++}.csv`);
  writeCsv(file, csv);
  return file;
}

function audit(candidate: Csv, baseline: Csv): Promise<Report> {
  return runAudit({ candidate: write(candidate), baseline: write(baseline), label: LABEL, model: false });
}

function aboveLow(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => severityRank(finding.severity) > severityRank('low'));
}

function describe(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.rule} ${f.severity} ${f.column ?? ''}: ${f.message}`).join('\n');
}

function column(csv: Csv, name: string): number {
  const index = csv.header.indexOf(name);
  assert.ok(index >= 0, `no column ${name}`);
  return index;
}

test('calibration', async (t) => {
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const csv = readCsv(CREDIT);
  const [candidate, baseline] = halves(csv, SEEDS[0]);

  const clean: { seed: number; report: Report; ms: number }[] = [];
  for (const seed of SEEDS) {
    const started = performance.now();
    const [a, b] = halves(csv, seed);
    const report = await audit(a, b);
    clean.push({ seed, report, ms: Math.round(performance.now() - started) });
    const worst = report.findings.find((f) => BASELINE_RULES.has(f.rule));
    t.diagnostic(
      `seed ${seed}: ${report.verdict}, ${clean[clean.length - 1].ms} ms, worst baseline-comparison finding: ` +
        (worst ? `${worst.rule} ${worst.severity} ${worst.column}: ${worst.message}` : 'none'),
    );
  }

  await t.test('clean random halves: no baseline-comparison finding above low, on every seed', () => {
    const loud = clean.flatMap(({ report }) => aboveLow(report.findings).filter((f) => BASELINE_RULES.has(f.rule)));
    assert.deepEqual(loud, [], `baseline-comparison false alarms:\n${describe(loud)}`);
  });

  await t.test('clean random halves: the whole audit finds nothing above low and trusts the data, on every seed', () => {
    const alarms = clean
      .filter(({ report }) => report.verdict !== 'trusted' || aboveLow(report.findings).length > 0)
      .map(({ seed, report }) => `seed ${seed}: ${report.verdict}\n${describe(aboveLow(report.findings))}`);
    assert.deepEqual(alarms, [], `false alarms on clean halves:\n${alarms.join('\n')}`);
  });

  await t.test('a unit change (a third of one column divided by 1000) is medium or above, verdict review', async () => {
    const changed = structuredClone(candidate);
    const at = column(changed, 'LIMIT_BAL');
    const random = new Random(7);
    for (const row of changed.rows) if (random.next() < 1 / 3) row[at] = String(Number(row[at]) / 1000);
    const report = await audit(changed, baseline);
    const drift = report.findings.find((f) => f.rule === 'drift' && f.column === 'LIMIT_BAL');
    assert.ok(drift, describe(report.findings));
    assert.ok(severityRank(drift.severity) >= severityRank('medium'), drift.message);
    assert.match(drift.message, /LIMIT_BAL below the baseline's minimum/);
    assert.equal(report.verdict, 'review', describe(report.findings));
  });

  await t.test('relabelling 20% of class 0 as 1 in place is medium or above, naming the class and the shift; verdict review', async () => {
    const changed = structuredClone(candidate);
    const at = column(changed, LABEL);
    const random = new Random(11);
    for (const row of changed.rows) if (row[at] === '0' && random.next() < 0.2) row[at] = '1';
    const report = await audit(changed, baseline);
    const shift = report.findings.find((f) => f.rule === 'label-shift' && f.column === LABEL);
    assert.ok(shift, describe(report.findings));
    assert.ok(severityRank(shift.severity) >= severityRank('medium'), shift.message);
    assert.equal(shift.value, '1');
    assert.match(shift.message, /DEFAULT = 0 went from 7\d\.\d% to 6\d\.\d% of rows \(-1\d\.\d points\)/);
    const points = shift.evidence.shiftPoints as number;
    assert.ok(points > 12 && points < 20, `shift of ${points} points`);
    assert.equal(report.verdict, 'review', describe(report.findings));
  });

  await t.test('a renamed and a dropped column are schema findings naming them; the rest of the audit still runs', async () => {
    const changed = structuredClone(candidate);
    changed.header[column(changed, 'LIMIT_BAL')] = 'CREDIT_LIMIT';
    const dropped = column(changed, 'AGE');
    changed.header.splice(dropped, 1);
    for (const row of changed.rows) row.splice(dropped, 1);
    const report = await audit(changed, baseline);
    const schema = report.findings.filter((f) => f.rule === 'schema-changes');
    const renamed = schema.find((f) => f.column === 'CREDIT_LIMIT');
    assert.ok(renamed, describe(schema));
    assert.equal(renamed.evidence.previousName, 'LIMIT_BAL');
    assert.match(renamed.message, /LIMIT_BAL .*renamed CREDIT_LIMIT/);
    const removed = schema.find((f) => f.column === 'AGE');
    assert.ok(removed && severityRank(removed.severity) >= severityRank('medium'), describe(schema));
    assert.deepEqual(report.errors, []);
    for (const rule of ['drift', 'label-shift', 'class-spike', 'range']) assert.ok(`rule:${rule}` in report.timings, `${rule} did not run`);
    assert.deepEqual(aboveLow(report.findings.filter((f) => f.rule === 'drift' || f.rule === 'label-shift')), []);
  });
});
