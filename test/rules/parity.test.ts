/** Every built-in rule has its file, its test, its docs and a unique id (the Ruff/Biome parity check). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBuiltinRules } from '../../src/engine/registry.js';
import { ROOT } from '../fixtures.js';

test('each rule file holds one rule whose id names its file, with docs, defaults and a test', async () => {
  const rules = await loadBuiltinRules();
  const files = readdirSync(path.join(ROOT, 'rules')).filter((name) => name.endsWith('.ts'));
  assert.equal(rules.size, files.length, 'one rule per file, ids unique');
  for (const file of files) {
    const id = file.replace(/\.ts$/, '');
    const rule = rules.get(id);
    assert.ok(rule, `rules/${file} exports a rule with id '${id}'`);
    assert.ok(rule.title.length > 5 && rule.docs.length > 20, `${id} has a title and docs`);
    assert.ok(typeof rule.defaults === 'object', `${id} has defaults`);
    assert.ok(existsSync(path.join(ROOT, 'test/rules', `${id}.test.ts`)), `test/rules/${id}.test.ts exists`);
    assert.match(readFileSync(path.join(ROOT, 'rules', file), 'utf8'), /^\/\*\*/, `${id} starts with its doc comment`);
  }
});

test('no rule or source file names a column, value or dataset of the bundled example', () => {
  const words = /\b(AGE|DEFAULT|LIMIT_BAL|PAY_AMT\d|BILL_AMT\d|999|credit)\b/;
  for (const dir of ['src', 'rules']) {
    for (const file of walk(path.join(ROOT, dir))) {
      const code = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join('\n');
      assert.doesNotMatch(code, words, `${path.relative(ROOT, file)} special-cases the example`);
    }
  }
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}
