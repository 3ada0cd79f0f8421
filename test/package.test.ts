/**
 * The packed package as a project that depends on it sees it: `npm pack`, the tarball unpacked
 * into a temporary project's node_modules (what npm does with a tarball; its dependencies copied
 * from this repository's install, since a test must not reach the registry), then a config and a
 * rule importing from 'audit-data' type-check there and run through the installed bin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CREDIT, ROOT, tempFolder } from './fixtures.js';

const project = tempFolder('audit-data-package-');

function productionDependencies(): string[] {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([key, entry]) => key.startsWith('node_modules/') && !entry.dev && !entry.devOptional)
    .map(([key]) => key);
}

function install(): string {
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const target = path.join(project, 'node_modules', 'audit-data');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['xzf', path.join(project, packed), '-C', target, '--strip-components=1']);
  for (const dependency of productionDependencies()) cpSync(path.join(ROOT, dependency), path.join(project, dependency), { recursive: true });
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-audit-data', private: true, type: 'module' }));
  return target;
}

const CONFIG = `import { defineConfig } from 'audit-data';
export default defineConfig({
  label: 'DEFAULT',
  columns: { AGE: { min: 18, max: 60, integer: true } },
  rules: { 'applicant-age': { options: { minAge: 25 } }, 'missing-values': 'off' },
});
`;

const RULE = `import { defineRule, type FindingDraft } from 'audit-data';

export default defineRule<{ minAge: number }, { youngest: number }>({
  id: 'applicant-age',
  title: 'Young applicants',
  docs: 'Applicants younger than minAge.',
  defaults: { minAge: 21 },
  check({ candidate, options }): FindingDraft<{ youngest: number }>[] {
    const column = candidate.table.columns.find((c) => c.name === 'AGE');
    if (!column || column.kind !== 'numeric') return [];
    const rows: number[] = [];
    column.values.forEach((age, row) => {
      if (age < options.minAge) rows.push(row);
    });
    return rows.length ? [{ severity: 'medium', column: 'AGE', message: rows.length + ' young applicants', rows, evidence: { youngest: options.minAge - 1 } }] : [];
  },
});
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
  include: ['*.ts'],
});

test('npm pack: the installed package type-checks a config and a rule importing from audit-data, and its bin runs them', () => {
  const installed = install();
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string }> };
  assert.ok(manifest.exports['.'].types);
  writeFileSync(path.join(project, 'audit.config.ts'), CONFIG);
  writeFileSync(path.join(project, 'applicant-age.ts'), RULE);
  writeFileSync(path.join(project, 'tsconfig.json'), TSCONFIG);
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const typecheck = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(typecheck.status, 0, `the config and the rule type-check against the package's types:\n${typecheck.stdout}${typecheck.stderr}`);

  // The types catch what the loader would refuse.
  writeFileSync(path.join(project, 'wrong.ts'), `import { defineConfig } from 'audit-data';\nexport default defineConfig({ failOn: 'hgh' });\n`);
  const wrong = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stdout, /wrong\.ts.*'"hgh"' is not assignable/);

  const data = path.join(project, 'credit-1000.csv');
  writeFileSync(data, readFileSync(CREDIT, 'utf8').split('\n').slice(0, 1001).join('\n') + '\n');
  const run = spawnSync(process.execPath, [path.join(installed, 'bin/audit-data.js'), data, '--rules', 'applicant-age.ts', '--no-model', '--format', 'json'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(run.stderr, '');
  const report = JSON.parse(run.stdout) as { label: { source: string }; findings: { rule: string; column: string | null; message: string }[] };
  assert.equal(report.label.source, 'config', 'the config in the working folder is applied');
  assert.ok(report.findings.some((f) => f.rule === 'range' && f.column === 'AGE' && /configured/.test(f.message)), 'its AGE bound is applied');
  const ages = readFileSync(data, 'utf8').split('\n').slice(1, -1).map((line) => Number(line.split(',')[5]));
  const young = report.findings.find((f) => f.rule === 'applicant-age');
  assert.equal(young?.message, `${ages.filter((a) => a < 25).length} young applicants`, 'the rule ran with the option from the config');
  assert.ok(!report.findings.some((f) => f.rule === 'missing-values'));
});
