/**
 * Helpers for the robustness tests: spawn the real CLI (bin/audit-data.js, the compiled dist/;
 * set AUDIT_DATA_TEST_SOURCE=1 to run src/cli.ts through tsx instead), with NO_COLOR and a
 * per-spawn timeout, and check the output contract:
 *   - a report: exit 0 or 1, stdout is exactly one JSON document (for --format json), stderr empty;
 *   - an error: exit 2, stdout empty, exactly one stderr line starting `audit-data:`;
 *   - never a stack trace, never a hang; the input file is never changed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../fixtures.js';
import type { Report } from '../../src/report/report.js';

export const BIN = path.join(ROOT, 'bin/audit-data.js');
export const BAD = path.join(ROOT, 'test/fixtures/bad');

export function fixture(name: string): string {
  return path.join(BAD, name);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export function cliCommand(args: readonly string[]): string[] {
  return process.env.AUDIT_DATA_TEST_SOURCE ? ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args] : [BIN, ...args];
}

export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.AUDIT_DATA_DEBUG;
  delete env.FORCE_COLOR;
  for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key];
  return env;
}

/** Runs the CLI to completion (or kills it after `timeoutMs`, default 60 s). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliCommand(args), {
      cwd: options.cwd ?? ROOT,
      env: cliEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ms: performance.now() - started,
      });
    });
  });
}

/** What identifies a path's state: absent, a folder's listing, or a file's bytes (sha256) and mtime. */
export function fingerprint(file: string): string {
  if (!existsSync(file)) return 'absent';
  const info = lstatSync(file);
  if (info.isDirectory()) return `folder:${readdirSync(file).sort().join('\u0000')}`;
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  return `file:${sha}:${info.size}:${info.mtimeMs}`;
}

/** Runs the CLI on `input` (the first argument) and checks that the input was not changed. */
export async function audit(input: string, extra: readonly string[] = [], options: RunOptions = {}): Promise<CliResult> {
  const before = fingerprint(input);
  const result = await runCli([input, ...extra], options);
  assert.equal(fingerprint(input), before, `${input} must not be changed by the audit`);
  return result;
}

export function describeResult(result: CliResult): string {
  return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}${result.timedOut ? ' TIMED OUT' : ''}; stderr: ${JSON.stringify(result.stderr.slice(0, 600))}; stdout: ${JSON.stringify(result.stdout.slice(0, 200))}`;
}

export function assertNoStackTrace(result: CliResult): void {
  assert.equal(result.timedOut, false, `the CLI hung: ${describeResult(result)}`);
  assert.equal(result.signal, null, `the CLI died: ${describeResult(result)}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, `a stack trace on stderr: ${describeResult(result)}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `a stack trace on stderr: ${describeResult(result)}`);
  assert.doesNotMatch(result.stdout, /\n\s+at .*\(.*:\d+:\d+\)/, `a stack trace on stdout: ${describeResult(result)}`);
}

/** Exit 2, nothing on stdout, one line `audit-data: ...` on stderr matching `pattern`; never an internal error. */
export function assertCleanError(result: CliResult, pattern: RegExp): string {
  assertNoStackTrace(result);
  assert.equal(result.code, 2, `expected exit 2: ${describeResult(result)}`);
  assert.equal(result.stdout, '', 'nothing on stdout after an error');
  assert.match(result.stderr, /^audit-data: [^\n]+\n$/, `exactly one stderr line starting "audit-data:": ${describeResult(result)}`);
  assert.doesNotMatch(result.stderr, /internal error/, `an input error, not an internal one: ${describeResult(result)}`);
  assert.match(result.stderr, pattern);
  return result.stderr.slice('audit-data: '.length, -1);
}

/** Exit 0 or 1, stderr empty, stdout exactly one JSON document: the report. */
export function assertJsonReport(result: CliResult): Report {
  assertNoStackTrace(result);
  assert.ok(result.code === 0 || result.code === 1, `expected exit 0 or 1: ${describeResult(result)}`);
  assert.equal(result.stderr, '', 'nothing on stderr for a successful non-interactive run');
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch (error) {
    assert.fail(`stdout is not exactly one JSON document (${(error as Error).message}): ${result.stdout.slice(0, 300)}`);
  }
  assert.equal(report.schemaVersion, 1);
  assert.equal(result.code, report.verdict === 'trusted' ? 0 : 1, 'the exit code follows the verdict');
  return report;
}

/** Any outcome that keeps the contract: a JSON report (exit 0/1) or one clean error line (exit 2). */
export function assertContract(result: CliResult): Report | string {
  assertNoStackTrace(result);
  if (result.code === 2) {
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^audit-data: [^\n]+\n$/, `exactly one stderr line: ${describeResult(result)}`);
    return result.stderr;
  }
  return assertJsonReport(result);
}

/** Every string anywhere in a JSON value. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) allStrings(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      allStrings(item, out);
    }
  }
  return out;
}

/** The JSON text without its `generatedAt` line and `timings` block (both at the top level). */
export function withoutVolatileFields(json: string): string {
  const generatedAt = /^ {2}"generatedAt": "[^"]*",\n/m;
  const timings = /^ {2}"timings": \{[^{}]*\},\n/m;
  assert.match(json, generatedAt);
  assert.match(json, timings);
  return json.replace(generatedAt, '').replace(timings, '');
}

/** Fails with the first line where two JSON texts differ. */
export function assertSameText(a: string, b: string, what: string): void {
  if (a === b) return;
  const lines = [a.split('\n'), b.split('\n')];
  const at = lines[0].findIndex((line, i) => line !== lines[1][i]);
  assert.fail(`${what}: the reports differ from line ${at + 1}: ${JSON.stringify(lines[0][at])} vs ${JSON.stringify(lines[1][at])}`);
}
