/** `--help` like a well-kept CLI: groups, short aliases, --no-model as such, examples, exit codes, environment, subcommands; --out's extension picks the format. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CREDIT, tempFolder } from '../fixtures.js';
import { assertCleanError, runCli } from '../robustness/cli.js';

test('--help: grouped options with short aliases, --no-model, examples, exit codes, environment and the subcommands, within 80 columns', async () => {
  const help = await runCli(['--help'], { env: { COLUMNS: '80' } });
  assert.equal(help.code, 0);
  const text = help.stdout;
  for (const heading of ['Input:', 'Checks:', 'Output:', 'Limits:', 'Examples:', 'Commands:', 'Exit codes:', 'Environment:']) assert.match(text, new RegExp(`^${heading}$`, 'm'), heading);
  for (const option of ['-b, --baseline', '-l, --label', '-f, --format', '-o, --out', '--no-model', '--no-config']) assert.ok(text.includes(option), option);
  assert.doesNotMatch(text, /^\s+--model\b/m, 'the forests are on by default: the option shown is --no-model');
  assert.match(text, /audit-data rules \[ID\]/);
  assert.match(text, /audit-data init <baseline>/);
  assert.match(text, /NO_COLOR/);
  assert.ok(text.split('\n').every((line) => line.length <= 80), 'fits 80 columns');
});

test('--out report.html without --format writes HTML; a --format that disagrees with the name is an error', async () => {
  const dir = tempFolder('audit-data-help-');
  const data = path.join(dir, 'small.csv');
  writeSample(data);
  const html = path.join(dir, 'report.html');
  const result = await runCli([data, '-l', 'DEFAULT', '--no-model', '-o', html]);
  assert.ok(result.code === 0 || result.code === 1, result.stderr);
  assert.match(readFileSync(html, 'utf8'), /^<!doctype html>/i);
  const json = path.join(dir, 'report.json');
  await runCli([data, '-l', 'DEFAULT', '--no-model', '-o', json]);
  assert.equal((JSON.parse(readFileSync(json, 'utf8')) as { schemaVersion: number }).schemaVersion, 1);
  const mismatch = await runCli([data, '-l', 'DEFAULT', '--no-model', '-o', path.join(dir, 'table.html'), '--format', 'table']);
  assertCleanError(mismatch, /--out .*table\.html names a html file but --format is table; drop one of them/);
  const matching = await runCli([data, '-l', 'DEFAULT', '--no-model', '-o', path.join(dir, 'again.html'), '-f', 'html']);
  assert.ok(matching.code === 0 || matching.code === 1);
});

function writeSample(file: string): void {
  writeFileSync(file, readFileSync(CREDIT, 'utf8').split('\n').slice(0, 501).join('\n') + '\n');
}
