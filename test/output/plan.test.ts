/**
 * Outputs planned before the audit (issue 15): two outputs that are one file, an output that is
 * an input (data, config, through links), a missing folder, a folder as a file, an existing file
 * without --force: one line, exit 2, nothing written. Standard input and FIFOs work for every
 * output, which come from the audited bytes. The command line is robust.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';
import { assertCleanError, assertJsonReport, cliCommand, cliEnv, runCli } from '../robustness/cli.js';
import type { Report } from '../../src/report/report.js';

const dir = tempFolder('audit-data-plan-');
// The known attack on the head of the credit example: where the outputs go, not the full file's detection.
const poisoned = writePoisoned(dir, { source: creditHead() });
const small = path.join(dir, 'small.csv');
writeFileSync(small, readFileSync(poisoned.file, 'utf8').split('\n').slice(0, 800).join('\n') + '\n');

function listing(): string[] {
  return readdirSync(dir).sort();
}

test('conflicting or unsafe outputs are refused before any work, with nothing written', async () => {
  writeFileSync(path.join(dir, 'audit.config.ts'), `export default { label: 'DEFAULT' };\n`);
  mkdirSync(path.join(dir, 'folder'), { recursive: true });
  linkSync(small, path.join(dir, 'hard.csv'));
  symlinkSync(small, path.join(dir, 'soft.csv'));
  writeFileSync(path.join(dir, 'exists.json'), 'keep');
  const before = listing();
  const cases: [string[], RegExp][] = [
    [['--quarantine', 'x.csv', '--emit-clean', 'x.csv', '--force'], /--quarantine x\.csv and --emit-clean x\.csv are the same file/],
    [['--out', 'r.json', '--quarantine', 'r.json', '--force'], /--out r\.json and --quarantine r\.json are the same file/],
    [['--out', 'audit.config.ts', '--force'], /--out audit\.config\.ts: refusing to overwrite an input file \(audit\.config\.ts\)/],
    [['--emit-clean', 'hard.csv', '--force'], /--emit-clean hard\.csv: refusing to overwrite an input file/],
    [['--emit-clean', 'soft.csv', '--force'], /--emit-clean soft\.csv: refusing to overwrite an input file/],
    [['--out', 'missing/r.json'], /--out: the folder .*missing does not exist/],
    [['--quarantine', 'folder'], /--quarantine folder: is a folder/],
    [['--out', 'exists.json'], /--out exists\.json: already exists \(use --force to overwrite it\)/],
  ];
  for (const [args, pattern] of cases) {
    const result = await runCli(['small.csv', '--no-model', ...args], { cwd: dir });
    assertCleanError(result, pattern);
    assert.ok(result.ms < 5000, `refused before the audit (${Math.round(result.ms)} ms)`);
  }
  assert.deepEqual(listing(), before, 'nothing written');
  assert.equal(readFileSync(path.join(dir, 'exists.json'), 'utf8'), 'keep');
});

function runWithStdin(args: string[], input: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliCommand(args), { cwd: dir, env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

test('standard input (-) and a FIFO work for the report, --quarantine and --emit-clean, from the bytes audited', async () => {
  const bytes = readFileSync(poisoned.file);
  const quarantine = path.join(dir, 'stdin-quarantine.csv');
  const clean = path.join(dir, 'stdin-clean.csv');
  const result = await runWithStdin(['-', '--label', 'DEFAULT', '--no-model', '--format', 'json', '--quarantine', quarantine, '--emit-clean', clean], bytes);
  assert.equal(result.stderr, '');
  const report = JSON.parse(result.stdout) as Report;
  assert.equal(report.candidate.path, 'stdin');
  assert.equal(result.code, 1);
  assert.equal(readFileSync(quarantine, 'utf8').trimEnd().split('\n').length - 1, report.suspiciousRows.length);
  assert.ok(report.suspiciousRows.length >= poisoned.appended);
  const cleanRows = readFileSync(clean, 'utf8').trimEnd().split('\n').length - 1;
  assert.equal(cleanRows, poisoned.originalRows + poisoned.appended - report.suspiciousRows.length);

  const fifo = path.join(dir, 'delivery.fifo');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `cat "${small}" > "${fifo}"`]);
  const written = new Promise((resolve) => writer.on('close', resolve));
  const fromFifo = await runCli([fifo, '--label', 'DEFAULT', '--no-model', '--format', 'json', '--emit-clean', path.join(dir, 'fifo-clean.csv')]);
  await written;
  const fifoReport = assertJsonReport(fromFifo);
  assert.equal(fifoReport.candidate.path, fifo);
  assert.equal(fifoReport.candidate.rows, 799);
  assert.ok(existsSync(path.join(dir, 'fifo-clean.csv')));
});

test('the command line: last of a repeated option wins, -- ends options, numbers are checked, OS errors in words', async () => {
  const twice = assertJsonReport(await runCli([small, '--no-model', '--format', 'table', '--format', 'json', '-l', 'X', '--label', 'DEFAULT']));
  assert.equal(twice.label?.column, 'DEFAULT');
  writeFileSync(path.join(dir, '-dash.csv'), readFileSync(small));
  assertJsonReport(await runCli(['--no-model', '--format', 'json', '--', '-dash.csv'], { cwd: dir }));
  for (const [args, pattern] of [
    [['--max-columns', '-5'], /--max-columns must be a positive whole number \(got -5\)/],
    [['--max-field-bytes', '1.5'], /--max-field-bytes must be a positive whole number \(got 1\.5\)/],
    [['--timeout', 'soon'], /--timeout takes a positive number of seconds/],
    [['--seed', '1e400'], /--seed takes a whole number/],
  ] as const) {
    assertCleanError(await runCli([small, ...args]), pattern);
  }
  symlinkSync('loop-b', path.join(dir, 'loop-a'));
  symlinkSync('loop-a', path.join(dir, 'loop-b'));
  assertCleanError(await runCli(['loop-a'], { cwd: dir }), /^audit-data: loop-a: too many levels of symbolic links \(the candidate\)\n$/);
  assertCleanError(await runCli([]), /give the dataset to audit/);
  assertCleanError(await runCli([small, small]), /one dataset per run/);
});
