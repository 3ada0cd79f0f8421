/**
 * Determinism (RELIABILITY 22, DESIGN 3): the same input and seed give byte-identical JSON apart
 * from `generatedAt` and `timings`; another seed may move the models' details but not the verdict.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CREDIT } from '../fixtures.js';
import { assertJsonReport, audit, withoutVolatileFields } from './cli.js';

test('the credit example twice with the same seed: byte-identical JSON apart from generatedAt and timings; another seed keeps the verdict', async () => {
  const args = ['--format', 'json', '--seed', '42'];
  const [first, second] = await Promise.all([audit(CREDIT, args, { timeoutMs: 120_000 }), audit(CREDIT, args, { timeoutMs: 120_000 })]);
  const a = assertJsonReport(first);
  assertJsonReport(second);
  assert.equal(a.candidate.rows, 30000);
  assert.equal((a.model as { enabled?: boolean }).enabled, true, 'the models ran (the part most likely to drift)');
  const textA = withoutVolatileFields(first.stdout);
  const textB = withoutVolatileFields(second.stdout);
  if (textA !== textB) {
    const lines = [textA.split('\n'), textB.split('\n')];
    const at = lines[0].findIndex((line, i) => line !== lines[1][i]);
    assert.fail(`the reports differ from line ${at + 1}: ${JSON.stringify(lines[0][at])} vs ${JSON.stringify(lines[1][at])}`);
  }
  assert.equal(first.code, second.code);

  const other = assertJsonReport(await audit(CREDIT, ['--format', 'json', '--seed', '7', '--timeout', '600'], { timeoutMs: 120_000 }));
  assert.equal(other.verdict, a.verdict);
  assert.equal(other.triggers.length, a.triggers.length);
  assert.equal((other.model as { settings?: { seed?: number } }).settings?.seed, 7);
});
