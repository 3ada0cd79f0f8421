// Calibration on the real-world corpus (examples/data/realworld: 23 clean UCI datasets), the CI
// subset of `npm run calibrate -- --quick`: for every dataset the whole file alone, one seeded
// half alone and against the other half (clean controls), one generic trigger attack (kind in
// rotation over the manifest) alone and against the other half, and the 15% relabel against it.
// Asserts the acceptance targets (scripts/lib/calibration.ts TARGETS). Harness, attacks and
// scoring are shared with scripts/calibrate.ts. The data is part of the repository: missing data
// fails under CI and skips elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import {
  DEFAULT_DATA_DIR,
  TARGETS,
  caught,
  detected,
  formatFinding,
  missingData,
  pct,
  planTasks,
  readManifest,
  runTasks,
  summarise,
  type AuditRecord,
  type Summary,
} from '../scripts/lib/calibration.js';

const DIR = process.env.AUDIT_REALWORLD_DATA ?? DEFAULT_DATA_DIR;
const CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const missing = missingData(DIR);
const skip = missing.length > 0 && !CI ? `real-world calibration data missing: ${missing.join(', ')}` : false;
const TIMEOUT = 10 * 60_000;

let run: Promise<Summary> | null = null;
function summary(): Promise<Summary> {
  run ??= (async () => {
    const tasks = planTasks(readManifest(DIR), { quick: true });
    const results = await runTasks(DIR, tasks, Math.min(2, availableParallelism()));
    const broken = results.filter((r) => r.error);
    assert.deepEqual(broken.map((r) => `${r.task.dataset} ${r.task.group}: ${r.error}`), [], 'harness tasks failed');
    return summarise(results);
  })();
  return run;
}

function describe(r: AuditRecord): string {
  const what = r.kind === 'clean' ? '' : ` ${r.kind} ${pct(r.rate!)} n=${r.poisoned} (${r.trigger})`;
  const why = r.verdict === 'error' ? r.error : r.findings.filter((f) => f.severity !== 'low' || f.rule === 'backdoor-trigger').map(formatFinding).slice(0, 4).join(' | ');
  return `${r.dataset} [${r.mode}]${what}: ${r.verdict}${r.kind === 'clean' || r.kind === 'relabel' || r.named ? '' : ', trigger not named'}${why ? ` - ${why}` : ''}`;
}

test('the real-world corpus is present', { skip }, () => {
  assert.deepEqual(missing, [], `calibration data missing (CI=${process.env.CI ?? ''})`);
});

test('clean controls: trusted, no finding above low, no trigger', { skip, timeout: TIMEOUT }, async () => {
  const s = await summary();
  assert.ok(s.clean.total >= 3 * readManifest(DIR).length, `expected 3 clean audits per dataset, got ${s.clean.total}`);
  const failures = s.cleanFailures;
  assert.equal(failures.length, 0, `${failures.length}/${s.clean.total} clean audits raise an alarm:\n${failures.map(describe).join('\n')}`);
});

test(`working attacks with a baseline: review/reject with the trigger named in >= ${TARGETS.namedWithBaseline * 100}%`, { skip, timeout: TIMEOUT }, async () => {
  const s = await summary();
  assert.ok(s.judgedBaseline.total > 0, 'no working attack with enough rows was planted');
  const misses = s.misses.filter((r) => r.baseline && !caught(r));
  assert.ok(
    s.judgedBaseline.ok / s.judgedBaseline.total >= TARGETS.namedWithBaseline,
    `${s.judgedBaseline.ok}/${s.judgedBaseline.total} caught with a baseline; missed:\n${misses.map(describe).join('\n')}`,
  );
});

test(`working attacks without a baseline: review/reject with the trigger named in >= ${TARGETS.namedAlone * 100}%`, { skip, timeout: TIMEOUT }, async () => {
  const s = await summary();
  assert.ok(s.judgedAlone.total > 0, 'no working attack with enough rows was planted');
  const misses = s.misses.filter((r) => !r.baseline && !caught(r));
  assert.ok(
    s.judgedAlone.ok / s.judgedAlone.total >= TARGETS.namedAlone,
    `${s.judgedAlone.ok}/${s.judgedAlone.total} caught without a baseline; missed:\n${misses.map(describe).join('\n')}`,
  );
});

test(`pooled suspicious-row precision over the attack audits >= ${TARGETS.precision * 100}%`, { skip, timeout: TIMEOUT }, async () => {
  const s = await summary();
  const { hits, flagged } = s.precision;
  assert.ok(flagged > 0, 'no suspicious row on any attacked file');
  assert.ok(hits / flagged >= TARGETS.precision, `precision ${pct(hits / flagged)} (${hits}/${flagged})`);
});

test(`${TARGETS.relabelRate * 100}% relabel with a baseline: review/reject`, { skip, timeout: TIMEOUT }, async () => {
  const s = await summary();
  assert.ok(s.relabel.total > 0, 'no relabel attack was planted');
  const misses = s.relabelRecords.filter((r) => !detected(r));
  assert.equal(misses.length, 0, `${misses.length}/${s.relabel.total} relabels pass as trusted:\n${misses.map(describe).join('\n')}`);
});
