/**
 * Shared by the trigger-search tests (triggers.test.ts: appended copies; triggers-in-place.test.ts:
 * rows edited in place), two files so that the two halves of these full-size credit audits run
 * side by side: the clean credit data, its halves, and one test per attack case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT, auditCsv, tempDir, halves, readCsv, type Attack } from './fixtures.js';
import type { Report } from '../src/report/report.js';

export const credit = readCsv(CREDIT);
export const [trainHalf, otherHalf] = halves(credit, 11);

export function triggerOn(report: Report, column: string, targetClass: string) {
  return report.triggers.find((t) => t.column === column && t.targetClass === targetClass) ??
    report.triggers.find((t) => (t.evidence.pairedWith as { column: string } | null)?.column === column && t.targetClass === targetClass);
}

export function describe(report: Report): string {
  return JSON.stringify({ verdict: report.verdict, triggers: report.triggers.map((t) => [t.column, t.value, t.range, t.targetClass, t.support, t.flipRate, t.referenceFlipRate]), probes: report.model.probes });
}

export interface TriggerCase {
  name: string;
  column: string;
  target: string;
  baseline: boolean;
  make: () => Attack;
}

/** One test per case: the whole audit names a trigger on the column and class, the verdict is not trusted, the trigger's rows are mostly the poisoned ones. */
export function triggerTests(cases: readonly TriggerCase[]): void {
  for (const c of cases) {
    test(`trigger found: ${c.name}`, async (t) => {
      const attack = c.make();
      const report = await auditCsv(tempDir(t), attack.csv, c.baseline ? trainHalf : undefined, { label: 'DEFAULT' });
      const trigger = triggerOn(report, c.column, c.target);
      assert.ok(trigger, `no trigger on ${c.column} -> ${c.target}: ${describe(report)}`);
      assert.notEqual(report.verdict, 'trusted');
      const poisoned = new Set(attack.poisoned);
      const hits = trigger.rows.filter((row) => poisoned.has(row)).length;
      assert.ok(hits / trigger.rows.length > 0.5, `trigger rows mostly poisoned: ${hits}/${trigger.rows.length}`);
    });
  }
}
