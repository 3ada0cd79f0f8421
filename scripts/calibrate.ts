/**
 * npm run calibrate: the auditor on the real-world corpus (examples/data/realworld, 23 UCI
 * datasets listed in its manifest.json): false alarms on clean files and random halves, and
 * detection of generic attacks planted on them, against the acceptance targets. The harness
 * (datasets, halves, attacks, scoring) is scripts/lib/calibration.ts, shared with
 * test/calibration-realworld.test.ts.
 *
 * Usage: npm run calibrate -- [--only DATASET[,DATASET]] [--quick] [--json FILE] [--jobs N]
 *        [--data DIR] [--docs FILE | --no-docs] [--clean-seeds N[,N]]
 *   --only   datasets by file name, with or without extension (repeatable or comma-separated)
 *   --quick  the CI subset (clean whole + one half alone and against the other half; one
 *            trigger attack per dataset and the 15% relabel)
 *   --json   write every audit record, the skips and the summary as JSON
 *   --jobs   child processes running audits (default: available cores)
 *   --docs   where to write the markdown report (default docs/calibration.md, full runs only)
 *   --clean-seeds  only the clean controls, on the random halves of these split seeds instead of
 *            the default ones: the false-alarm rate on splits nothing was tuned on
 *   --write DATASET:KIND:RATE --out DIR
 *            write one attack case (candidate = poisoned half A, baseline = half B) and stop,
 *            e.g. --write car:rare-category:0.1 --out /tmp/case
 * Exit code: 0 when every acceptance target is met, 1 otherwise, 2 on a usage error.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ATTACK_SEED,
  AUDIT_SEED,
  DEFAULT_DATA_DIR,
  HALF_SEEDS,
  ROOT,
  TARGETS,
  WORKS_MIN_GAP,
  formatSummary,
  formatTable,
  markdownTable,
  missingData,
  plantCase,
  planTasks,
  readManifest,
  runTasks,
  summarise,
  type Summary,
  type TaskResult,
} from './lib/calibration.js';
import { ATTACK_KINDS, ATTACK_RATES, type AttackKind } from './lib/calibration-attacks.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    jobs: { type: 'string' },
    data: { type: 'string' },
    docs: { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    write: { type: 'string' },
    out: { type: 'string' },
    'clean-seeds': { type: 'string' },
  },
  strict: true,
});

const dir = path.resolve(values.data ?? DEFAULT_DATA_DIR);
const jobs = values.jobs !== undefined ? Number(values.jobs) : availableParallelism();
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error(`--jobs must be a positive integer, got ${values.jobs}`);
  process.exit(2);
}
const missing = missingData(dir);
if (missing.length) {
  console.error(`calibration data missing:\n  ${missing.join('\n  ')}`);
  process.exit(2);
}
if (values.write !== undefined) {
  const [dataset, kind, rate] = values.write.split(':');
  if (!(ATTACK_KINDS as readonly string[]).includes(kind) || !(Number(rate) > 0) || !values.out) {
    console.error(`--write wants DATASET:KIND:RATE with KIND one of ${ATTACK_KINDS.join(', ')} and --out DIR`);
    process.exit(2);
  }
  mkdirSync(values.out, { recursive: true });
  const planted = plantCase(dir, dataset, kind as AttackKind, Number(rate), values.out);
  if ('skip' in planted) {
    console.error(`cannot plant ${values.write}: ${planted.skip}`);
    process.exit(2);
  }
  const { attack } = planted;
  console.log(`${planted.candidate}\n${planted.baseline}\n${attack.kind} ${attack.note}: ${attack.poisoned.length} rows -> ${attack.targetClass}`);
  process.exit(0);
}
const entries = readManifest(dir);
const only = (values.only ?? []).flatMap((v) => v.split(',')).filter(Boolean);
const cleanSeeds = values['clean-seeds']?.split(',').map(Number);
if (cleanSeeds && (cleanSeeds.length === 0 || cleanSeeds.some((seed) => !Number.isInteger(seed)))) {
  console.error(`--clean-seeds wants integers separated by commas, got ${values['clean-seeds']}`);
  process.exit(2);
}
const tasks = planTasks(entries, { quick: values.quick, only, cleanSeeds });
if (tasks.length === 0) {
  console.error(`no dataset matches ${only.join(', ')}; the manifest lists: ${entries.map((e) => e.file).join(', ')}`);
  process.exit(2);
}

const started = performance.now();
const datasets = new Set(tasks.map((t) => t.dataset)).size;
console.error(`calibrating ${datasets} datasets, ${tasks.length} tasks, ${jobs} job(s)${values.quick ? ', quick subset' : ''}`);
const results = await runTasks(dir, tasks, jobs, (result, done) => {
  const audits = result.records.length;
  console.error(`  [${done}/${tasks.length}] ${result.task.dataset} ${result.task.group}: ${audits} audits, ${(result.ms / 1000).toFixed(1)} s${result.error ? `, ERROR ${result.error}` : ''}`);
});
const seconds = (performance.now() - started) / 1000;

// Records in manifest order, then task order.
const order = new Map(entries.map((e, i) => [e.file, i]));
const sorted = results.slice().sort((a, b) => order.get(a.task.dataset)! - order.get(b.task.dataset)!);
const records = sorted.flatMap((r) => r.records);
const skipped = sorted.flatMap((r) => r.skipped);
const summary = summarise(sorted);

console.log(formatTable(records));
console.log('');
if (skipped.length) {
  console.log(`Skipped (${skipped.length}):`);
  for (const s of skipped) console.log(`  ${s.dataset} ${s.attack}: ${s.reason}`);
  console.log('');
}
console.log(formatSummary(summary));
console.log(`\nTotal: ${seconds.toFixed(1)} s wall, ${jobs} job(s); sum of audit times ${(records.reduce((s, r) => s + r.ms, 0) / 1000).toFixed(1)} s, of task times ${(sorted.reduce((s, r) => s + r.ms, 0) / 1000).toFixed(1)} s`);

if (values.json) {
  writeFileSync(values.json, JSON.stringify({ generatedAt: new Date().toISOString(), seconds, jobs, quick: values.quick, summary, records, skipped, tasks: sorted.map((r) => ({ ...r.task, ms: r.ms, error: r.error })) }, null, 1));
  console.error(`wrote ${values.json}`);
}
const full = !values.quick && only.length === 0 && !cleanSeeds;
const docs = values['no-docs'] ? null : (values.docs ?? (full ? path.join(ROOT, 'docs/calibration.md') : null));
if (docs) {
  mkdirSync(path.dirname(docs), { recursive: true });
  writeFileSync(docs, markdown(summary, sorted, seconds));
  console.error(`wrote ${path.relative(process.cwd(), docs)}`);
}
process.exit(summary.acceptance.every((a) => a.pass) ? 0 : 1);

function markdown(s: Summary, results: readonly TaskResult[], wall: number): string {
  const recs = results.flatMap((r) => r.records);
  const skips = results.flatMap((r) => r.skipped);
  const lines: string[] = [];
  lines.push('# Calibration on real data');
  lines.push('');
  lines.push(`Generated by \`npm run calibrate\` (scripts/calibrate.ts) on ${new Date().toISOString().slice(0, 10)}${values.quick ? ' (quick subset)' : ''}; ` +
    `${recs.length} audits of ${new Set(recs.map((r) => r.dataset)).size} datasets in ${wall.toFixed(0)} s with ${jobs} job(s). Do not edit by hand: re-run`);
  lines.push('');
  lines.push(`Auditor measured: ${auditorVersion()}.`);
  lines.push('');
  lines.push('```sh');
  lines.push('npm run calibrate -- --json /tmp/calibration.json      # full run, rewrites this file');
  lines.push('npm run calibrate -- --only car --no-docs              # one dataset');
  lines.push('npm run calibrate -- --quick --no-docs                 # the CI subset (test/calibration-realworld.test.ts)');
  lines.push('```');
  lines.push('');
  lines.push('## Method');
  lines.push('');
  lines.push('- **Data**: `examples/data/realworld/` (the 23 datasets of its `manifest.json`, gzipped, label from the manifest). ' +
    `Audits run in-process through \`runAudit\` with seed ${AUDIT_SEED}; the delimiter is left to detection.`);
  lines.push(`- **Clean controls**: the whole file alone; for half seeds ${HALF_SEEDS.join(', ')}: half A (a seeded shuffle split, rows in file order) alone and against half B as baseline. ` +
    'Pass = verdict trusted, no finding above low, no trigger.');
  lines.push(`- **Attacks** (scripts/lib/calibration-attacks.ts, generic: columns chosen by kind and cardinality, seed ${ATTACK_SEED}), planted on half A of seed ${HALF_SEEDS[0]} and audited alone and against half B ` +
    '(a clean sample of the same source sharing no row with the candidate: a realistic trusted earlier release). Target class: the second most frequent class. Rates: ' +
    Object.entries(ATTACK_RATES).map(([k, r]) => `${k} ${r.map((x) => `${x * 100}%`).join('/')}`).join('; ') + ' (share of rows; relabel: share of the most frequent class).');
  lines.push(`- **Works**: the auditor's forest trained on the poisoned half A vs on the clean half A, trigger stamped into half-B rows of the other classes; works when the share predicted as the target rises by >= ${WORKS_MIN_GAP}. ` +
    'For relabels the column shows the same gap on unstamped half-B rows of the source class (information only).');
  lines.push(`- **Judged**: trigger attacks that work with >= ${TARGETS.minPoisoned} poisoned rows: caught = review/reject and a trigger or a medium+ finding on an attacked column ("named"; for conjunctions the table shows all/some). ` +
    'Precision/recall: suspicious rows (report.suspiciousRows) against the poisoned rows, pooled over all attack audits.');
  lines.push('');
  lines.push('## Totals');
  lines.push('');
  lines.push('| target | measured | required | |');
  lines.push('|---|---|---|---|');
  for (const a of s.acceptance) lines.push(`| ${a.name} | ${a.value} | ${a.target} | ${a.pass ? 'pass' : '**FAIL**'} |`);
  lines.push('');
  lines.push('```');
  lines.push(formatSummary(s));
  lines.push('```');
  lines.push('');
  if (skips.length) {
    lines.push('## Skipped attacks');
    lines.push('');
    for (const k of skips) lines.push(`- ${k.dataset} ${k.attack}: ${k.reason}`);
    lines.push('');
  }
  lines.push('## Every audit');
  lines.push('');
  lines.push(markdownTable(recs));
  lines.push('');
  return lines.join('\n');
}

/** The commit the auditor's code comes from, and whether src/ or rules/ had uncommitted changes. */
function auditorVersion(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'rules') !== '';
    return `commit ${commit}${dirty ? ' plus uncommitted changes in src/ or rules/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
