/**
 * The CLI as a process (RELIABILITY 30): --timeout gives up between stages with one clear line;
 * a reader that goes away early (`| head`) ends the run quietly, without a stack trace.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CREDIT, ROOT, writePoisoned } from '../fixtures.js';
import { makeWide } from '../../scripts/make-bad-fixtures.js';
import { assertCleanError, audit, cliCommand, cliEnv } from './cli.js';

let dir: string;
let wide: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'audit-data-process-'));
  wide = makeWide(dir); // its JSON report is over a megabyte: far more than a pipe holds
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('--timeout: a tiny timeout on the credit file exits 2 with one clear line', async () => {
  const result = await audit(CREDIT, ['--format', 'json', '--timeout', '0.001']);
  assertCleanError(result, /gave up after 0\.001 s \(--timeout\)/);
  assert.ok(result.ms < 30_000, `it gave up early (${Math.round(result.ms)} ms)`);
});

test('--timeout holds inside a stage (the forests of the whole credit audit) and inside user code (an endless loop in the config)', async () => {
  const inStage = await audit(CREDIT, ['--format', 'json', '--label', 'DEFAULT', '--timeout', '2']);
  assertCleanError(inStage, /^audit-data: gave up after 2 s \(--timeout\); the audit was stopped\n$/);
  assert.ok(inStage.ms < 4500, `ended within a second or two of the limit (${Math.round(inStage.ms)} ms)`);
  const loopDir = mkdtempSync(path.join(tmpdir(), 'audit-data-loop-'));
  writeFileSync(path.join(loopDir, 'audit.config.ts'), 'while (true) {}\nexport default {};\n');
  const inConfig = await audit(CREDIT, ['--timeout', '1'], { cwd: loopDir });
  rmSync(loopDir, { recursive: true, force: true });
  assertCleanError(inConfig, /gave up after 1 s \(--timeout\)/);
  assert.ok(inConfig.ms < 3500, `the endless loop was stopped (${Math.round(inConfig.ms)} ms)`);
});

/** Spawns the CLI and destroys its stdout after the first bytes, like `| head -c 100`. */
function runAndCloseEarly(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; received: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliCommand(args), { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let received = 0;
    let stderr = '';
    child.stdout.once('data', (chunk: Buffer) => {
      received = chunk.length;
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, received });
    });
  });
}

test('| head: a reader that closes the pipe after the first bytes ends the run quietly', async () => {
  for (const format of ['json', 'table']) {
    const result = await runAndCloseEarly([wide, '--format', format, '--no-model']);
    assert.ok(result.received > 0, 'some output arrived first');
    assert.equal(result.signal, null, `not killed (${result.signal})`);
    assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}, stderr ${JSON.stringify(result.stderr)}`);
    assert.doesNotMatch(result.stderr, /\n\s+at |EPIPE|Error/, `stderr: ${JSON.stringify(result.stderr)}`);
    assert.equal(result.stderr, '');
  }
});

test('| head in a real shell pipeline: nothing on stderr', () => {
  const command = [process.execPath, ...cliCommand([wide, '--format', 'json', '--no-model'])].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const result = spawnSync('sh', ['-c', `${command} | head -c 100 > /dev/null`], { cwd: ROOT, env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0);
  assert.equal(result.stderr, '');
});

test('on a terminal: a progress bar with counts and time left for the rules, the forest trees and the probes; the cursor shown again', (t) => {
  if (spawnSync('script', ['--version']).status !== 0) {
    t.skip('no script(1) to give the CLI a terminal');
    return;
  }
  const head = path.join(dir, 'credit-6000.csv');
  writeFileSync(head, readFileSync(CREDIT, 'utf8').split('\n').slice(0, 6001).join('\n') + '\n');
  const sample = writePoisoned(dir, { source: head }).file; // copies with AGE = 999: candidates to probe
  const command = [process.execPath, ...cliCommand([sample, '--label', 'DEFAULT', '--format', 'json', '--out', path.join(dir, 'tty.json'), '--force'])]
    .map((part) => `'${part.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: cliEnv({ COLUMNS: '100' }), timeout: 120_000 });
  assert.equal(run.status, 1, `reject: exit 1 (${run.stderr})`);
  const screen = run.stdout;
  assert.match(screen, /rules \[[^\]]*\] \d+\/\d+ rules \| \d+s left/);
  assert.match(screen, /forest trees \[[^\]]*\] \d+\/50 trees/);
  assert.match(screen, /probes \[[^\]]*\] \d+\/\d+ candidates/);
  assert.ok(screen.trimEnd().endsWith('\u001b[?25h'), 'the cursor is shown again at the end');
});
