/**
 * Determinism (RELIABILITY 22, DESIGN 3): the same input and seed give byte-identical JSON apart
 * from `generatedAt` and `timings`; another seed may move the models' details but not the verdict.
 * The input is the known attack on the head of the credit example with its label given, so the
 * compared JSON holds the models, their probes and a backdoor trigger (the parts most likely to
 * drift), at a fraction of the full file's time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';
import { assertJsonReport, audit, withoutVolatileFields } from './cli.js';

test('the poisoned credit head twice with the same seed: byte-identical JSON apart from generatedAt and timings; another seed keeps the verdict', async () => {
  const poisoned = writePoisoned(tempFolder('audit-data-determinism-'), { source: creditHead() });
  const args = ['--format', 'json', '--seed', '42', '--label', 'DEFAULT'];
  const [first, second] = await Promise.all([audit(poisoned.file, args, { timeoutMs: 120_000 }), audit(poisoned.file, args, { timeoutMs: 120_000 })]);
  const a = assertJsonReport(first);
  assertJsonReport(second);
  assert.equal(a.candidate.rows, poisoned.originalRows + poisoned.appended);
  assert.equal((a.model as { enabled?: boolean }).enabled, true, 'the models ran (the part most likely to drift)');
  assert.ok(
    a.triggers.some((t) => t.column === 'AGE' && t.value === 999),
    `the trigger is part of the compared report: ${JSON.stringify(a.triggers.map((t) => [t.column, t.value]))}`,
  );
  const textA = withoutVolatileFields(first.stdout);
  const textB = withoutVolatileFields(second.stdout);
  if (textA !== textB) {
    const lines = [textA.split('\n'), textB.split('\n')];
    const at = lines[0].findIndex((line, i) => line !== lines[1][i]);
    assert.fail(`the reports differ from line ${at + 1}: ${JSON.stringify(lines[0][at])} vs ${JSON.stringify(lines[1][at])}`);
  }
  assert.equal(first.code, second.code);

  const other = assertJsonReport(await audit(poisoned.file, ['--format', 'json', '--seed', '7', '--label', 'DEFAULT', '--timeout', '600'], { timeoutMs: 120_000 }));
  assert.equal(other.verdict, a.verdict);
  assert.equal(other.triggers.length, a.triggers.length);
  assert.equal((other.model as { settings?: { seed?: number } }).settings?.seed, 7);
});
