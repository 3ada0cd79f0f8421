/** `audit-data rules` and `audit-data rules ID` through the CLI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ROOT } from '../fixtures.js';
import { assertCleanError, runCli } from '../robustness/cli.js';

test('audit-data rules lists the rules and the later-stage checks, within 80 columns', async () => {
  const result = await runCli(['rules'], { env: { COLUMNS: '80' } });
  assert.equal(result.code, 0, result.stderr);
  for (const id of ['class-spike', 'range', 'column-constraints', 'backdoor-trigger', 'relabel-suspects', 'model-cases', 'planted-rows']) {
    assert.match(result.stdout, new RegExp(`^  ${id}: `, 'm'), `${id} listed`);
  }
  assert.ok(result.stdout.split('\n').every((line) => line.length <= 80));
});

test('audit-data rules range prints its documentation and options; loaded rules are listed too; a typo suggests', async () => {
  const range = await runCli(['rules', 'range']);
  assert.equal(range.code, 0);
  assert.match(range.stdout, /^range: Values outside plausible bounds$/m);
  assert.match(range.stdout, /Options \(defaults\):\n {2}constraints: from the config's columns\n {2}baselineMargin = 0\.5/);
  const loaded = await runCli(['rules', '--rules', path.join(ROOT, 'examples/rules')]);
  assert.match(loaded.stdout, /^ {2}adult-applicants \(loaded\): /m);
  const one = await runCli(['rules', 'adult-applicants', '--rules', path.join(ROOT, 'examples/rules')]);
  assert.match(one.stdout, /minAge = 21/);
  assertCleanError(await runCli(['rules', 'rnage']), /rules rnage: no such rule \(did you mean range\?\)/);
});

test('--rules given twice loads both (a list option collects every value; other options: the last wins)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-data-rules-'));
  const rule = (id: string): string =>
    `export default { id: '${id}', title: 'Rule ${id}', docs: 'A test rule.', check() { return []; } };\n`;
  writeFileSync(path.join(dir, 'first.mjs'), rule('first-rule'));
  writeFileSync(path.join(dir, 'second.mjs'), rule('second-rule'));
  const both = await runCli(['rules', '--rules', path.join(dir, 'first.mjs'), '--rules', path.join(dir, 'second.mjs')]);
  assert.equal(both.code, 0, both.stderr);
  assert.match(both.stdout, /^ {2}first-rule \(loaded\): /m);
  assert.match(both.stdout, /^ {2}second-rule \(loaded\): /m);
  rmSync(dir, { recursive: true, force: true });
});
