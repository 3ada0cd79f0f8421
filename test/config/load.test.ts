/**
 * audit.config.* loads the same way from any folder (no package.json, an ES-module package, a
 * CommonJS package), in every extension, with `import { defineConfig } from 'audit-data'`; and a
 * config with a typo is one clear message naming the path, never silently ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig, loadConfig, parseConfig } from '../../src/config/load.js';
import { checkColumnNames, checkRuleSettings } from '../../src/config/check.js';
import { loadBuiltinRules } from '../../src/engine/registry.js';
import { InputError } from '../../src/errors.js';
import { tempDir } from '../fixtures.js';

const ESM_BODY = `import { defineConfig } from 'audit-data';
export default defineConfig({
  label: 'DEFAULT',
  identifiers: ['ID'],
  columns: { AGE: { min: 18, max: 125 } },
  rules: { 'missing-values': 'off', 'class-spike': { options: { alpha: 1e-4 } } },
  failOn: 'high',
});
`;

const EXPECTED = {
  label: 'DEFAULT',
  identifiers: ['ID'],
  columns: { AGE: { min: 18, max: 125 } },
  rules: { 'missing-values': { severity: 'off' }, 'class-spike': { options: { alpha: 1e-4 } } },
  failOn: 'high',
};

const PACKAGES: Record<string, string | null> = { 'no package.json': null, 'type module': '{"type":"module"}', 'type commonjs': '{"type":"commonjs"}' };

for (const [folder, packageJson] of Object.entries(PACKAGES)) {
  for (const extension of ['ts', 'mts', 'js', 'mjs']) {
    test(`audit.config.${extension} in a folder with ${folder} is found and applied whole`, async (t) => {
      const dir = tempDir(t);
      if (packageJson) writeFileSync(path.join(dir, 'package.json'), packageJson);
      writeFileSync(path.join(dir, `audit.config.${extension}`), ESM_BODY);
      const { config, file } = await resolveConfig(undefined, dir);
      assert.equal(file, `audit.config.${extension}`);
      assert.deepEqual(config, EXPECTED);
    });
  }
}

test('a CommonJS config (module.exports) loads like an ES module one', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'audit.config.js'), `module.exports = { label: 'DEFAULT', rules: { drift: 'low' } };\n`);
  const { config } = await resolveConfig(undefined, dir);
  assert.deepEqual(config, { label: 'DEFAULT', rules: { drift: { severity: 'low' } } });
});

test('discovery: nothing in the folder is no config; --no-config ignores one that is there; --config names another', async (t) => {
  const dir = tempDir(t);
  assert.deepEqual(await resolveConfig(undefined, dir), { config: {}, file: null });
  writeFileSync(path.join(dir, 'audit.config.ts'), `export default { label: 'A' };\n`);
  assert.deepEqual(await resolveConfig(false, dir), { config: {}, file: null });
  const other = path.join(dir, 'other.config.mjs');
  writeFileSync(other, `export default { label: 'B' };\n`);
  assert.deepEqual((await resolveConfig(other, dir)).config, { label: 'B' });
  assert.deepEqual((await resolveConfig(undefined, dir)).config, { label: 'A' });
});

function messageOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected an error');
}

async function asyncMessageOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof InputError, `an InputError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected an error');
}

const SCHEMA_ERRORS: [string, unknown, string][] = [
  ['misspelt top-level key', { lable: 'DEFAULT' }, 'c.ts: lable: unknown key (did you mean label?)'],
  ['rulez', { rulez: {} }, 'c.ts: rulez: unknown key (did you mean rules?)'],
  ['misspelt column key', { columns: { AGE: { maxx: 3 } } }, 'c.ts: columns.AGE.maxx: unknown key (did you mean max?)'],
  ['wrong type', { label: 5 }, 'c.ts: label: expected string, received number'],
  ['wrong type deep', { columns: { AGE: { min: '18' } } }, 'c.ts: columns.AGE.min: expected number, received string'],
  ['misspelt severity', { failOn: 'hgh' }, 'c.ts: failOn: must be one of "critical", "high", "medium", "low", "info" (did you mean high?)'],
  ['misspelt rule setting', { rules: { drift: 'of' } }, 'c.ts: rules.drift: must be "off" or one of critical|high|medium|low|info or { severity, options } (did you mean off?)'],
  ['misspelt key inside a rule setting', { rules: { drift: { severty: 'off' } } }, 'c.ts: rules.drift.severty: unknown key (did you mean severity?)'],
  ['array entry', { model: { cases: [{ name: 'x', record: {}, expcet: '1' }] } }, 'c.ts: model.cases[0].expcet: unknown key (did you mean expect?)'],
  ['missing required field', { model: { cases: [{ name: 'x', record: {} }] } }, 'c.ts: model.cases[0].expect: is required'],
  ['not an object', 5, 'c.ts: the default export must be a config object (export default defineConfig({...}))'],
];

for (const [name, value, message] of SCHEMA_ERRORS) {
  test(`config error, ${name}: one message naming the path`, () => {
    assert.equal(
      messageOf(() => parseConfig(value, 'c.ts')),
      message,
    );
  });
}

test('a syntax error names the line; a config that throws names its error; a missing file says so', async (t) => {
  const dir = tempDir(t);
  const broken = path.join(dir, 'audit.config.ts');
  writeFileSync(broken, `export default {\n  label: 'DEFAULT'\n  failOn: 'high',\n};\n`);
  assert.match(await asyncMessageOf(() => loadConfig(broken, 'audit.config.ts')), /^audit\.config\.ts: could not load the config: .*\(line 3, column \d+\)$/);
  writeFileSync(broken, `throw new Error('no database');\n`);
  assert.equal(await asyncMessageOf(() => loadConfig(broken, 'audit.config.ts')), 'audit.config.ts: could not load the config: no database');
  assert.equal(await asyncMessageOf(() => loadConfig(path.join(dir, 'nope.ts'))), `--config ${path.join(dir, 'nope.ts')}: no such file`);
  const yaml = path.join(dir, 'audit.yaml');
  writeFileSync(yaml, 'label: x\n');
  assert.match(await asyncMessageOf(() => loadConfig(yaml)), /a config is a \.ts, \.mts, \.js or \.mjs module/);
});

test('rule ids and rule options are checked against the rules, with suggestions', async () => {
  const rules = await loadBuiltinRules();
  const check = (value: unknown): string => messageOf(() => checkRuleSettings(parseConfig(value, 'c.ts'), rules, 'c.ts'));
  assert.equal(check({ rules: { 'class-spikes': 'off' } }), 'c.ts: rules.class-spikes: no such rule (did you mean class-spike?)');
  assert.equal(check({ rules: { 'class-spike': { options: { alpah: 1e-4 } } } }), 'c.ts: rules.class-spike.options.alpah: unknown option (did you mean alpha?)');
  assert.equal(check({ rules: { 'class-spike': { options: { alpha: 'small' } } } }), 'c.ts: rules.class-spike.options.alpha: expected number, received string');
  assert.doesNotThrow(() => checkRuleSettings(parseConfig({ rules: { 'class-spike': { options: { alpha: 1e-4 } }, drift: 'off' } }, 'c.ts'), rules, 'c.ts'));
});

test('every column the config names must be in the candidate, with a suggestion', () => {
  const header = ['ID', 'AGE', 'SEX', 'DEFAULT'];
  const check = (value: unknown): string => messageOf(() => checkColumnNames(parseConfig(value, 'c.ts'), header, 'c.ts'));
  assert.equal(check({ label: 'DEFALT' }), "c.ts: label: no column 'DEFALT' in the candidate (did you mean DEFAULT?)");
  assert.equal(check({ columns: { AGEE: { min: 18 } } }), "c.ts: columns.AGEE: no column 'AGEE' in the candidate (did you mean AGE?)");
  assert.equal(check({ identifiers: ['ID', 'Id2'] }), "c.ts: identifiers[1]: no column 'Id2' in the candidate (did you mean ID?)");
  assert.equal(
    check({ model: { unacceptable: [{ name: 'n', column: 'INCOME', op: '>', value: 1, mustNotPredict: '1' }] } }),
    "c.ts: model.unacceptable[0].column: no column 'INCOME' in the candidate",
  );
  assert.doesNotThrow(() => checkColumnNames(parseConfig({ label: 'DEFAULT', columns: { AGE: { max: 125 } } }, 'c.ts'), header, 'c.ts'));
});
