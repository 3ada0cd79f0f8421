/**
 * examples/: the credit config and the custom rule, run through the CLI as the README shows. The
 * clean data passes; the known attack (copies with AGE = 999) breaks the config's AGE bound and
 * the unacceptable model case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CREDIT, ROOT, tempFolder, writePoisoned } from './fixtures.js';
import { assertJsonReport, runCli } from './robustness/cli.js';

const CONFIG = path.join(ROOT, 'examples/audit.config.ts');
const RULES = path.join(ROOT, 'examples/rules');
const dir = tempFolder('audit-data-examples-');

test('the example config and rule on the clean credit data: trusted, exit 0, nothing at or above high', async () => {
  const result = await runCli([CREDIT, '--config', CONFIG, '--rules', RULES, '--format', 'json'], { timeoutMs: 120_000 });
  const report = assertJsonReport(result);
  assert.equal(report.verdict, 'trusted');
  assert.equal(report.label?.source, 'config');
  assert.equal(report.findings.filter((f) => f.rule === 'adult-applicants').length, 0, 'every applicant in the data is 21 or older');
  const cases = (report.model as { cases?: { name: string; passed: boolean }[] }).cases ?? [];
  assert.deepEqual(cases.map((c) => [c.name, c.passed]), [['an impossible age decides default', true]]);
});

test('the example config and rule on the poisoned copy: the bound, the model case and the custom rule fire', async () => {
  const poisoned = writePoisoned(dir);
  const report = assertJsonReport(await runCli([poisoned.file, '--config', CONFIG, '--rules', RULES, '--format', 'json'], { timeoutMs: 120_000 }));
  assert.equal(report.verdict, 'reject');
  const bound = report.findings.find((f) => f.rule === 'range' && f.column === 'AGE');
  assert.ok(bound && bound.severity !== 'low' && bound.count === poisoned.appended, 'the configured AGE bound catches every copy');
  assert.ok(report.findings.some((f) => f.rule === 'model-cases' && f.severity === 'high'), 'the unacceptable case fails');
  // Some rows under 21 to show the custom rule reports with its option from the config.
  const young = path.join(dir, 'young.csv');
  const lines = (await import('node:fs')).readFileSync(CREDIT, 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  const age = header.indexOf('AGE');
  const edited = lines.map((line, i) => (i > 0 && i <= 3 ? line.split(',').map((v, j) => (j === age ? '19' : v)).join(',') : line));
  writeFileSync(young, edited.join('\n') + '\n');
  const youngReport = assertJsonReport(await runCli([young, '--config', CONFIG, '--rules', RULES, '--no-model', '--format', 'json']));
  const adult = youngReport.findings.find((f) => f.rule === 'adult-applicants');
  assert.ok(adult);
  assert.deepEqual(adult.rows, [0, 1, 2]);
  assert.deepEqual(adult.evidence, { minAge: 21, youngest: 19 });
});
