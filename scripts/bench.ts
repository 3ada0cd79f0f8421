/**
 * npm run bench: the whole audit, as a user runs it, on synthetic credit-like data of growing size.
 *
 * For each size (default 30k, 300k and 1M rows) it writes, to a temporary folder:
 *   - clean-N.csv: N rows resampled from examples/data/default_credit_card.csv, money columns
 *     (LIMIT_BAL, BILL_AMT*, PAY_AMT*) jittered by up to +-5%, fresh IDs;
 *   - baseline-N.csv: the same recipe with another seed (the trusted file of the same size);
 *   - poisoned-N.csv: clean-N.csv plus copies of 45% of its DEFAULT = 1 rows with AGE = 999
 *     (out of range), fresh IDs, appended: the write-up's attack at scale;
 * plus the exact known attack on the real credit file (credit-poisoned.csv, against the real
 * file as baseline).
 *
 * Each audit runs in its own process, `bin/audit-data.js CANDIDATE --baseline BASELINE --label
 * DEFAULT --format json --quiet` (forests on), --runs times; reported are the medians of: wall time, CPU time,
 * the report's per-stage `timings`, rows per second, MB/s of CSV ingest (both files over the
 * load + loadBaseline stages) and peak RSS (from /usr/bin/time -v when present, else from a
 * preload that reports process.resourceUsage().maxRSS on fd 3). Verdicts are checked (clean ->
 * trusted; poisoned -> reject with the AGE = 999 -> DEFAULT = 1 trigger naming the planted rows);
 * anything else prints a FAIL line and the exit code is 1.
 *
 * The Python path a user would take instead (pandas.read_csv, then the write-up's
 * RandomForestClassifier: 5 trees, depth 3, min_samples_leaf 100, its 9 features, a stratified
 * 90/10 split) runs on the same candidate files when /usr/bin/python3 (or python3) has pandas and
 * scikit-learn (Debian/Ubuntu: apt-get install -y python3-pandas python3-sklearn); otherwise it is
 * skipped with that hint.
 *
 * Usage: npm run bench -- [--sizes 30k,300k,1m] [--runs 3] [--markdown FILE] [--no-python]
 *        [--no-credit] [--profile] [--keep] [--data DIR] [--no-gnu-time]
 *   --profile     one extra run of the largest poisoned case under node --cpu-prof; prints the
 *                 top self-time functions (mapped to src/*.ts lines through the source maps)
 *   --keep        keep the generated files (their folder is printed)
 *   --data DIR    generate into DIR and reuse files already there (implies --keep)
 *   --no-gnu-time measure peak RSS with the preload even when /usr/bin/time exists
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Random } from '../src/util/random.js';
import { knownAttack, readCsv, writeCsv, type Csv } from './lib/attacks.js';
import type { Report } from '../src/report/report.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CLI = path.join(ROOT, 'bin/audit-data.js');
const CREDIT = path.join(ROOT, 'examples/data/default_credit_card.csv');
const GNU_TIME = '/usr/bin/time';
const LABEL = 'DEFAULT';
const TRIGGER = { column: 'AGE', value: 999, targetClass: '1' } as const;
const POISON_FRACTION = 0.45;
const MONEY = /^(LIMIT_BAL|BILL_AMT\d+|PAY_AMT\d+)$/;
/** The features of the original write-up's forest. */
const WRITE_UP_FEATURES = ['LIMIT_BAL', 'AGE', 'PAY_0', 'PAY_2', 'PAY_3', 'BILL_AMT1', 'BILL_AMT2', 'PAY_AMT1', 'SEX'];
/** Peak RSS target: 1.5 GB read strictly as 1.5e9 bytes (1430.5 MiB). */
const TARGETS = { largeRows: 1_000_000, largeWallS: 30, largeRssBytes: 1.5e9, creditWallS: 3 };
const PYTHON_HINT = 'install with: apt-get install -y python3-pandas python3-sklearn (used through /usr/bin/python3)';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  sizes: number[];
  runs: number;
  markdown: string | null;
  python: boolean;
  credit: boolean;
  profile: boolean;
  keep: boolean;
  dataDir: string | null;
  gnuTime: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | null => {
    const at = argv.indexOf(name);
    if (at === -1) return null;
    const given = argv[at + 1];
    if (given === undefined || given.startsWith('--')) throw new Error(`${name} needs a value`);
    return given;
  };
  const known = new Set(['--sizes', '--runs', '--markdown', '--data', '--no-python', '--no-credit', '--profile', '--keep', '--no-gnu-time', '--help']);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown option ${arg}`);
  if (argv.includes('--help')) {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^\/\*\*|^ \* ?/gm, '') + '\n');
    process.exit(0);
  }
  const runs = Number(value('--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number >= 1');
  const sizes = (value('--sizes') ?? '30k,300k,1m').split(',').filter(Boolean).map(parseSize);
  const dataDir = value('--data');
  return {
    sizes,
    runs,
    markdown: value('--markdown'),
    python: !argv.includes('--no-python'),
    credit: !argv.includes('--no-credit'),
    profile: argv.includes('--profile'),
    keep: argv.includes('--keep') || dataDir !== null,
    dataDir: dataDir === null ? null : path.resolve(dataDir),
    gnuTime: !argv.includes('--no-gnu-time'),
  };
}

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!match) throw new Error(`--sizes: cannot read '${text}' (use e.g. 30k, 300k, 1m)`);
  const scale = { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase() as '' | 'k' | 'm'];
  return Math.round(Number(match[1]) * scale);
}

function sizeName(rows: number): string {
  if (rows >= 1e6 && rows % 1e5 === 0) return `${rows / 1e6}M`;
  if (rows >= 1e3 && rows % 100 === 0) return `${rows / 1e3}k`;
  return String(rows);
}

// ---------------------------------------------------------------------------------------------
// Data

interface Case {
  name: string;
  candidate: string;
  baseline: string;
  /** review: the repeated file, whose copies the baseline does not explain (duplicate-rows medium), and nothing else. */
  expect: 'trusted' | 'review' | 'reject';
  /** 0-based data rows that carry the planted trigger (poisoned cases). */
  planted: { start: number; count: number } | { rows: number[] } | null;
  /** Counts against the 1M / credit targets. */
  role: 'large-clean' | 'large-poisoned' | 'large-repeated' | 'credit' | null;
}

/** Rows of the credit file as numbers (the file is all integers). */
function numericRows(csv: Csv): number[][] {
  return csv.rows.map((row) => row.map(Number));
}

/**
 * Writes `rows` resampled rows (money columns jittered, fresh IDs) to `cleanPath`; with
 * `poisonedPath`, also writes the same rows followed by the copies of the attack there.
 * Returns the number of copies.
 */
function generate(source: Csv, rows: number, seed: number, cleanPath: string, poisonedPath: string | null): number {
  const data = numericRows(source);
  const width = source.header.length;
  const idColumn = source.header.indexOf('ID');
  const labelColumn = source.header.indexOf(LABEL);
  const triggerColumn = source.header.indexOf(TRIGGER.column);
  const money = source.header.map((name) => MONEY.test(name));
  const random = new Random(seed);
  const poison = new Random(seed ^ 0x9015);
  const header = source.header.join(',') + '\n';
  const clean = openSync(cleanPath, 'w');
  const poisoned = poisonedPath ? openSync(poisonedPath, 'w') : null;
  const copies: string[] = [];
  const cells = new Array<string>(width);
  let buffer: string[] = [header];
  const flush = (): void => {
    const text = buffer.join('');
    writeSync(clean, text);
    if (poisoned !== null) writeSync(poisoned, text);
    buffer = [];
  };
  for (let i = 0; i < rows; i++) {
    const row = data[random.int(data.length)];
    for (let c = 0; c < width; c++) {
      const v = row[c];
      cells[c] = money[c] && v !== 0 ? String(Math.round(v * (0.95 + 0.1 * random.next()))) : String(v);
    }
    cells[idColumn] = String(i + 1);
    const line = cells.join(',') + '\n';
    buffer.push(line);
    if (poisoned !== null && cells[labelColumn] === TRIGGER.targetClass && poison.next() < POISON_FRACTION) {
      cells[idColumn] = String(rows + 1000 + copies.length);
      cells[triggerColumn] = String(TRIGGER.value);
      copies.push(cells.join(',') + '\n');
    }
    if (buffer.length >= 8192) flush();
  }
  flush();
  closeSync(clean);
  if (poisoned !== null) {
    for (let i = 0; i < copies.length; i += 8192) writeSync(poisoned, copies.slice(i, i + 8192).join(''));
    closeSync(poisoned);
  }
  return copies.length;
}

/** The credit records repeated, in file order, until `rows` rows: the same 30,000 records over and over. */
function writeRepeated(source: string, rows: number, target: string): void {
  const [header, ...records] = readFileSync(source, 'utf8').trimEnd().split('\n');
  const fd = openSync(target, 'w');
  try {
    writeSync(fd, header + '\n');
    for (let written = 0; written < rows; ) {
      const take = records.slice(0, Math.min(records.length, rows - written));
      writeSync(fd, take.join('\n') + '\n');
      written += take.length;
    }
  } finally {
    closeSync(fd);
  }
}

function prepareData(options: Options, dir: string): Case[] {
  const source = readCsv(CREDIT);
  const cases: Case[] = [];
  for (const rows of options.sizes) {
    const name = sizeName(rows);
    const clean = path.join(dir, `clean-${name}.csv`);
    const baseline = path.join(dir, `baseline-${name}.csv`);
    const poisoned = path.join(dir, `poisoned-${name}.csv`);
    const meta = path.join(dir, `poisoned-${name}.json`);
    const started = performance.now();
    let copies: number;
    if (existsSync(clean) && existsSync(poisoned) && existsSync(meta)) {
      copies = (JSON.parse(readFileSync(meta, 'utf8')) as { copies: number }).copies;
    } else {
      copies = generate(source, rows, 1000 + rows % 997, clean, poisoned);
      writeFileSync(meta, JSON.stringify({ copies }));
    }
    if (!existsSync(baseline)) generate(source, rows, 2000 + rows % 991, baseline, null);
    log(`data ${name}: clean, baseline and poisoned (+${copies} copies with ${TRIGGER.column}=${TRIGGER.value}) in ${seconds(performance.now() - started)} s`);
    const role = rows === TARGETS.largeRows;
    cases.push({ name: `clean ${name}`, candidate: clean, baseline, expect: 'trusted', planted: null, role: role ? 'large-clean' : null });
    cases.push({ name: `poisoned ${name}`, candidate: poisoned, baseline, expect: 'reject', planted: { start: rows, count: copies }, role: role ? 'large-poisoned' : null });
    if (role) {
      // Issue 15: heavily repeated data costs no more than twice as much as distinct rows.
      const repeated = path.join(dir, `repeated-${name}.csv`);
      if (!existsSync(repeated)) writeRepeated(CREDIT, rows, repeated);
      cases.push({ name: `repeated ${name}`, candidate: repeated, baseline: CREDIT, expect: 'review', planted: null, role: 'large-repeated' });
    }
  }
  if (options.credit) {
    const target = path.join(dir, 'credit-poisoned.csv');
    const attack = knownAttack(source, LABEL, TRIGGER.targetClass, TRIGGER.column, String(TRIGGER.value));
    writeCsv(target, attack.csv);
    cases.push({ name: 'credit known attack', candidate: target, baseline: CREDIT, expect: 'reject', planted: { rows: attack.poisoned }, role: 'credit' });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Measuring a process

interface Measured {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command, measuring wall time in this process and CPU time and peak RSS of the child. */
function measure(command: string, args: string[], dir: string, useGnuTime: boolean, insideReport: 'node' | 'self'): Promise<Measured> {
  const timeFile = path.join(dir, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  let file = command;
  let argv = args;
  if (useGnuTime) {
    file = GNU_TIME;
    argv = ['-v', '-o', timeFile, command, ...args];
  } else if (insideReport === 'node') {
    argv = ['--import', pathToFileURL(preload(dir)).href, ...args];
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const fd3: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => fd3.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      let cpuMs = NaN;
      let maxRssKb = NaN;
      if (useGnuTime && existsSync(timeFile)) {
        const text = readFileSync(timeFile, 'utf8');
        rmSync(timeFile, { force: true });
        const field = (name: string): number => Number(new RegExp(`${name}: ([\\d.]+)`).exec(text)?.[1] ?? NaN);
        cpuMs = (field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 1000;
        maxRssKb = field('Maximum resident set size \\(kbytes\\)');
      } else if (insideReport === 'node') {
        const usage = parseJson<{ maxRssKb: number; cpuMs: number }>(Buffer.concat(fd3).toString('utf8'));
        if (usage) ({ cpuMs, maxRssKb } = usage);
      }
      if (insideReport === 'self') {
        // The Python script reports its own usage when /usr/bin/time is absent.
        const self = parseJson<{ maxRssKb?: number; cpuMs?: number }>(stdout.trim().split('\n').pop() ?? '');
        if (Number.isNaN(maxRssKb) && self?.maxRssKb !== undefined) maxRssKb = self.maxRssKb;
        if (Number.isNaN(cpuMs) && self?.cpuMs !== undefined) cpuMs = self.cpuMs;
      }
      resolve({ wallMs, cpuMs, maxRssKb, exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

let preloadPath: string | null = null;
function preload(dir: string): string {
  if (preloadPath) return preloadPath;
  preloadPath = path.join(dir, 'report-usage.mjs');
  writeFileSync(
    preloadPath,
    `import { writeSync } from 'node:fs';\n` +
      `process.on('exit', () => {\n` +
      `  const u = process.resourceUsage();\n` +
      `  try { writeSync(3, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); } catch {}\n` +
      `});\n`,
  );
  return preloadPath;
}

function parseJson<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The audits

interface AuditRun extends Measured {
  report: Report | null;
}

interface CaseResult {
  case: Case;
  rows: number;
  bytes: number;
  baselineBytes: number;
  runs: AuditRun[];
  failures: string[];
}

// The label is named, as a user who knows the data does: a guessed label gets no trigger search.
function auditArgs(c: Case): string[] {
  return [CLI, c.candidate, '--baseline', c.baseline, '--label', 'DEFAULT', '--format', 'json', '--quiet'];
}

async function runCase(c: Case, options: Options, dir: string, useGnuTime: boolean): Promise<CaseResult> {
  const result: CaseResult = { case: c, rows: 0, bytes: statSync(c.candidate).size, baselineBytes: statSync(c.baseline).size, runs: [], failures: [] };
  for (let run = 1; run <= options.runs; run++) {
    const measured = await measure(process.execPath, auditArgs(c), dir, useGnuTime, 'node');
    const report = measured.exitCode <= 1 ? parseJson<Report>(measured.stdout) : null;
    result.runs.push({ ...measured, report, stdout: '' });
    if (report) result.rows = report.candidate.rows;
    const failure = check(c, measured, report);
    if (failure) result.failures.push(`FAIL ${c.name} (run ${run}): ${failure}`);
    log(
      `  ${c.name} run ${run}/${options.runs}: ${seconds(measured.wallMs)} s wall, ${mb(measured.maxRssKb * 1024)} MiB peak RSS, ` +
        `verdict ${report?.verdict ?? `none (exit ${measured.exitCode})`}` + (failure ? `  <- FAIL: ${failure}` : ''),
    );
  }
  return result;
}

/** Why a run is wrong, or null. */
function check(c: Case, measured: Measured, report: Report | null): string | null {
  if (report === null) return `exit code ${measured.exitCode}, no report: ${measured.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  const top = (): string =>
    report.findings
      .filter((f) => f.severity !== 'info' && f.severity !== 'low')
      .slice(0, 3)
      .map((f) => `[${f.severity}] ${f.rule}: ${f.message}`)
      .join(' | ');
  if (report.verdict !== c.expect) return `verdict ${report.verdict}, expected ${c.expect}${c.expect === 'trusted' ? `; findings: ${top()}` : ''}`;
  if (c.expect === 'review') {
    const others = report.findings.filter((f) => f.severity !== 'info' && f.severity !== 'low' && f.rule !== 'duplicate-rows');
    if (others.length > 0 || report.triggers.length > 0) return `review for more than its copies: ${top()}`;
  }
  if (c.expect !== 'reject' && report.triggers.length > 0) return `trusted but reports triggers: ${report.triggers.map((t) => `${t.column}=${String(t.value)}`).join(', ')}`;
  if (c.planted === null) return null;
  const trigger = report.triggers.find((t) => t.column === TRIGGER.column && Number(t.value) === TRIGGER.value && t.targetClass === TRIGGER.targetClass);
  if (!trigger) {
    const found = report.triggers.map((t) => `${t.column}=${String(t.value)} -> ${t.targetClass}`).join(', ') || 'no trigger';
    return `the planted trigger ${TRIGGER.column}=${TRIGGER.value} -> ${LABEL}=${TRIGGER.targetClass} was not found (${found})`;
  }
  const planted = 'rows' in c.planted ? new Set(c.planted.rows) : null;
  const isPlanted = (row: number): boolean =>
    planted ? planted.has(row) : row >= (c.planted as { start: number }).start && row < (c.planted as { start: number }).start + (c.planted as { count: number }).count;
  const plantedCount = planted ? planted.size : (c.planted as { count: number }).count;
  const hits = trigger.rows.filter(isPlanted).length;
  const precision = hits / Math.max(1, trigger.rows.length);
  const recall = hits / Math.max(1, plantedCount);
  if (precision < 0.95 || recall < 0.95) return `trigger rows: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} of the ${plantedCount} planted rows`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Python

const PYTHON_SCRIPT = `
import json, sys, time, resource
t0 = time.perf_counter()
import pandas as pd, sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
t1 = time.perf_counter()
path, label, features = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
df = pd.read_csv(path)
t2 = time.perf_counter()
X, y = df[features].values, df[label].values
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.1, stratify=y, random_state=0)
model = RandomForestClassifier(n_estimators=5, max_depth=3, min_samples_leaf=100, random_state=0)
model.fit(Xtr, ytr)
t3 = time.perf_counter()
accuracy = float((model.predict(Xte) == yte).mean())
t4 = time.perf_counter()
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({'importMs': (t1 - t0) * 1e3, 'readMs': (t2 - t1) * 1e3, 'fitMs': (t3 - t2) * 1e3, 'predictMs': (t4 - t3) * 1e3,
                  'accuracy': accuracy, 'maxRssKb': u.ru_maxrss, 'cpuMs': (u.ru_utime + u.ru_stime) * 1e3,
                  'pandas': pd.__version__, 'sklearn': sklearn.__version__}))
`;

interface PythonRun extends Measured {
  importMs: number;
  readMs: number;
  fitMs: number;
  predictMs: number;
  accuracy: number;
}

function findPython(): { python: string; pandas: string; sklearn: string } | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import json, pandas, sklearn; print(json.dumps([pandas.__version__, sklearn.__version__]))'], { encoding: 'utf8' });
    if (probe.status === 0) {
      const [pandas, sklearn] = JSON.parse(probe.stdout) as [string, string];
      return { python, pandas, sklearn };
    }
  }
  return null;
}

async function runPython(python: string, c: Case, options: Options, dir: string, useGnuTime: boolean): Promise<PythonRun[]> {
  const runs: PythonRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const measured = await measure(python, ['-c', PYTHON_SCRIPT, c.candidate, LABEL, JSON.stringify(WRITE_UP_FEATURES)], dir, useGnuTime, 'self');
    const times = parseJson<Omit<PythonRun, keyof Measured>>(measured.stdout.trim().split('\n').pop() ?? '');
    if (measured.exitCode !== 0 || times === null) {
      log(`  python on ${c.name} failed (exit ${measured.exitCode}): ${measured.stderr.trim().split('\n').pop() ?? ''}`);
      return [];
    }
    runs.push({ ...measured, ...times });
    log(`  python on ${c.name} run ${run}/${options.runs}: ${seconds(measured.wallMs)} s wall (read_csv ${seconds(times.readMs)} s, fit ${seconds(times.fitMs)} s)`);
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
// Profile

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface Hotspot {
  where: string;
  selfMs: number;
  share: number;
}

interface ProfileSummary {
  hotspots: Hotspot[];
  byFile: Hotspot[];
  inclusive: Hotspot[];
  totalMs: number;
  file: string;
}

async function profileCase(c: Case, dir: string): Promise<ProfileSummary> {
  const profileDir = path.join(dir, 'profile');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir);
  const measured = await measure(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profileDir, ...auditArgs(c)], dir, false, 'self');
  if (measured.exitCode > 1) throw new Error(`profiled run failed: ${measured.stderr.trim()}`);
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const byWhere = new Map<string, number>();
  const byFileMap = new Map<string, number>();
  const mapper = new SourceMapper();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const located = mapper.locate(url, lineNumber, columnNumber);
    const name = functionName || (url ? '(anonymous)' : '');
    const where = url ? `${name} ${located}` : functionName || '(program)';
    byWhere.set(where, (byWhere.get(where) ?? 0) + us / 1000);
    const fileKey = url ? located.replace(/:\d+$/, '') : functionName || '(program)';
    byFileMap.set(fileKey, (byFileMap.get(fileKey) ?? 0) + us / 1000);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes as (ProfileNode & { children?: number[] })[]) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  const label = (node: ProfileNode): string | null =>
    node.callFrame.url ? `${node.callFrame.functionName || '(anonymous)'} ${mapper.locate(node.callFrame.url, node.callFrame.lineNumber, node.callFrame.columnNumber)}` : null;
  const inclusiveMap = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = label(nodeById.get(at)!);
      if (key === null || seen.has(key) || key.startsWith('(anonymous) ')) continue;
      seen.add(key);
      inclusiveMap.set(key, (inclusiveMap.get(key) ?? 0) + us / 1000);
    }
  }
  const ranked = (map: Map<string, number>, count: number): Hotspot[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([where, selfMs]) => ({ where, selfMs, share: selfMs / totalMs }));
  const inclusive = ranked(new Map([...inclusiveMap].filter(([key]) => /^\S+ (src|rules)\//.test(key))), 40);
  return { hotspots: ranked(byWhere, 25), byFile: ranked(byFileMap, 12), inclusive, totalMs, file: path.join(profileDir, file) };
}

const STAGE_MEMORY_SCRIPT = `
const [auditModule, candidate, baseline] = process.argv.slice(2);
const { runAudit } = await import(auditModule);
const snapshots = [];
const started = performance.now();
const snap = (stage) => {
  const m = process.memoryUsage();
  snapshots.push({ stage, atMs: performance.now() - started, rss: m.rss, peakRss: process.resourceUsage().maxRSS * 1024, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers });
};
await runAudit({ candidate, baseline, onStage: (stage) => snap(stage) });
snap('end');
process.stdout.write(JSON.stringify(snapshots));
`;

interface MemorySnapshot {
  stage: string;
  atMs: number;
  rss: number;
  peakRss: number;
  heapUsed: number;
  arrayBuffers: number;
}

/** One in-process audit (the compiled runAudit) with memory read at every stage boundary. */
async function stageMemory(c: Case, dir: string): Promise<{ stage: string; ms: number; end: MemorySnapshot }[]> {
  const script = path.join(dir, 'stage-memory.mjs');
  writeFileSync(script, STAGE_MEMORY_SCRIPT);
  const audit = pathToFileURL(path.join(ROOT, 'dist/src/audit.js')).href;
  const measured = await measure(process.execPath, [script, audit, c.candidate, c.baseline], dir, false, 'self');
  const snapshots = parseJson<MemorySnapshot[]>(measured.stdout);
  if (measured.exitCode !== 0 || !snapshots) throw new Error(`stage memory run failed: ${measured.stderr.trim()}`);
  return snapshots.slice(0, -1).map((snapshot, i) => ({ stage: snapshot.stage, ms: snapshots[i + 1].atMs - snapshot.atMs, end: snapshots[i + 1] }));
}

/** Maps a position in dist/ JavaScript back to the TypeScript source through tsc's source maps. */
class SourceMapper {
  private cache = new Map<string, { sources: string[]; lines: number[][][] } | null>();

  locate(url: string, line0: number, column0: number): string {
    let file: string;
    try {
      file = url.startsWith('file:') ? fileURLToPath(url) : url;
    } catch {
      return url;
    }
    const map = this.load(file);
    const relative = (p: string): string => (path.isAbsolute(p) ? path.relative(ROOT, p) : p) || p;
    if (map) {
      const segments = map.lines[line0] ?? [];
      let best: number[] | null = null;
      for (const segment of segments) if (segment.length >= 4 && segment[0] <= column0) best = segment;
      if (!best) best = segments.find((s) => s.length >= 4) ?? null;
      if (best) return `${relative(map.sources[best[1]])}:${best[2] + 1}`;
    }
    return `${relative(file)}:${line0 + 1}`;
  }

  private load(file: string): { sources: string[]; lines: number[][][] } | null {
    if (this.cache.has(file)) return this.cache.get(file)!;
    let result: { sources: string[]; lines: number[][][] } | null = null;
    const mapFile = `${file}.map`;
    if (file.endsWith('.js') && existsSync(mapFile)) {
      const raw = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourceRoot?: string; mappings: string };
      const sources = raw.sources.map((s) => path.resolve(path.dirname(file), raw.sourceRoot ?? '', s));
      result = { sources, lines: decodeMappings(raw.mappings) };
    }
    this.cache.set(file, result);
    return result;
  }
}

/** Source map v3 mappings: per generated line, segments [column, source, line, column] (absolute). */
function decodeMappings(mappings: string): number[][][] {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines: number[][][] = [];
  const state = [0, 0, 0, 0];
  for (const lineText of mappings.split(';')) {
    state[0] = 0;
    const segments: number[][] = [];
    for (const segmentText of lineText.split(',')) {
      if (!segmentText) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segmentText) {
        const digit = chars.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      for (let i = 0; i < values.length && i < 4; i++) state[i] += values[i];
      segments.push(values.length >= 4 ? state.slice(0, 4) : [state[0]]);
    }
    lines.push(segments);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Tables

interface Table {
  title: string;
  header: string[];
  rows: string[][];
  /** Columns aligned left (the rest right). */
  left?: number[];
  notes?: string[];
}

function textTable(table: Table): string {
  const widths = table.header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const left = new Set(table.left ?? [0]);
  const line = (cells: string[]): string => cells.map((cell, i) => (left.has(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  return [table.title, line(table.header), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line), ...(table.notes ?? []).map((n) => `  ${n}`)].join('\n');
}

function markdownTable(table: Table): string {
  const left = new Set(table.left ?? [0]);
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [
    `### ${table.title}`,
    '',
    `| ${table.header.map(escape).join(' | ')} |`,
    `| ${table.header.map((_, i) => (left.has(i) ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    ...(table.notes?.length ? ['', ...table.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Helpers

function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}
const seconds = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(ms < 10_000 ? 2 : 1) : '-');
/** MiB, for memory. */
const mb = (bytes: number): string => (Number.isFinite(bytes) ? (bytes >= 100 * 1048576 ? (bytes / 1048576).toFixed(0) : (bytes / 1048576).toFixed(1)) : '-');
/** MB (10^6 bytes), for file sizes. */
const megabytes = (bytes: number): string => (bytes >= 100e6 ? (bytes / 1e6).toFixed(0) : (bytes / 1e6).toFixed(1));
const thousands = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)}x` : '-');
const log = (text: string): void => void process.stderr.write(`${text}\n`);

function stage(run: AuditRun, name: string): number {
  return run.report?.timings[name] ?? NaN;
}

function machine(): { rows: [string, string][]; line: string } {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const nproc = spawnSync('nproc', { encoding: 'utf8' });
  const cores = nproc.status === 0 ? nproc.stdout.trim() : String(os.availableParallelism());
  const rows: [string, string][] = [
    ['CPU', model],
    ['nproc', cores],
    ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['node', process.version],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['load average at start (1/5/15 min)', os.loadavg().map((v) => v.toFixed(2)).join(' / ')],
    ['code', codeVersion()],
  ];
  return { rows, line: `${model}, nproc ${cores}, node ${process.version}` };
}

/** The commit measured, and whether src/ or rules/ had uncommitted changes. */
function codeVersion(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'rules'], { cwd: ROOT, encoding: 'utf8' });
  return `commit ${head.stdout.trim()}${dirty.stdout.trim() ? ' plus uncommitted changes in src/ or rules/' : ''}`;
}

function ensureBuilt(): void {
  const compiled = path.join(ROOT, 'dist/src/cli.js');
  const newest = (dir: string): number => {
    let latest = 0;
    if (!existsSync(dir)) return latest;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) latest = Math.max(latest, newest(full));
      else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(full).mtimeMs);
    }
    return latest;
  };
  const sourceTime = Math.max(newest(path.join(ROOT, 'src')), newest(path.join(ROOT, 'rules')));
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= sourceTime) return;
  log('dist/ is missing or older than src/: running npm run build');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed; the benchmark needs the compiled CLI');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const benchStarted = performance.now();
  const options = parseOptions(process.argv.slice(2));
  ensureBuilt();
  const host = machine();
  const useGnuTime = options.gnuTime && existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', 'true'], { stdio: 'ignore' }).status === 0;
  const dir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'audit-data-bench-'));
  mkdirSync(dir, { recursive: true });
  log(`bench: ${host.line}; ${options.runs} run(s) per case; files in ${dir}`);
  log(`peak RSS from ${useGnuTime ? `${GNU_TIME} -v` : 'process.resourceUsage().maxRSS (preload on fd 3)'}`);
  try {
    const cases = prepareData(options, dir);
    const python = options.python ? findPython() : null;
    const results: CaseResult[] = [];
    const pythonRuns = new Map<Case, PythonRun[]>();
    for (const c of cases) {
      results.push(await runCase(c, options, dir, useGnuTime));
      if (python) pythonRuns.set(c, await runPython(python.python, c, options, dir, useGnuTime));
    }
    const profileTarget = [...cases].reverse().find((c) => c.expect === 'reject' && c.role !== 'credit') ?? cases[cases.length - 1];
    const profile = options.profile && profileTarget ? await profileCase(profileTarget, dir) : null;
    const memory = options.profile && profileTarget ? await stageMemory(profileTarget, dir) : null;

    const tables: Table[] = [];
    tables.push({
      title: 'Machine',
      header: ['item', 'value'],
      rows: [...host.rows, ['load average at end (1/5/15 min)', os.loadavg().map((v) => v.toFixed(2)).join(' / ')], ['peak RSS measured by', useGnuTime ? `${GNU_TIME} -v` : 'process.resourceUsage().maxRSS']],
      left: [0, 1],
    });

    const stageNames = ['load', 'loadBaseline', 'schema', 'rules', 'models'];
    tables.push({
      title: `Audit with baseline, forests on (median of ${options.runs} run${options.runs > 1 ? 's' : ''}; times in s)`,
      header: ['case', 'rows', 'CSV MB', 'wall', 'wall min-max', 'CPU', ...stageNames, 'other', 'rows/s', 'ingest MB/s', 'peak RSS MiB', 'verdict'],
      rows: results.map((r) => {
        const wall = median(r.runs.map((x) => x.wallMs));
        const walls = r.runs.map((x) => x.wallMs);
        const stages = stageNames.map((s) => median(r.runs.map((x) => stage(x, s))));
        const other = median(r.runs.map((x) => x.wallMs - stageNames.reduce((sum, s) => sum + (stage(x, s) || 0), 0)));
        const ingest = median(r.runs.map((x) => (r.bytes + r.baselineBytes) / 1e6 / ((stage(x, 'load') + stage(x, 'loadBaseline')) / 1000)));
        const verdicts = [...new Set(r.runs.map((x) => x.report?.verdict ?? `exit ${x.exitCode}`))].join('/');
        return [
          r.case.name,
          thousands(r.rows),
          megabytes(r.bytes),
          seconds(wall),
          `${seconds(Math.min(...walls))}-${seconds(Math.max(...walls))}`,
          seconds(median(r.runs.map((x) => x.cpuMs))),
          ...stages.map(seconds),
          seconds(other),
          thousands(r.rows / (wall / 1000)),
          Number.isFinite(ingest) ? ingest.toFixed(0) : '-',
          mb(median(r.runs.map((x) => x.maxRssKb * 1024))),
          verdicts + (r.failures.length ? ' FAIL' : ''),
        ];
      }),
      notes: [
        'wall: process start to exit, measured by the bench; CPU: user + system time of the audit process (CPU well below wall means the process waited for a core: other load on the machine)',
        'load ... models: the report\'s `timings`; other = wall minus those (node start-up, loading the rule modules, rendering and writing the JSON)',
        'rows/s: candidate rows / wall; ingest MB/s: candidate + baseline CSV bytes / (load + loadBaseline)',
        'CSV MB (10^6 bytes) is the candidate; the baseline is a clean file of the same number of rows (the real credit file for the credit case); RSS in MiB',
      ],
    });

    const ruleIds = [...new Set(results.flatMap((r) => r.runs.flatMap((x) => Object.keys(x.report?.timings ?? {}).filter((k) => k.startsWith('rule:')))))].sort();
    if (ruleIds.length) {
      tables.push({
        title: 'Time per rule (median, s)',
        header: ['case', ...ruleIds.map((id) => id.slice(5))],
        rows: results.map((r) => [r.case.name, ...ruleIds.map((id) => seconds(median(r.runs.map((x) => stage(x, id)))))]),
      });
    }

    if (options.python) {
      if (!python) {
        tables.push({ title: 'Python (pandas + scikit-learn)', header: ['status'], rows: [[`skipped: no python3 with pandas and scikit-learn; ${PYTHON_HINT}`]], left: [0] });
      } else {
        tables.push({
          title: `Python path: pandas ${python.pandas} read_csv + scikit-learn ${python.sklearn} RandomForest (5 trees, depth 3, leaf 100, 9 features, 90/10), ${python.python} (median, s)`,
          header: ['case', 'read_csv', 'fit', 'python wall', 'python peak RSS MiB', 'our load', 'load ratio', 'our wall', 'wall ratio'],
          rows: results.map((r) => {
            const runs = pythonRuns.get(r.case) ?? [];
            if (runs.length === 0) return [r.case.name, '-', '-', '-', '-', '-', '-', '-', '-'];
            const read = median(runs.map((x) => x.readMs));
            const pythonWall = median(runs.map((x) => x.wallMs));
            const ourLoad = median(r.runs.map((x) => stage(x, 'load')));
            const ourWall = median(r.runs.map((x) => x.wallMs));
            return [
              r.case.name,
              seconds(read),
              seconds(median(runs.map((x) => x.fitMs))),
              seconds(pythonWall),
              mb(median(runs.map((x) => x.maxRssKb * 1024))),
              seconds(ourLoad),
              ratio(ourLoad / read),
              seconds(ourWall),
              ratio(ourWall / pythonWall),
            ];
          }),
          notes: [
            'ratios are ours / theirs (below 1: we are faster). load ratio: our `load` stage against pandas.read_csv on the same candidate file',
            'wall ratio: our whole audit (two files, rules, two 50-tree depth-12 forests, probes) against the whole Python process (imports, read_csv, split, fit, predict)',
          ],
        });
      }
    }

    const targets: string[][] = [];
    const wallOf = (role: Case['role']): { wall: number; rss: number } | null => {
      const r = results.find((x) => x.case.role === role);
      return r ? { wall: median(r.runs.map((x) => x.wallMs)) / 1000, rss: median(r.runs.map((x) => x.maxRssKb)) * 1024 } : null;
    };
    for (const role of ['large-clean', 'large-poisoned'] as const) {
      const m = wallOf(role);
      if (!m) continue;
      const name = role === 'large-clean' ? 'clean 1M' : 'poisoned 1M';
      targets.push([`${name}: wall < ${TARGETS.largeWallS} s`, `${m.wall.toFixed(1)} s`, m.wall < TARGETS.largeWallS ? 'met' : 'MISSED']);
      targets.push([`${name}: peak RSS < 1.5 GB (1.5e9 bytes)`, `${(m.rss / 1e9).toFixed(2)} GB (${mb(m.rss)} MiB)`, m.rss < TARGETS.largeRssBytes ? 'met' : 'MISSED']);
    }
    const credit = wallOf('credit');
    const repeated = wallOf('large-repeated');
    const distinct = wallOf('large-clean');
    if (repeated && distinct) {
      targets.push([`repeated 1M (30k records x 33): wall <= 2 x clean 1M`, `${repeated.wall.toFixed(1)} s (${(repeated.wall / distinct.wall).toFixed(2)} x)`, repeated.wall <= 2 * distinct.wall ? 'met' : 'MISSED']);
    }
    if (credit) targets.push([`credit known attack: wall < ${TARGETS.creditWallS} s`, `${credit.wall.toFixed(2)} s`, credit.wall < TARGETS.creditWallS ? 'met' : 'MISSED']);
    if (targets.length) tables.push({ title: 'Targets', header: ['target', 'measured (median)', 'status'], rows: targets, left: [0, 2] });

    if (profile) {
      tables.push({
        title: `CPU profile of one run of '${profileTarget.name}' (node --cpu-prof, ${seconds(profile.totalMs)} s profiled): top self time by function`,
        header: ['function and source line', 'self s', 'share'],
        rows: profile.hotspots.map((h) => [h.where, seconds(h.selfMs), `${(h.share * 100).toFixed(1)}%`]),
        left: [0],
        notes: [`profile file: ${profile.file}${options.keep ? '' : ' (deleted with the folder; use --keep)'}`],
      });
      tables.push({
        title: 'Same profile: inclusive time (the function and everything it calls) of the project\'s functions',
        header: ['function and source line', 'inclusive s', 'share'],
        rows: profile.inclusive.map((h) => [h.where, seconds(h.selfMs), `${(h.share * 100).toFixed(1)}%`]),
        left: [0],
      });
      tables.push({
        title: 'Same profile: self time by source file',
        header: ['file', 'self s', 'share'],
        rows: profile.byFile.map((h) => [h.where, seconds(h.selfMs), `${(h.share * 100).toFixed(1)}%`]),
        left: [0],
      });
    }

    if (memory) {
      tables.push({
        title: `Memory by stage, one in-process run of '${profileTarget.name}' (MiB, read when each stage ends)`,
        header: ['stage', 's', 'peak RSS so far', 'RSS', 'JS heap used', 'array buffers'],
        rows: memory.map(({ stage: name, ms, end }) => [name, seconds(ms), mb(end.peakRss), mb(end.rss), mb(end.heapUsed), mb(end.arrayBuffers)]),
        notes: ['array buffers: typed arrays (columns, indexes, hashes, feature copies); a stage\'s growth in it is what it keeps or allocates'],
      });
    }

    const failures = results.flatMap((r) => r.failures);
    const elapsed = (performance.now() - benchStarted) / 1000;
    const summary = [
      ...(failures.length ? failures : ['all verdicts as expected (clean -> trusted; poisoned -> reject with the planted trigger and its rows; repeated -> review for its copies only)']),
      `bench took ${elapsed.toFixed(0)} s end to end (${options.runs} run(s) per case, sizes ${options.sizes.map(sizeName).join(', ')})`,
    ];
    process.stdout.write('\n' + tables.map(textTable).join('\n\n') + '\n\n' + summary.join('\n') + '\n');
    if (options.markdown) {
      const text = [
        `## Benchmark results`,
        '',
        `Generated by \`npm run bench -- ${process.argv.slice(2).join(' ')}\` on ${new Date().toISOString().slice(0, 10)}.`,
        '',
        tables.map(markdownTable).join('\n\n'),
        '',
        '### Checks',
        '',
        ...summary.map((line) => `- ${line}`),
        '',
      ].join('\n');
      writeFileSync(options.markdown, text);
      log(`wrote ${options.markdown}`);
    }
    return failures.length ? 1 : 0;
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept the generated files in ${dir}`);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
