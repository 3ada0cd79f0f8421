// The calibration's "a baseline never makes it weaker" accounting (scripts/lib/calibration.ts
// summarise), on hand-made audit records: which pairs of alone / with-baseline audits count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarise, type AuditRecord, type TaskResult } from '../scripts/lib/calibration.js';

function record(over: Partial<AuditRecord>): AuditRecord {
  return {
    dataset: 'd.csv',
    kind: 'impossible-append',
    mode: over.baseline ? 'vs half' : 'alone',
    baseline: false,
    rate: 0.1,
    poisoned: 20,
    trigger: 'x = 999',
    triggerColumns: ['x'],
    targetClass: '1',
    flip: null,
    works: true,
    verdict: 'reject',
    findings: [],
    triggers: [],
    aboveLow: 1,
    falseTrigger: false,
    named: true,
    namedAll: true,
    triggerFound: true,
    attackEvidence: true,
    suspicious: 20,
    hits: 20,
    delimiter: ',',
    ms: 1,
    ...over,
  };
}

function weakerOf(alone: Partial<AuditRecord>, withBaseline: Partial<AuditRecord>) {
  const result: TaskResult = { task: { dataset: 'd.csv', group: 'impossible-append', quick: true }, records: [record(alone), record({ ...withBaseline, baseline: true })], skipped: [], ms: 1 };
  const s = summarise([result]);
  return { weaker: s.weaker.map((w) => w.reason), explained: s.explainedByBaseline.map((w) => w.reason) };
}

test('a trigger found alone and lost with the baseline counts as weaker when the backdoor works', () => {
  const { weaker, explained } = weakerOf({}, { triggerFound: false });
  assert.deepEqual(weaker, ['trigger found alone, lost with the baseline']);
  assert.deepEqual(explained, []);
});

test('... and is listed, not counted, when the backdoor does not work (as recall does not count its misses)', () => {
  const { weaker, explained } = weakerOf({ works: false }, { works: false, triggerFound: false });
  assert.deepEqual(weaker, []);
  assert.equal(explained.length, 1);
  assert.match(explained[0], /does not work/);
});

test('a milder verdict on the attack evidence counts whether the backdoor works or not', () => {
  for (const works of [true, false]) {
    const { weaker } = weakerOf({ works }, { works, verdict: 'review' });
    assert.deepEqual(weaker, ['verdict reject -> review'], `works=${works}`);
  }
});

test('a milder verdict where the alone audit rested on other rows is listed, not counted', () => {
  const { weaker, explained } = weakerOf({ attackEvidence: false, triggerFound: false, verdict: 'review' }, { triggerFound: false, verdict: 'trusted' });
  assert.deepEqual(weaker, []);
  assert.equal(explained.length, 1);
});
