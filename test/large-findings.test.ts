/** Findings with hundreds of thousands of rows must not overflow the call stack (found at 10M rows). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runAudit } from '../src/audit.js';
import { tempDir } from './fixtures.js';

test('a high finding on 300,000 rows reaches suspiciousRows intact', async (t) => {
  const file = path.join(tempDir(t), 'big.csv');
  const lines = ['x,z,label'];
  for (let i = 0; i < 400_000; i++) lines.push(`${i % 4 === 0 ? 5 : 50 + (i % 7)},${i % 13},${i % 2}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const report = await runAudit({ candidate: file, model: false, config: { columns: { x: { max: 10 } } } });
  const range = report.findings.find((f) => f.rule === 'range' && f.column === 'x');
  assert.ok(range && range.severity === 'high');
  assert.equal(range.rows.length, 300_000);
  assert.equal(report.suspiciousRows.length, 300_000);
});
