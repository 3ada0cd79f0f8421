/**
 * The scheduling recipes of the README (issue 12 item 7), tested as far as this machine allows:
 * the GitHub Actions workflow parses as YAML, has a valid schedule and names only real actions,
 * and its audit command runs; the cron line is a valid schedule and its command runs as cron would
 * (silent when every dataset passes, the scan's table when one fails). The README shows both files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, tempFolder } from '../fixtures.js';
import { BIN } from '../robustness/cli.js';
import { poison, table, write } from './synthetic.js';

const WORKFLOW = path.join(ROOT, 'examples/nightly/audit-nightly.yml');
const CRONTAB = path.join(ROOT, 'examples/nightly/crontab');

/** Actions (and the major versions) that exist on the GitHub Marketplace. */
const REAL_ACTIONS = new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/cache/restore@v4', 'actions/cache/save@v4', 'actions/upload-artifact@v4', 'mikepenz/action-junit-report@v5']);

/** One field of a five-field cron schedule: *, a number in range, a list, a range or a step. */
function validCronField(field: string, low: number, high: number): boolean {
  return field.split(',').every((part) => {
    const [range, step] = part.split('/');
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return false;
    if (range === '*') return true;
    const bounds = range!.split('-').map(Number);
    return bounds.length <= 2 && bounds.every((n) => Number.isInteger(n) && n >= low && n <= high);
  });
}

function validCron(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  const limits: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
  return fields.length === 5 && fields.every((field, i) => validCronField(field, ...limits[i]!));
}

/** A folder laid out like a pipeline's: data/ and audit-data installed in node_modules/.bin. */
function pipelineFolder(): string {
  const folder = tempFolder('audit-data-recipe-');
  mkdirSync(path.join(folder, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(BIN, path.join(folder, 'node_modules', '.bin', 'audit-data'));
  write(path.join(folder, 'data', 'orders.csv'), table(1500, 5));
  return folder;
}

function shell(command: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', COLUMNS: '80' }, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the GitHub Actions workflow parses, runs on a valid schedule, names only real actions, and its audit command runs', () => {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
    on: { schedule: { cron: string }[] };
    jobs: Record<string, { steps: { uses?: string; run?: string }[] }>;
  };
  assert.ok(workflow.on.schedule.length > 0 && workflow.on.schedule.every((s) => validCron(s.cron)));
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const used = steps.flatMap((step) => (step.uses ? [step.uses] : []));
  assert.ok(used.length > 0);
  for (const action of used) assert.ok(REAL_ACTIONS.has(action), `${action} is a real action`);
  const audit = steps.find((step) => step.run?.includes('audit-data scan'));
  assert.ok(audit?.run);
  const folder = pipelineFolder();
  const result = shell(audit.run, folder);
  assert.equal(result.status, 0, result.stderr);
  assert.match(readFileSync(path.join(folder, 'audit-junit.xml'), 'utf8'), /^<\?xml[\s\S]*<testsuite name="data\/orders\.csv"/);
  assert.ok(existsSync(path.join(folder, 'reports', 'runs')));
});

test('the cron line: a valid schedule; its command prints nothing when every dataset passes and the table when one fails', () => {
  const job = readFileSync(CRONTAB, 'utf8')
    .split('\n')
    .find((line) => /^[\d*]/.test(line))!;
  const fields = job.split(/\s+/);
  assert.ok(validCron(fields.slice(0, 5).join(' ')), job);
  const folder = pipelineFolder();
  const command = fields.slice(5).join(' ').replace('cd /srv/pipeline', `cd '${folder}'`);
  assert.notEqual(command, fields.slice(5).join(' '), 'the command starts in the pipeline folder');
  const quiet = shell(command, '/');
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stdout + quiet.stderr, '', 'nothing to mail');

  write(path.join(folder, 'data', 'returns.csv'), poison(table(1500, 6), 40));
  const loud = shell(command, '/');
  assert.equal(loud.status, 0, 'cat succeeds after the failed scan');
  assert.match(loud.stdout, /\ndata\/returns\.csv +FAIL /);
  assert.match(loud.stdout, /\ndata\/orders\.csv +pass +trusted +\d+ +unchanged /);
});

test('the README shows both recipes as they are tested', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const file of [WORKFLOW, CRONTAB]) assert.ok(readme.includes(readFileSync(file, 'utf8').trim()), `README.md includes ${path.relative(ROOT, file)}`);
});
