/** The relabelling signal of the model stage (issue 4, item 4), on the credit data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CREDIT, ROOT, auditCsv, precisionRecall, tempDir, editInPlace, halves, readCsv } from './fixtures.js';
import { runAudit } from '../src/audit.js';
import { plantCase } from '../scripts/lib/calibration.js';

const [candidate, baseline] = halves(readCsv(CREDIT), 21);

test('20% of one class relabelled in place: the rows the baseline model contradicts are named, above chance', async (t) => {
  const attack = editInPlace(candidate, { label: 'DEFAULT', sourceClass: '0', fraction: 0.2, set: {}, newLabel: '1', seed: 21 });
  const report = await auditCsv(tempDir(t), attack.csv, baseline, { label: 'DEFAULT' });
  const finding = report.findings.find((f) => f.rule === 'relabel-suspects');
  assert.ok(finding, report.findings.map((f) => f.message).join('\n'));
  assert.equal(finding.value, '1');
  assert.notEqual(report.verdict, 'trusted');
  assert.ok(precisionRecall(finding.rows, attack.poisoned).precision > 0.5);
});

test('a clean half against the other half has no relabelling finding', async (t) => {
  const report = await auditCsv(tempDir(t), candidate, baseline, { label: 'DEFAULT' });
  assert.equal(report.findings.filter((f) => f.rule === 'relabel-suspects').length, 0);
});

// A small file: the baseline's held-out quarter alone (about 40 rows a class) was too few to
// measure the model's natural contradiction rate, and 0.1 too strict a cut where classes
// overlap; the cross-fitted reference and the loose cut find 15% of a class relabelled.
test('corpus (345-row halves): 15% of one class relabelled is a relabel-suspects finding on the class given', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-relabel-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), 'crx', 'relabel', 0.15, dir);
  assert.ok(!('skip' in planted), 'the file takes the relabel attack');
  const { attack, candidate, baseline } = planted;
  const report = await runAudit({ candidate, baseline, label: 'A16' });
  const finding = report.findings.find((f) => f.rule === 'relabel-suspects');
  assert.ok(finding, report.findings.map((f) => f.message).join('\n'));
  assert.equal(finding.value, attack.targetClass);
  assert.notEqual(report.verdict, 'trusted');
  assert.ok(precisionRecall(finding.rows, attack.poisoned).precision > 0.5, JSON.stringify(finding.evidence));
});
