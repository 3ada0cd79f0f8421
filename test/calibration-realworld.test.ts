// Calibration on the real-world corpus (examples/data/realworld: 23 clean UCI datasets), the CI
// subset of `npm run calibrate -- --quick`: for every dataset the whole file alone, one seeded
// half alone and against the other half (clean controls), one generic trigger attack (kind in
// rotation over the manifest) alone and against the other half, and the 15% relabel against it.
// Asserts the clean controls and precision targets (scripts/lib/calibration.ts TARGETS), and recall
// no lower than measured; the recall targets not met yet run as todo tests. Harness, attacks and
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

/**
 * Recall on the CI subset as measured when these checks landed (docs/calibration.md): a drop below
 * it fails. The acceptance targets of issue 13 are above it; they run as `todo` tests below (they
 * report, and turn into plain tests when met), so CI shows how far from them the auditor is.
 */
const MEASURED = { namedWithBaseline: 0.9, namedAlone: 0.8, relabelDetected: 0.65 };

for (const [mode, withBaseline] of [['with a baseline', true], ['without a baseline', false]] as const) {
  const judged = (s: Summary) => (withBaseline ? s.judgedBaseline : s.judgedAlone);
  const target = withBaseline ? TARGETS.namedWithBaseline : TARGETS.namedAlone;
  const floor = withBaseline ? MEASURED.namedWithBaseline : MEASURED.namedAlone;
  const report = (s: Summary) =>
    `${judged(s).ok}/${judged(s).total} caught ${mode}; missed:\n${s.misses.filter((r) => r.baseline === withBaseline && !caught(r)).map(describe).join('\n')}`;
  test(`working attacks ${mode}: review/reject with the trigger named in >= ${Math.round(floor * 100)}% (no regression)`, { skip, timeout: TIMEOUT }, async () => {
    const s = await summary();
    assert.ok(judged(s).total > 0, 'no working attack with enough rows was planted');
    assert.ok(judged(s).ok / judged(s).total >= floor, report(s));
  });
  // Met with a baseline (a plain test); without one still a todo.
  const todo = withBaseline ? false : 'issue 13: met on the full calibration (90.8%); this subset has 10 attacks, two of them new categories in full-factorial tables';
  test(`working attacks ${mode}: review/reject with the trigger named in >= ${Math.round(target * 100)}% (issue 13 target)`, { skip, todo, timeout: TIMEOUT }, async () => {
    const s = await summary();
    assert.ok(judged(s).ok / judged(s).total >= target, report(s));
  });
}

test(`pooled suspicious-row precision over the attack audits >= ${TARGETS.precision * 100}%`, { skip, timeout: TIMEOUT }, async () => {
  const s = await summary();
  const { hits, flagged } = s.precision;
  assert.ok(flagged > 0, 'no suspicious row on any attacked file');
  assert.ok(hits / flagged >= TARGETS.precision, `precision ${pct(hits / flagged)} (${hits}/${flagged})`);
});

const relabelReport = (s: Summary) => {
  const misses = s.relabelRecords.filter((r) => !detected(r));
  return `${misses.length}/${s.relabel.total} relabels pass as trusted:\n${misses.map(describe).join('\n')}`;
};

test(`${TARGETS.relabelRate * 100}% relabel with a baseline: review/reject in >= ${Math.round(MEASURED.relabelDetected * 100)}% of the datasets (no regression)`, { skip, timeout: TIMEOUT }, async () => {
  const s = await summary();
  assert.ok(s.relabel.total > 0, 'no relabel attack was planted');
  assert.ok(s.relabelRecords.filter(detected).length / s.relabel.total >= MEASURED.relabelDetected, relabelReport(s));
});

test(`${TARGETS.relabelRate * 100}% relabel with a baseline: review/reject on every dataset (issue 13 target)`, { skip, todo: 'issue 13: relabels of 2-53 rows in small files or overlapping classes are within the noise of the balance and contradiction tests', timeout: TIMEOUT }, async () => {
  const s = await summary();
  assert.equal(s.relabelRecords.filter((r) => !detected(r)).length, 0, relabelReport(s));
});
