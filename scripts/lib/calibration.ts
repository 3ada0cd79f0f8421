/**
 * The real-world calibration harness, shared by `npm run calibrate` (scripts/calibrate.ts) and
 * the CI test (test/calibration-realworld.test.ts): the dataset list (manifest.json), random
 * halves, attack planting, the does-the-backdoor-work measurement, the audits and their scoring
 * against the acceptance targets, and a small pool of child processes to run them in.
 *
 * Audits (runAudit in-process, label from the manifest, fixed seed, delimiter left to detection
 * as a user would):
 *   - clean controls: the whole file alone; for each half seed, half A alone and half A against
 *     half B (a seeded shuffle split in two; rows keep their file order);
 *   - attacks: planted on half A of HALF_SEEDS[0] and audited alone and against half B. Half B
 *     is the realistic baseline: a trusted earlier sample of the same source that shares no row
 *     with the candidate (the clean file itself would hand the auditor the candidate's own rows).
 *
 * "Works": a forest (the auditor's own, with its settings) trained on the poisoned half A and one
 * trained on the clean half A both predict half-B rows of the other classes with the trigger
 * stamped in; the attack works when the poisoned model's share of target-class predictions beats
 * the clean model's by WORKS_MIN_GAP. Relabel attacks have no trigger: their "shift" is the same
 * gap measured on unstamped half-B rows of the source class, for information only.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, runAudit } from '../../src/audit.js';
import { severityRank, type Severity } from '../../src/engine/finding.js';
import { buildFeatures, trainForest } from '../../src/forest/index.js';
import { FOREST_SETTINGS } from '../../src/model/stage.js';
import type { Report } from '../../src/report/report.js';
import { inferSchema } from '../../src/schema/schema.js';
import { Random } from '../../src/util/random.js';
import { ATTACK_KINDS, ATTACK_RATES, applyAttack, planAttack, profile, stampRow, type Attack, type AttackKind, type AttackPlan } from './calibration-attacks.js';
import { buildTable, parseCsv, readText, writeCsvText, type ParsedCsv, type Row } from './calibration-csv.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_DATA_DIR = path.join(ROOT, 'examples/data/realworld');
export const AUDIT_SEED = DEFAULT_SEED;
/** Seeds of the random halves (clean controls); attacks are planted on half A of the first. */
export const HALF_SEEDS = [1, 2] as const;
export const ATTACK_SEED = 2026;
/** A backdoor "works" when the poisoned model flips this many more probes to the target than the clean model. */
export const WORKS_MIN_GAP = 0.2;
/** Acceptance targets. */
export const TARGETS = {
  /** Attacks that work with at least this many poisoned rows are judged. */
  minPoisoned: 10,
  /** Share of those detected (review/reject) with the trigger named, with a baseline / without. */
  namedWithBaseline: 0.95,
  namedAlone: 0.85,
  /** Pooled suspicious-row precision over all attack audits. */
  precision: 0.9,
  /** This relabel rate must come out review/reject with a baseline. */
  relabelRate: 0.15,
} as const;
const MAX_PROBES = 2000;
const MESSAGE_CHARS = 220;

/** The quick (CI) subset: for dataset i of the manifest, the first applicable trigger attack from kind i mod 5 on, at this rate. */
export const QUICK_TRIGGER_KINDS: readonly AttackKind[] = ['impossible-append', 'rare-inrange-relabel', 'rare-category', 'inplace-edit', 'conjunction'];
export const QUICK_RATES: Record<AttackKind, number> = {
  'impossible-append': 0.03,
  'rare-inrange-relabel': 0.03,
  'rare-category': 0.03,
  'inplace-edit': 0.02,
  conjunction: 0.01,
  relabel: 0.15,
};

// ---------------------------------------------------------------------------------------------
// Datasets

export interface ManifestEntry {
  file: string;
  label: string;
  rows: number;
  columns: number;
  delimiter: string;
  source: string;
  licence: string;
}

export function readManifest(dir: string): ManifestEntry[] {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ManifestEntry[];
}

/** Each data file is stored gzipped next to the manifest, under its name plus .gz. */
export function dataFile(dir: string, entry: ManifestEntry): string {
  return path.join(dir, `${entry.file}.gz`);
}

/** What is missing of the corpus (the manifest, or data files it lists). */
export function missingData(dir: string): string[] {
  if (!existsSync(path.join(dir, 'manifest.json'))) return [path.join(dir, 'manifest.json')];
  return readManifest(dir)
    .map((entry) => dataFile(dir, entry))
    .filter((file) => !existsSync(file));
}

export function readDataset(dir: string, entry: ManifestEntry): ParsedCsv {
  return parseCsv(readText(dataFile(dir, entry)), entry.delimiter);
}

/** Two halves by a seeded shuffle of the rows (A gets the first floor(n/2)); each keeps file order. */
export function splitHalves(csv: ParsedCsv, seed: number): [ParsedCsv, ParsedCsv] {
  const order = new Random(seed).shuffle(Array.from(csv.rows.keys()));
  const middle = Math.floor(order.length / 2);
  const pick = (rows: number[]): ParsedCsv => ({ ...csv, rows: rows.sort((a, b) => a - b).map((i) => csv.rows[i]) });
  return [pick(order.slice(0, middle)), pick(order.slice(middle))];
}

function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return (h ^ ATTACK_SEED) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Tasks and records

export type TaskGroup = 'clean' | AttackKind | 'quick-attacks';

export interface Task {
  dataset: string;
  group: TaskGroup;
  quick: boolean;
  /** Clean controls on the halves of these split seeds instead of HALF_SEEDS (a wider null). */
  halfSeeds?: readonly number[];
}

export interface BriefFinding {
  rule: string;
  severity: Severity;
  column: string | null;
  value: string | number | null;
  count: number;
  message: string;
}

export interface BriefTrigger {
  column: string;
  value: string | number | null;
  pairedWith: string | null;
  targetClass: string;
  rows: number;
}

export interface Flip {
  poisoned: number;
  clean: number;
  gap: number;
  probes: number;
}

export interface AuditRecord {
  dataset: string;
  /** 'clean' or the attack. */
  kind: 'clean' | AttackKind;
  /** whole | half sN | half sN vs half (clean); alone | vs half (attacks). */
  mode: string;
  baseline: boolean;
  rate: number | null;
  poisoned: number;
  trigger: string | null;
  triggerColumns: string[];
  targetClass: string | null;
  flip: Flip | null;
  /** Trigger attacks: flip gap >= WORKS_MIN_GAP; null for clean files and relabels. */
  works: boolean | null;
  verdict: Report['verdict'] | 'error';
  error?: string;
  /** Findings above info (low included), most severe first. */
  findings: BriefFinding[];
  triggers: BriefTrigger[];
  /** Findings above low. */
  aboveLow: number;
  /** Clean: any trigger or backdoor-trigger finding. */
  falseTrigger: boolean;
  /** Attacks: a trigger or a medium+ finding names one / every attacked column. */
  named: boolean;
  namedAll: boolean;
  /** Attacks: a confirmed trigger on an attacked column. */
  triggerFound: boolean;
  /** Attacks: a trigger, or a finding above low that names an attacked column or lists a poisoned row (the verdict rests on the attack). */
  attackEvidence: boolean;
  suspicious: number;
  hits: number;
  delimiter: string | null;
  ms: number;
}

export interface Skip {
  dataset: string;
  attack: string;
  reason: string;
}

export interface TaskResult {
  task: Task;
  records: AuditRecord[];
  skipped: Skip[];
  /** The task could not run at all (e.g. the file cannot be parsed for splitting). */
  error?: string;
  ms: number;
}

/** Tasks for the chosen datasets, heaviest first (for the pool). */
export function planTasks(entries: readonly ManifestEntry[], options: { quick?: boolean; only?: readonly string[]; cleanSeeds?: readonly number[] } = {}): Task[] {
  const chosen = entries.filter((e) => !options.only?.length || options.only.some((name) => e.file === name || e.file.replace(/\.[^.]+$/, '') === name));
  const weight = (e: ManifestEntry): number => e.rows * Math.sqrt(e.columns);
  const sorted = chosen.slice().sort((a, b) => weight(b) - weight(a));
  if (options.cleanSeeds) return sorted.map((e) => ({ dataset: e.file, group: 'clean', quick: false, halfSeeds: options.cleanSeeds }));
  const groups: TaskGroup[] = options.quick ? ['clean', 'quick-attacks'] : ['clean', ...ATTACK_KINDS];
  return sorted.flatMap((e) => groups.map((group) => ({ dataset: e.file, group, quick: options.quick === true })));
}

export async function runTask(dir: string, task: Task): Promise<TaskResult> {
  const started = performance.now();
  const entries = readManifest(dir);
  const index = entries.findIndex((e) => e.file === task.dataset);
  const entry = entries[index];
  const result: TaskResult = { task, records: [], skipped: [], ms: 0 };
  const work = mkdtempSync(path.join(tmpdir(), 'audit-calibrate-'));
  try {
    if (!entry) throw new Error(`no dataset ${task.dataset} in the manifest`);
    const ctx = new Context(dir, entry, work);
    if (task.group === 'clean') await cleanControls(ctx, task.halfSeeds ?? (task.quick ? HALF_SEEDS.slice(0, 1) : HALF_SEEDS), result);
    else if (task.group === 'quick-attacks') await quickAttacks(ctx, index, result);
    else await attackSeries(ctx, task.group, ATTACK_RATES[task.group], { alone: true, baseline: true }, result);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

class Context {
  private files = 0;
  private csvCache: ParsedCsv | null = null;
  private halfCache = new Map<number, [ParsedCsv, ParsedCsv]>();
  private pathCache = new Map<ParsedCsv, string>();

  constructor(
    readonly dir: string,
    readonly entry: ManifestEntry,
    readonly work: string,
  ) {}

  get csv(): ParsedCsv {
    return (this.csvCache ??= readDataset(this.dir, this.entry));
  }

  halves(seed: number): [ParsedCsv, ParsedCsv] {
    let h = this.halfCache.get(seed);
    if (!h) this.halfCache.set(seed, (h = splitHalves(this.csv, seed)));
    return h;
  }

  write(csv: ParsedCsv): string {
    let file = this.pathCache.get(csv);
    if (!file) {
      file = path.join(this.work, `${this.files++}-${this.entry.file.replace(/\.[^.]+$/, '')}${path.extname(this.entry.file)}`);
      writeFileSync(file, writeCsvText(csv));
      this.pathCache.set(csv, file);
    }
    return file;
  }

  async audit(candidate: string, baseline?: string): Promise<{ report: Report | null; error?: string; ms: number }> {
    const started = performance.now();
    try {
      const report = await runAudit({ candidate, baseline, label: this.entry.label, seed: AUDIT_SEED });
      return { report, ms: Math.round(performance.now() - started) };
    } catch (error) {
      // Temporary paths out of the message, so that the same failure reads the same everywhere.
      const message = (error instanceof Error ? error.message : String(error)).replaceAll(this.work + path.sep, '');
      return { report: null, error: message, ms: Math.round(performance.now() - started) };
    }
  }
}

function brief(report: Report): Pick<AuditRecord, 'verdict' | 'findings' | 'triggers' | 'aboveLow' | 'falseTrigger' | 'suspicious' | 'delimiter'> {
  const low = severityRank('low');
  return {
    verdict: report.verdict,
    findings: report.findings
      .filter((f) => severityRank(f.severity) >= low)
      .slice(0, 40)
      .map((f) => ({ rule: f.rule, severity: f.severity, column: f.column, value: f.value, count: f.count, message: f.message.slice(0, MESSAGE_CHARS) })),
    triggers: report.triggers.map((t) => ({
      column: t.column,
      value: t.value,
      pairedWith: (t.evidence.pairedWith as { column: string } | null)?.column ?? null,
      targetClass: t.targetClass,
      rows: t.rows.length,
    })),
    aboveLow: report.findings.filter((f) => severityRank(f.severity) > low).length,
    falseTrigger: report.triggers.length > 0 || report.findings.some((f) => f.rule === 'backdoor-trigger'),
    suspicious: report.suspiciousRows.length,
    delimiter: report.input.delimiter,
  };
}

function emptyRecord(ctx: Context, kind: AuditRecord['kind'], mode: string, baseline: boolean): AuditRecord {
  return {
    dataset: ctx.entry.file,
    kind,
    mode,
    baseline,
    rate: null,
    poisoned: 0,
    trigger: null,
    triggerColumns: [],
    targetClass: null,
    flip: null,
    works: null,
    verdict: 'error',
    findings: [],
    triggers: [],
    aboveLow: 0,
    falseTrigger: false,
    named: false,
    namedAll: false,
    triggerFound: false,
    attackEvidence: false,
    suspicious: 0,
    hits: 0,
    delimiter: null,
    ms: 0,
  };
}

async function cleanControls(ctx: Context, seeds: readonly number[], result: TaskResult): Promise<void> {
  const run = async (mode: string, candidate: () => string, baseline?: () => string): Promise<void> => {
    const record = emptyRecord(ctx, 'clean', mode, baseline !== undefined);
    let paths: [string, string | undefined];
    try {
      paths = [candidate(), baseline?.()];
    } catch (error) {
      result.records.push({ ...record, error: `cannot split the file: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const { report, error, ms } = await ctx.audit(...paths);
    result.records.push(report ? { ...record, ...brief(report), ms } : { ...record, error, ms });
  };
  await run('whole', () => dataFile(ctx.dir, ctx.entry));
  for (const seed of seeds) {
    await run(`half s${seed}`, () => ctx.write(ctx.halves(seed)[0]));
    await run(`half s${seed} vs half`, () => ctx.write(ctx.halves(seed)[0]), () => ctx.write(ctx.halves(seed)[1]));
  }
}

async function quickAttacks(ctx: Context, datasetIndex: number, result: TaskResult): Promise<void> {
  for (let k = 0; k < QUICK_TRIGGER_KINDS.length; k++) {
    const kind = QUICK_TRIGGER_KINDS[(datasetIndex + k) % QUICK_TRIGGER_KINDS.length];
    const skipsBefore = result.skipped.length;
    await attackSeries(ctx, kind, [QUICK_RATES[kind]], { alone: true, baseline: true }, result);
    if (result.skipped.length === skipsBefore) break;
  }
  // The relabel's shift is information only: not measured here (two forests fewer per dataset).
  await attackSeries(ctx, 'relabel', [QUICK_RATES.relabel], { alone: false, baseline: true, flip: false }, result);
}

async function attackSeries(
  ctx: Context,
  kind: AttackKind,
  rates: readonly number[],
  modes: { alone: boolean; baseline: boolean; flip?: boolean },
  result: TaskResult,
): Promise<void> {
  const measure = modes.flip !== false || kind !== 'relabel';
  const [half, other] = ctx.halves(HALF_SEEDS[0]);
  const p = profile(half, ctx.entry.label);
  const seed = hashSeed(`${ctx.entry.file}|${kind}`);
  const planned = planAttack(p, kind, seed);
  if ('skip' in planned) {
    result.skipped.push({ dataset: ctx.entry.file, attack: kind, reason: planned.skip });
    return;
  }
  const plan = planned.plan;
  const cleanFlip = measure ? flipShare(half, half.rows, other.rows, plan, p, ctx.entry.label) : null;
  let previousCount = -1;
  for (const rate of rates) {
    const attack = applyAttack(p, plan, rate, seed + Math.round(rate * 1e4));
    if (!attack) {
      result.skipped.push({ dataset: ctx.entry.file, attack: `${kind} ${pct(rate)}`, reason: 'the rate gives no row' });
      continue;
    }
    if (attack.poisoned.length === previousCount) {
      result.skipped.push({ dataset: ctx.entry.file, attack: `${kind} ${pct(rate)}`, reason: `gives the same ${previousCount} rows as the rate before` });
      continue;
    }
    previousCount = attack.poisoned.length;
    const poisonedFlip = measure ? flipShare(half, attack.csv.rows, other.rows, plan, p, ctx.entry.label) : null;
    const flip: Flip | null =
      poisonedFlip && cleanFlip
        ? { poisoned: round(poisonedFlip.share), clean: round(cleanFlip.share), gap: round(poisonedFlip.share - cleanFlip.share), probes: poisonedFlip.probes }
        : null;
    const works = kind === 'relabel' ? null : flip !== null && flip.gap >= WORKS_MIN_GAP;
    const candidate = ctx.write(attack.csv);
    const base: AuditRecord = {
      ...emptyRecord(ctx, kind, 'alone', false),
      rate,
      poisoned: attack.poisoned.length,
      trigger: attack.note,
      triggerColumns: attack.trigger?.columns ?? [],
      targetClass: attack.targetClass,
      flip,
      works,
    };
    const entries: [string, string | undefined][] = [];
    if (modes.alone) entries.push(['alone', undefined]);
    if (modes.baseline) entries.push(['vs half', ctx.write(other)]);
    for (const [mode, baseline] of entries) {
      const { report, error, ms } = await ctx.audit(candidate, baseline);
      const record: AuditRecord = { ...base, mode, baseline: baseline !== undefined, ms };
      result.records.push(report ? { ...record, ...brief(report), ...scoreAttack(report, attack) } : { ...record, error });
    }
  }
}

/**
 * One attack case as files, for reproducing it at the command line: the poisoned half A as
 * `candidate` and half B as `baseline` (the same files an attack audit reads). Null with the
 * reason when the dataset cannot carry the attack or the rate gives no row.
 */
export function plantCase(dir: string, dataset: string, kind: AttackKind, rate: number, outDir: string): { candidate: string; baseline: string; attack: Attack } | { skip: string } {
  const entry = readManifest(dir).find((e) => e.file === dataset || e.file.replace(/\.[^.]+$/, '') === dataset);
  if (!entry) return { skip: `no dataset ${dataset} in the manifest` };
  const [half, other] = splitHalves(readDataset(dir, entry), HALF_SEEDS[0]);
  const p = profile(half, entry.label);
  const seed = hashSeed(`${entry.file}|${kind}`);
  const planned = planAttack(p, kind, seed);
  if ('skip' in planned) return planned;
  const attack = applyAttack(p, planned.plan, rate, seed + Math.round(rate * 1e4));
  if (!attack) return { skip: 'the rate gives no row' };
  const ext = path.extname(entry.file);
  const candidate = path.join(outDir, `candidate${ext}`);
  const baseline = path.join(outDir, `baseline${ext}`);
  writeFileSync(candidate, writeCsvText(attack.csv));
  writeFileSync(baseline, writeCsvText(other));
  return { candidate, baseline, attack };
}

/** The other columns a trigger or finding names: every part of a conjunction, else the pair. */
function otherColumns(evidence: Record<string, unknown>): string[] {
  const parts = evidence.conjunction as { column: string }[] | undefined;
  if (Array.isArray(parts)) return parts.map((p) => p.column);
  const pair = (evidence.pairedWith as { column: string } | null | undefined)?.column;
  return pair ? [pair] : [];
}

function scoreAttack(report: Report, attack: Attack): Pick<AuditRecord, 'named' | 'namedAll' | 'triggerFound' | 'attackEvidence' | 'hits'> {
  const attacked = attack.trigger?.columns ?? [];
  const fromTriggers = new Set<string>();
  for (const t of report.triggers) {
    fromTriggers.add(t.column);
    for (const column of otherColumns(t.evidence)) fromTriggers.add(column);
  }
  const named = new Set(fromTriggers);
  for (const f of report.findings) {
    if (severityRank(f.severity) < severityRank('medium')) continue;
    if (f.column !== null) named.add(f.column);
    for (const column of otherColumns(f.evidence)) named.add(column);
  }
  const poisoned = new Set(attack.poisoned);
  const onTheAttack = (f: Report['findings'][number]) =>
    severityRank(f.severity) > severityRank('low') && ((f.column !== null && attacked.includes(f.column)) || otherColumns(f.evidence).some((c) => attacked.includes(c)) || f.rows.some((row) => poisoned.has(row)));
  return {
    named: attacked.some((c) => named.has(c)),
    namedAll: attacked.length > 0 && attacked.every((c) => named.has(c)),
    triggerFound: attacked.some((c) => fromTriggers.has(c)),
    attackEvidence: report.triggers.length > 0 || report.findings.some(onTheAttack),
    hits: report.suspiciousRows.filter((row) => poisoned.has(row)).length,
  };
}

/**
 * Share of half-B probe rows predicted as the target class by a forest trained on `trainRows`:
 * other-class rows with the trigger stamped in, or, for a relabel, unstamped rows of the source
 * class. One table holds both (one dictionary for text codes), the forest trains on the first part.
 */
function flipShare(
  half: ParsedCsv,
  trainRows: readonly Row[],
  probeSource: readonly Row[],
  plan: AttackPlan,
  p: ReturnType<typeof profile>,
  label: string,
): { share: number; probes: number } | null {
  const stamped = plan.kind === 'relabel' ? probeSource : probeSource.map((row) => stampRow(p, plan, row));
  const table = buildTable(half.header, [...trainRows, ...stamped]);
  const schema = inferSchema(table, { label });
  const y = schema.label!.y;
  const rawLabel = (i: number): string => (i < trainRows.length ? trainRows[i] : stamped[i - trainRows.length]).fields[p.label];
  const classOf = (raw: string): number => {
    for (let i = 0; i < y.length; i++) if (rawLabel(i) === raw && y[i] >= 0) return y[i];
    return -1;
  };
  const target = classOf(plan.target.raw);
  const source = plan.source ? classOf(plan.source.raw) : -1;
  const candidates: number[] = [];
  for (let i = trainRows.length; i < y.length; i++) {
    if (y[i] < 0) continue;
    if (plan.kind === 'relabel' ? y[i] === source : y[i] !== target) candidates.push(i);
  }
  if (target < 0 || candidates.length === 0) return null;
  const probes = Uint32Array.from(new Random(AUDIT_SEED).shuffle(candidates).slice(0, MAX_PROBES));
  const { features } = buildFeatures(table, schema.featureColumns);
  const rows = Uint32Array.from({ length: trainRows.length }, (_, i) => i);
  const forest = trainForest({ features, labels: y, classCount: schema.label!.classes.length, rows }, { ...FOREST_SETTINGS, seed: AUDIT_SEED });
  const predicted = forest.predictClassRows(features, probes);
  let flips = 0;
  for (const cls of predicted) if (cls === target) flips++;
  return { share: flips / probes.length, probes: probes.length };
}

// ---------------------------------------------------------------------------------------------
// Pool

/** Runs the tasks, in `jobs` child processes (in this process when jobs <= 1); results in task order. */
export async function runTasks(dir: string, tasks: readonly Task[], jobs: number, onResult?: (result: TaskResult, done: number) => void): Promise<TaskResult[]> {
  const results = new Array<TaskResult>(tasks.length);
  let done = 0;
  const finish = (i: number, result: TaskResult): void => {
    results[i] = result;
    onResult?.(result, ++done);
  };
  if (jobs <= 1) {
    for (let i = 0; i < tasks.length; i++) finish(i, await runTask(dir, tasks[i]));
    return results;
  }
  let next = 0;
  const worker = fileURLToPath(new URL('./calibration-worker.ts', import.meta.url));
  const lane = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = fork(worker, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let current = -1;
      const send = (): void => {
        if (next >= tasks.length) {
          child.disconnect();
          return;
        }
        current = next++;
        child.send({ dir, task: tasks[current] });
      };
      child.on('message', (message: { result: TaskResult }) => {
        finish(current, message.result);
        current = -1;
        send();
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (current >= 0) finish(current, { task: tasks[current], records: [], skipped: [], error: `worker exited with code ${code}`, ms: 0 });
        resolve();
      });
      send();
    });
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, lane));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Scoring

export function cleanPass(r: AuditRecord): boolean {
  return r.verdict === 'trusted' && r.aboveLow === 0 && !r.falseTrigger;
}

export function detected(r: AuditRecord): boolean {
  return r.verdict === 'review' || r.verdict === 'reject';
}

/** An attack judged by the trigger targets: a trigger attack that works, with enough rows. */
export function judged(r: AuditRecord): boolean {
  return r.kind !== 'clean' && r.kind !== 'relabel' && r.works === true && r.poisoned >= TARGETS.minPoisoned;
}

export function caught(r: AuditRecord): boolean {
  return detected(r) && r.named;
}

export interface Ratio {
  ok: number;
  total: number;
}

export interface Weaker {
  dataset: string;
  kind: AttackKind;
  rate: number;
  alone: string;
  withBaseline: string;
  reason: string;
}

export interface Acceptance {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

export interface Summary {
  audits: number;
  clean: Ratio;
  cleanFailures: AuditRecord[];
  judgedAlone: Ratio;
  judgedBaseline: Ratio;
  detectedAlone: Ratio;
  detectedBaseline: Ratio;
  namedAllConjunction: Ratio;
  misses: AuditRecord[];
  notWorking: number;
  tooSmall: number;
  precision: { hits: number; flagged: number; poisoned: number };
  precisionByMode: Record<string, { hits: number; flagged: number; poisoned: number }>;
  relabel: Ratio;
  relabelRecords: AuditRecord[];
  weaker: Weaker[];
  /** Milder with the baseline but the alone verdict did not rest on the attack, or a trigger lost on a backdoor that does not work (information). */
  explainedByBaseline: Weaker[];
  errors: { dataset: string; mode: string; kind: string; error: string }[];
  acceptance: Acceptance[];
}

const ratio = (records: readonly AuditRecord[], ok: (r: AuditRecord) => boolean): Ratio => ({ ok: records.filter(ok).length, total: records.length });
const VERDICT_RANK: Record<string, number> = { trusted: 0, review: 1, reject: 2 };

export function summarise(results: readonly TaskResult[]): Summary {
  const records = results.flatMap((r) => r.records);
  const clean = records.filter((r) => r.kind === 'clean');
  const attacks = records.filter((r) => r.kind !== 'clean');
  const judgedRecords = attacks.filter(judged);
  const alone = judgedRecords.filter((r) => !r.baseline);
  const withBase = judgedRecords.filter((r) => r.baseline);
  const relabel = attacks.filter((r) => r.kind === 'relabel' && r.baseline && r.rate === TARGETS.relabelRate);
  const pool = (list: readonly AuditRecord[]) => ({
    hits: list.reduce((s, r) => s + r.hits, 0),
    flagged: list.reduce((s, r) => s + r.suspicious, 0),
    poisoned: list.reduce((s, r) => s + (r.verdict === 'error' ? 0 : r.poisoned), 0),
  });
  const weaker: Weaker[] = [];
  const explained: Weaker[] = [];
  for (const a of attacks.filter((r) => !r.baseline && r.verdict !== 'error')) {
    const b = attacks.find((r) => r.baseline && r.dataset === a.dataset && r.kind === a.kind && r.rate === a.rate);
    if (!b || b.verdict === 'error') continue;
    const reasons: string[] = [];
    const pair = (reason: string): Weaker => ({ dataset: a.dataset, kind: a.kind as AttackKind, rate: a.rate!, alone: a.verdict, withBaseline: b.verdict, reason });
    const milder = VERDICT_RANK[b.verdict] < VERDICT_RANK[a.verdict];
    const lost = a.triggerFound && !b.triggerFound;
    // A milder verdict counts when the audit alone rested on the attack; a baseline that explains
    // away a finding about other rows and columns (natural structure) is doing its job.
    if (milder && a.attackEvidence) reasons.push(`verdict ${a.verdict} -> ${b.verdict}`);
    else if (milder) explained.push(pair(`verdict ${a.verdict} -> ${b.verdict}: the alone audit's findings above low are about other rows and columns`));
    // A trigger lost counts when the backdoor works, as for recall: a "trigger" of an attack that
    // does not move a forest's predictions is not one the baseline audit should have confirmed.
    if (lost && a.works !== false) reasons.push('trigger found alone, lost with the baseline');
    else if (lost) explained.push(pair(`trigger found alone, not with the baseline, on a backdoor that does not work (verdict ${a.verdict} -> ${b.verdict})`));
    if (reasons.length) weaker.push(pair(reasons.join('; ')));
  }
  const precision = pool(attacks);
  const summary: Summary = {
    audits: records.length,
    clean: ratio(clean, cleanPass),
    cleanFailures: clean.filter((r) => !cleanPass(r)),
    judgedAlone: ratio(alone, caught),
    judgedBaseline: ratio(withBase, caught),
    detectedAlone: ratio(alone, detected),
    detectedBaseline: ratio(withBase, detected),
    namedAllConjunction: ratio(judgedRecords.filter((r) => r.kind === 'conjunction'), (r) => detected(r) && r.namedAll),
    misses: judgedRecords.filter((r) => !caught(r)),
    notWorking: attacks.filter((r) => r.kind !== 'relabel' && r.works === false).length,
    tooSmall: attacks.filter((r) => r.kind !== 'relabel' && r.works === true && r.poisoned < TARGETS.minPoisoned).length,
    precision,
    precisionByMode: { alone: pool(attacks.filter((r) => !r.baseline)), 'vs half': pool(attacks.filter((r) => r.baseline)) },
    relabel: ratio(relabel, detected),
    relabelRecords: relabel,
    weaker,
    explainedByBaseline: explained,
    errors: [
      ...records.filter((r) => r.verdict === 'error').map((r) => ({ dataset: r.dataset, mode: r.mode, kind: r.kind, error: r.error ?? 'unknown' })),
      ...results.filter((r) => r.error).map((r) => ({ dataset: r.task.dataset, mode: '-', kind: r.task.group, error: r.error! })),
    ],
    acceptance: [],
  };
  const share = (r: Ratio): number => (r.total ? r.ok / r.total : 1);
  const prec = precision.flagged ? precision.hits / precision.flagged : NaN;
  summary.acceptance = [
    { name: 'clean controls trusted, nothing above low, no trigger', value: `${summary.clean.ok}/${summary.clean.total}`, target: 'all', pass: summary.clean.total > 0 && summary.clean.ok === summary.clean.total },
    { name: `working attacks (>= ${TARGETS.minPoisoned} rows) caught with a baseline (review/reject + trigger named)`, value: fmtRatio(summary.judgedBaseline), target: `>= ${TARGETS.namedWithBaseline * 100}%`, pass: share(summary.judgedBaseline) >= TARGETS.namedWithBaseline },
    { name: `working attacks (>= ${TARGETS.minPoisoned} rows) caught without a baseline`, value: fmtRatio(summary.judgedAlone), target: `>= ${TARGETS.namedAlone * 100}%`, pass: share(summary.judgedAlone) >= TARGETS.namedAlone },
    { name: 'pooled suspicious-row precision (all attack audits)', value: Number.isNaN(prec) ? 'n/a (nothing flagged)' : `${pct(prec)} (${precision.hits}/${precision.flagged})`, target: `>= ${TARGETS.precision * 100}%`, pass: prec >= TARGETS.precision },
    { name: `${pct(TARGETS.relabelRate)} relabel: review/reject with a baseline`, value: `${summary.relabel.ok}/${summary.relabel.total}`, target: 'all', pass: summary.relabel.ok === summary.relabel.total },
    { name: 'a baseline never makes it weaker (milder verdict on the attack evidence, or a trigger lost)', value: `${summary.weaker.length} cases`, target: 'none', pass: summary.weaker.length === 0 },
  ];
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function fmtRatio(r: Ratio): string {
  return r.total ? `${r.ok}/${r.total} (${pct(r.ok / r.total)})` : '0/0 (none judged)';
}

const COLUMNS = ['dataset', 'kind', 'mode', 'rate', 'n', 'works (gap)', 'verdict', '>low', 'trig', 'named', 'prec', 'recall', 'result'] as const;

/** One row per audit: the cells of COLUMNS. */
export function recordCells(r: AuditRecord): string[] {
  const isClean = r.kind === 'clean';
  const works = isClean ? '' : r.flip === null ? 'n/a' : `${r.kind === 'relabel' ? 'shift' : r.works ? 'yes' : 'no'} (${r.flip.gap >= 0 ? '+' : ''}${r.flip.gap.toFixed(2)})`;
  const result = isClean
    ? cleanPass(r)
      ? 'ok'
      : 'FALSE ALARM'
    : r.kind === 'relabel'
      ? r.baseline && r.rate === TARGETS.relabelRate
        ? detected(r)
          ? 'ok'
          : 'MISS'
        : detected(r)
          ? '(detected)'
          : '(not judged)'
      : judged(r)
        ? caught(r)
          ? 'ok'
          : 'MISS'
        : r.works === false
          ? '(no effect)'
          : '(< 10 rows)';
  return [
    r.dataset,
    r.kind,
    r.mode,
    r.rate === null ? '' : pct(r.rate),
    isClean ? '' : String(r.poisoned),
    works,
    r.verdict === 'error' ? 'ERROR' : r.verdict,
    String(r.aboveLow),
    String(r.triggers.length),
    isClean || r.kind === 'relabel' ? '' : r.kind === 'conjunction' ? (r.namedAll ? 'all' : r.named ? 'some' : 'no') : r.named ? 'yes' : 'no',
    isClean || r.suspicious === 0 ? '' : pct(r.hits / r.suspicious),
    isClean || r.poisoned === 0 ? '' : pct(r.hits / r.poisoned),
    result,
  ];
}

export function formatTable(records: readonly AuditRecord[]): string {
  const rows = [COLUMNS.slice(), ...records.map(recordCells)];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

export function markdownTable(records: readonly AuditRecord[]): string {
  const esc = (cell: string): string => cell.replaceAll('|', '\\|');
  return [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`, ...records.map((r) => `| ${recordCells(r).map(esc).join(' | ')} |`)].join('\n');
}

export function formatFinding(f: BriefFinding): string {
  return `${f.rule} ${f.severity} ${f.column ?? '-'}: ${f.message}`;
}

export function formatSummary(s: Summary): string {
  const lines: string[] = [];
  lines.push(`Audits: ${s.audits}`);
  lines.push('Acceptance:');
  for (const a of s.acceptance) lines.push(`  [${a.pass ? 'PASS' : 'FAIL'}] ${a.name}: ${a.value} (target ${a.target})`);
  lines.push(`Detected (review/reject, trigger named or not): with a baseline ${fmtRatio(s.detectedBaseline)}, without ${fmtRatio(s.detectedAlone)}`);
  lines.push(`Conjunctions with every trigger column named: ${fmtRatio(s.namedAllConjunction)}`);
  lines.push(`Attack audits not judged: ${s.notWorking} where the backdoor does not work (gap < ${WORKS_MIN_GAP}), ${s.tooSmall} working with < ${TARGETS.minPoisoned} rows`);
  const p = s.precision;
  lines.push(`Suspicious rows: precision ${p.flagged ? pct(p.hits / p.flagged) : 'n/a'} (${p.hits}/${p.flagged}), recall ${p.poisoned ? pct(p.hits / p.poisoned) : 'n/a'} (${p.hits}/${p.poisoned})`);
  for (const [mode, m] of Object.entries(s.precisionByMode)) {
    lines.push(`  ${mode}: precision ${m.flagged ? pct(m.hits / m.flagged) : 'n/a'} (${m.hits}/${m.flagged}), recall ${m.poisoned ? pct(m.hits / m.poisoned) : 'n/a'}`);
  }
  if (s.cleanFailures.length) {
    lines.push(`False alarms on clean controls (${s.cleanFailures.length}):`);
    for (const r of s.cleanFailures) {
      const shown = r.verdict === 'error' ? [`ERROR ${r.error}`] : r.findings.filter((f) => severityRank(f.severity) > severityRank('low') || f.rule === 'backdoor-trigger').map(formatFinding);
      lines.push(`  ${r.dataset} [${r.mode}] ${r.verdict}${r.falseTrigger ? ', TRIGGER' : ''}`);
      for (const line of shown.slice(0, 6)) lines.push(`    ${line}`);
      if (shown.length > 6) lines.push(`    ... ${shown.length - 6} more`);
    }
  }
  if (s.misses.length) {
    lines.push(`Missed working attacks (${s.misses.length}):`);
    for (const r of s.misses) lines.push(`  ${r.dataset} ${r.kind} ${pct(r.rate!)} [${r.mode}] n=${r.poisoned} gap ${r.flip?.gap} -> ${r.verdict}${r.named ? '' : ', trigger not named'} (${r.trigger})`);
  }
  const relabelMisses = s.relabelRecords.filter((r) => !detected(r));
  if (relabelMisses.length) {
    lines.push(`Relabel ${pct(TARGETS.relabelRate)} missed with a baseline (${relabelMisses.length}):`);
    for (const r of relabelMisses) lines.push(`  ${r.dataset} n=${r.poisoned} (${r.trigger}) -> ${r.verdict}`);
  }
  if (s.weaker.length) {
    lines.push(`Baseline makes it weaker (${s.weaker.length}):`);
    for (const w of s.weaker) lines.push(`  ${w.dataset} ${w.kind} ${pct(w.rate)}: ${w.reason}`);
  }
  if (s.explainedByBaseline.length) {
    lines.push(`Not counted as weaker (${s.explainedByBaseline.length}): milder with the baseline where the alone verdict rested on other rows (natural structure the baseline explains), or a trigger lost on a backdoor that does not work:`);
    for (const w of s.explainedByBaseline) lines.push(`  ${w.dataset} ${w.kind} ${pct(w.rate)}: ${w.reason}`);
  }
  if (s.errors.length) {
    lines.push(`Errors (${s.errors.length}):`);
    const grouped = new Map<string, string[]>();
    for (const e of s.errors) {
      const key = `${e.dataset}: ${e.error.replace(/^\S+: /, '')}`;
      grouped.set(key, [...(grouped.get(key) ?? []), `${e.kind} ${e.mode}`]);
    }
    for (const [key, where] of grouped) lines.push(`  ${key} [${where.join(', ')}]`);
  }
  return lines.join('\n');
}
