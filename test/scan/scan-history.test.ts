/**
 * The scan's history and noise control on small synthetic files (issue 12): a killed scan leaves
 * the history readable, two scans at once both land, accepted findings pass until they grow,
 * baselines by config pattern and last-trusted, retention, which files a scan finds, usage errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tempFolder } from '../fixtures.js';
import { cliCommand, cliEnv, runCli } from '../robustness/cli.js';
import { History, type RunRecord } from '../../src/scan/history.js';
import { findDatasets } from '../../src/scan/datasets.js';
import { poison, table, write } from './synthetic.js';

function runs(work: string): Promise<RunRecord[]> {
  return new History(path.join(work, 'reports')).runs();
}

const scanArgs = ['--label', 'y', '--format', 'json', '--no-model'];

test('a scan killed mid-way leaves whole files and a readable history; the next scan works and reuses what the killed one finished', async () => {
  const work = tempFolder('audit-data-scan-kill-');
  for (let i = 0; i < 6; i++) write(path.join(work, 'data', `part-${i}.csv`), table(4000, 10 + i));
  const child = spawn(process.execPath, cliCommand(['scan', 'data', '--label', 'y', '-q']), { cwd: work, env: cliEnv(), stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Kill it once it has finished a dataset or two, without waiting for the end.
  const deadline = Date.now() + 60_000;
  let finished = 0;
  while (Date.now() < deadline && finished < 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const [run] = await runs(work);
    finished = run?.datasets.length ?? 0;
  }
  child.kill('SIGKILL');
  await exited;
  const [killed, ...others] = await runs(work);
  assert.equal(others.length, 0);
  assert.ok(killed, 'the killed run is in the history');
  assert.equal(killed.complete, false);
  assert.ok(killed.datasets.length >= 1 && killed.datasets.length < 6, `the kill came mid-way (${killed.datasets.length} of 6 done)`);
  const folder = path.join(work, 'reports', 'runs', killed.runId);
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json'))) JSON.parse(readFileSync(path.join(folder, name), 'utf8'));

  const next = await runCli(['scan', 'data', '--label', 'y', '--format', 'json'], { cwd: work, timeoutMs: 120_000 });
  assert.equal(next.code, 0, next.stderr);
  const record = JSON.parse(next.stdout) as RunRecord;
  assert.equal(record.complete, true);
  assert.equal(record.datasets.length, 6);
  const reused = record.datasets.filter((d) => d.changes?.reused).map((d) => d.dataset);
  assert.deepEqual(reused, killed.datasets.map((d) => d.dataset), 'what the killed scan finished is not audited again');
  assert.equal((await runs(work)).length, 2);
});

test('two scans started together both complete, each in its own run, and the history lists both', async () => {
  const work = tempFolder('audit-data-scan-twice-');
  for (let i = 0; i < 3; i++) write(path.join(work, 'data', `part-${i}.csv`), table(1500, 20 + i));
  const [a, b] = await Promise.all([runCli(['scan', 'data', ...scanArgs], { cwd: work }), runCli(['scan', 'data', ...scanArgs], { cwd: work })]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const history = await runs(work);
  assert.equal(history.length, 2);
  assert.notEqual(history[0]!.runId, history[1]!.runId);
  assert.ok(history.every((run) => run.complete && run.datasets.length === 3));
  const after = await runCli(['scan', 'data', ...scanArgs], { cwd: work });
  assert.ok((JSON.parse(after.stdout) as RunRecord).datasets.every((d) => d.changes?.reused));
});

test('accepted findings are shown as accepted and do not fail the scan; a finding that grows is new again', async () => {
  const work = tempFolder('audit-data-scan-accept-');
  const file = path.join(work, 'in', 'delivery.csv');
  const clean = table(1200, 7);
  write(file, poison(clean, 25));
  const first = await runCli(['scan', 'in', ...scanArgs], { cwd: work });
  assert.equal(first.code, 1, first.stderr);
  const run = JSON.parse(first.stdout) as RunRecord & { runFolder: string };
  const range = run.datasets[0]!.findings.find((f) => f.rule === 'range' && f.column === 'x1');
  assert.ok(range && range.severity !== 'info', 'the impossible x1 = 999 is a finding');
  const reportFile = path.join(run.runFolder, run.datasets[0]!.reports.json!);

  const missingReason = await runCli(['accept', reportFile, '--all'], { cwd: work });
  assert.equal(missingReason.code, 2);
  assert.match(missingReason.stderr, /reason/);
  const unknown = await runCli(['accept', reportFile, '--finding', '0000000000', '--reason', 'x'], { cwd: work });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /has no finding 0000000000 \(its findings: /);
  const accepted = await runCli(['accept', reportFile, '--all', '--reason', 'supplier confirmed the test rows', '--by', 'ana'], { cwd: work });
  assert.equal(accepted.code, 0, accepted.stderr);
  const file1 = JSON.parse(readFileSync(path.join(work, 'audit-data.accepted.json'), 'utf8')) as { accepted: { id: string; by: string; reason: string; dataset: string }[] };
  assert.ok(file1.accepted.some((a) => a.id === range.id && a.by === 'ana' && a.dataset === 'in/delivery.csv'));

  const second = await runCli(['scan', 'in', ...scanArgs], { cwd: work });
  assert.equal(second.code, 0, second.stderr);
  const entry = (JSON.parse(second.stdout) as RunRecord).datasets[0]!;
  assert.equal(entry.status, 'pass');
  assert.notEqual(entry.verdict, 'trusted', 'the audit itself still says what it found');
  assert.equal(entry.effectiveVerdict, 'trusted');
  assert.ok(entry.findings.find((f) => f.id === range.id)?.accepted);
  const text = await runCli(['scan', 'in', '--label', 'y', '--no-model', '--force'], { cwd: work, env: { COLUMNS: '100' } });
  assert.match(text.stdout, new RegExp(`accepted: [A-Z]+ range x1 = 999, 25 rows \\[${range.id}\\]`));

  // Ten more poisoned rows: the accepted range finding now covers more rows than were accepted.
  write(file, poison(clean, 35));
  const third = await runCli(['scan', 'in', ...scanArgs], { cwd: work });
  assert.equal(third.code, 1, third.stderr);
  const grown = (JSON.parse(third.stdout) as RunRecord).datasets[0]!;
  assert.equal(grown.findings.find((f) => f.id === range.id)?.accepted, false);
  assert.ok(grown.changes?.outgrown.includes(range.id));
});

test('baselines: a config pattern, then --baseline last-trusted (the content of the last trusted scan, kept under reports/trusted)', async () => {
  const work = tempFolder('audit-data-scan-baseline-');
  const base = table(1500, 3);
  write(path.join(work, 'trusted', 'base.csv'), base);
  write(path.join(work, 'deliveries', 'today.csv'), table(1500, 4));
  writeFileSync(path.join(work, 'audit.config.mjs'), "export default { baselines: { 'deliveries/*.csv': 'trusted/base.csv' } };\n");
  const mapped = await runCli(['scan', 'deliveries', ...scanArgs], { cwd: work });
  assert.equal(mapped.code, 0, mapped.stderr);
  assert.deepEqual((JSON.parse(mapped.stdout) as RunRecord).datasets[0]!.baseline, {
    path: 'trusted/base.csv',
    sha256: (JSON.parse(mapped.stdout) as RunRecord).datasets[0]!.baseline!.sha256,
    source: 'config',
  });

  const first = await runCli(['scan', 'deliveries', '--baseline', 'last-trusted', '--no-config', ...scanArgs], { cwd: work });
  const firstEntry = (JSON.parse(first.stdout) as RunRecord).datasets[0]!;
  assert.equal(firstEntry.baseline, null, 'no trusted scan yet with last-trusted');
  assert.equal(firstEntry.verdict, 'trusted');
  assert.ok(firstEntry.trustedCopy && existsSync(path.join(work, 'reports', firstEntry.trustedCopy)));
  assert.equal(gunzipSync(readFileSync(path.join(work, 'reports', firstEntry.trustedCopy))).toString('utf8'), readFileSync(path.join(work, 'deliveries', 'today.csv'), 'utf8'));

  // The next delivery is poisoned: audited against the content trusted last time.
  write(path.join(work, 'deliveries', 'today.csv'), poison(table(1500, 4), 30));
  const next = await runCli(['scan', 'deliveries', '--baseline', 'last-trusted', '--no-config', ...scanArgs], { cwd: work });
  assert.equal(next.code, 1);
  const entry = (JSON.parse(next.stdout) as RunRecord).datasets[0]!;
  assert.equal(entry.baseline?.source, 'last-trusted');
  assert.equal(entry.baseline?.sha256, firstEntry.sha256);
  assert.equal(entry.trustedCopy, undefined, 'a failed delivery does not become the trusted baseline');
});

test('--keep N keeps the newest N runs; a bad option or nothing to scan is exit 2 with one line', async () => {
  const work = tempFolder('audit-data-scan-keep-');
  write(path.join(work, 'a.csv'), table(300, 1));
  for (let i = 0; i < 3; i++) assert.equal((await runCli(['scan', 'a.csv', ...scanArgs, '--force', '--keep', '2'], { cwd: work })).code, 0);
  assert.equal((await runs(work)).length, 2);

  for (const [args, pattern] of [
    [['scan', 'nothing/*.csv'], /no dataset found in nothing\/\*\.csv/],
    [['scan', 'a.csv', '--keep', '0'], /--keep takes a positive whole number/],
    [['scan', 'a.csv', '--format', 'xml'], /Invalid values/],
    [['scan', 'a.csv', '--out', 'a.csv'], /refusing to overwrite an input file/],
    [['scan', '-'], /scan reads files and folders, not standard input/],
    [['scan', 'a.csv', '--baseline', 'missing-base.csv'], /--baseline: missing-base\.csv: no such file/],
    [['scan', 'a.csv', '--out', 'junit.xml', '--format', 'json'], /names a junit file but --format is json/],
  ] as const) {
    const result = await runCli([...args], { cwd: work });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, pattern);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
  // A named file that is missing is a failed dataset, not a crashed scan.
  const missing = await runCli(['scan', 'a.csv', 'gone.csv', ...scanArgs], { cwd: work });
  assert.equal(missing.code, 1);
  assert.deepEqual((JSON.parse(missing.stdout) as RunRecord).datasets.map((d) => [d.dataset, d.status]), [['a.csv', 'pass'], ['gone.csv', 'error']]);
});

test('findDatasets: folders (recursive, no hidden folders, not the reports folder), globs, missing files; keys relative to the working folder', async () => {
  const work = tempFolder('audit-data-scan-find-');
  for (const name of ['in/a.csv', 'in/sub/b.tsv.gz', 'in/.hidden/c.csv', 'in/notes.md', 'reports/runs/x/d.csv', 'other/e.CSV']) {
    mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
    writeFileSync(path.join(work, name), 'a\n1\n');
  }
  appendFileSync(path.join(work, 'in/a.csv'), '2\n');
  const found = await findDatasets(['in', 'other/*.CSV', 'in/a.csv', 'missing.csv', 'empty/*.csv', '.'], { cwd: work, exclude: ['reports'] });
  assert.deepEqual(
    found.targets.map((t) => t.key),
    ['in/a.csv', 'in/sub/b.tsv.gz', 'other/e.CSV'],
  );
  assert.deepEqual(found.missing.map((t) => t.key), ['missing.csv']);
  assert.deepEqual(found.empty, ['empty/*.csv']);
});

test('on a terminal: which dataset is being scanned, then the audit\'s own bars; the cursor shown again', (t) => {
  if (spawnSync('script', ['--version']).status !== 0) {
    t.skip('no script(1) to give the CLI a terminal');
    return;
  }
  const work = tempFolder('audit-data-scan-tty-');
  write(path.join(work, 'data', 'a.csv'), table(3000, 31));
  write(path.join(work, 'data', 'b.csv'), table(3000, 32));
  const command = [process.execPath, ...cliCommand(['scan', 'data', '--label', 'y', '--out', path.join(work, 'scan.json')])]
    .map((part) => `'${part.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: work, encoding: 'utf8', env: cliEnv({ COLUMNS: '100' }), timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /scanning 1\/2 data\/a\.csv\.\.\.[\s\S]*scanning 2\/2 data\/b\.csv\.\.\./);
  assert.match(run.stdout, /forest trees \[[^\]]*\] \d+\/50 trees/);
  assert.ok(run.stdout.trimEnd().endsWith('\u001b[?25h'), 'the cursor is shown again at the end');
  assert.equal((JSON.parse(readFileSync(path.join(work, 'scan.json'), 'utf8')) as RunRecord).datasets.length, 2);
});
