/**
 * Configs and rule modules a user writes, run through the real CLI from a folder outside the
 * repository with no package.json: the config is applied, a rule importing defineRule from
 * 'audit-data' reports, a rule that throws or breaks the finding contract leaves the verdict at
 * least review, and a broken config is one line with exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { addUserRules, loadBuiltinRules } from '../../src/engine/registry.js';
import { CREDIT, tempFolder } from '../fixtures.js';
import { assertCleanError, assertJsonReport, runCli } from '../robustness/cli.js';

const dir = tempFolder('audit-data-user-code-');
const data = path.join(dir, 'credit-2000.csv');
writeFileSync(data, readFileSync(CREDIT, 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');

const ADULT_RULE = `import { defineRule } from 'audit-data';

interface Options { minAge: number }

export default defineRule<Options, { youngest: number }>({
  id: 'adult-applicants',
  title: 'Applicants are adults',
  docs: 'Credit applicants are at least minAge years old.',
  defaults: { minAge: 21 },
  check({ candidate, options }) {
    const column = candidate.table.columns.find((c) => c.name === 'AGE');
    if (!column || column.kind !== 'numeric') return [];
    const rows: number[] = [];
    let youngest = Infinity;
    column.values.forEach((age, row) => {
      if (age < options.minAge) {
        rows.push(row);
        youngest = Math.min(youngest, age);
      }
    });
    if (rows.length === 0) return [];
    return [{ severity: 'high', column: 'AGE', message: rows.length + ' applicants are younger than ' + options.minAge + '.', rows, evidence: { youngest } }];
  },
});
`;

function folder(name: string, files: Record<string, string>): string {
  const target = path.join(dir, name);
  mkdirSync(target, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(target, file), text);
  return target;
}

test('rule modules load from a folder without package.json in every form: .ts, .mts, .js, .mjs, CommonJS, a plain object', async () => {
  const plain = (id: string) => `{ id: '${id}', title: 'T', check: () => [] }`;
  const rulesDir = folder('rule-forms', {
    'a.ts': ADULT_RULE,
    'b.mts': `import { defineRule } from 'audit-data';\nexport default defineRule({ id: 'mts-rule', title: 'T', docs: '', defaults: {}, check: () => [] });\n`,
    'c.js': `module.exports = ${plain('cjs-rule')};\n`,
    'd.mjs': `export default ${plain('mjs-rule')};\n`,
    'e.ts': `const rule: { id: string; title: string; check: () => never[] } = ${plain('plain-ts-rule')};\nexport default rule;\n`,
  });
  const rules = await loadBuiltinRules();
  const builtIn = rules.size;
  await addUserRules(rules, [rulesDir]);
  assert.deepEqual([...rules.keys()].slice(builtIn).sort(), ['adult-applicants', 'cjs-rule', 'mjs-rule', 'mts-rule', 'plain-ts-rule']);
  assert.deepEqual(rules.get('adult-applicants')!.defaults, { minAge: 21 });
});

test('the config in the working folder is applied (label, bounds, rule options) and a .ts rule from the package reports in JSON and the terminal', async () => {
  const cwd = folder('project', {
    'audit.config.ts': `import { defineConfig } from 'audit-data';
export default defineConfig({
  label: 'DEFAULT',
  columns: { AGE: { min: 18, max: 60 } },
  rules: { 'adult-applicants': { options: { minAge: 25 } } },
});
`,
    'adult.ts': ADULT_RULE,
  });
  const json = await runCli([data, '--rules', 'adult.ts', '--no-model', '--format', 'json'], { cwd });
  const report = assertJsonReport(json);
  assert.equal(report.label?.column, 'DEFAULT');
  assert.equal(report.label?.source, 'config');
  const bound = report.findings.find((f) => f.rule === 'range' && f.column === 'AGE');
  assert.ok(bound, 'the configured AGE bound is applied');
  assert.match(bound.message, /configured/);
  const adult = report.findings.find((f) => f.rule === 'adult-applicants');
  assert.ok(adult, 'the user rule reports');
  const ages = readFileSync(data, 'utf8').split('\n').slice(1, -1).map((line) => Number(line.split(',')[5]));
  assert.equal(adult.count, ages.filter((age) => age < 25).length, 'with the option from the config (minAge 25)');
  assert.deepEqual(adult.evidence, { youngest: Math.min(...ages) });

  const table = await runCli([data, '--rules', 'adult.ts', '--no-model'], { cwd, env: { COLUMNS: '80' } });
  assert.equal(table.stderr, '');
  assert.match(table.stdout, /adult-applicants/);
});

test('a rule that throws, or returns a finding that breaks the contract, is an error entry naming it: review at least, exit 1', async () => {
  const cwd = folder('broken-rules', {
    'throws.ts': `import { defineRule } from 'audit-data';\nexport default defineRule({ id: 'throws', title: 'T', docs: '', defaults: {}, check() { throw new Error('lookup table missing'); } });\n`,
    'bad-severity.mjs': `export default { id: 'bad-severity', title: 'T', check: () => [{ severity: 'severe', message: 'x' }] };\n`,
    'bad-rows.mjs': `export default { id: 'bad-rows', title: 'T', check: () => [{ severity: 'low', message: 'x', rows: [0, 1.5] }] };\n`,
    'bad-evidence.mjs': `export default { id: 'bad-evidence', title: 'T', check: () => { const e = {}; e.self = e; return [{ severity: 'low', message: 'x', evidence: e }]; } };\n`,
  });
  for (const [file, expected] of [
    ['throws.ts', /lookup table missing/],
    ['bad-severity.mjs', /severity "severe" is not one of/],
    ['bad-rows.mjs', /rows\[1\] = 1\.5 is not a row number/],
    ['bad-evidence.mjs', /evidence cannot be written as JSON/],
  ] as const) {
    const result = await runCli([data, '--label', 'DEFAULT', '--rules', file, '--no-model', '--format', 'json'], { cwd });
    const report = assertJsonReport(result);
    assert.equal(result.code, 1, `${file}: exit 1`);
    assert.notEqual(report.verdict, 'trusted', `${file}: a broken check never leaves the data trusted`);
    const error = report.errors.find((e) => e.rule === path.basename(file).replace(/\.(ts|mjs)$/, ''));
    assert.ok(error, `${file}: an error entry naming the rule`);
    assert.match(error.message, expected);
  }
});

test('a broken config is one line naming the problem and exit 2, before any work', async () => {
  const cases: [string, RegExp][] = [
    [`export default { rulez: {} };\n`, /^audit-data: audit\.config\.ts: rulez: unknown key \(did you mean rules\?\)\n$/],
    [`export default { rules: { range: { options: { baselineMargn: 0.2 } } } };\n`, /rules\.range\.options\.baselineMargn: unknown option \(did you mean baselineMargin\?\)/],
    [`export default { label: 'DEFAULT', columns: { AGEE: { max: 3 } } };\n`, /columns\.AGEE: no column 'AGEE' in the candidate \(did you mean AGE\?\)/],
    [`export default { label: 'DEFAULT', failOn: 3 };\n`, /^audit-data: audit\.config\.ts: failOn: must be one of "critical", "high", "medium", "low", "info"\n$/],
    [`export default { label: ['DEFAULT'] };\n`, /^audit-data: audit\.config\.ts: label: expected string, received array\n$/],
    [`export default { label: 'DEFAULT' failOn: 'high' };\n`, /audit\.config\.ts: could not load the config: .*line 1/],
  ];
  for (const [text, pattern] of cases) {
    const cwd = folder(`bad-config-${cases.findIndex(([t]) => t === text)}`, { 'audit.config.ts': text });
    assertCleanError(await runCli([data, '--no-model'], { cwd }), pattern);
    // --no-config ignores it (checked once: the others are the same path).
    if (text === cases[0][0]) assertJsonReport(await runCli([data, '--no-config', '--no-model', '--format', 'json'], { cwd }));
  }
});
