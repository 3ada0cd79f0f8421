/** docs/rules.md and the README's rule list are generated from the rules' own fields; a stale copy fails here. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatedDocs } from '../scripts/docs.js';
import { ROOT } from './fixtures.js';

test('docs/rules.md and the README rule list match the rules (run npm run docs after changing a rule)', async () => {
  for (const { file, text } of await generatedDocs()) {
    assert.equal(readFileSync(file, 'utf8'), text, `${path.relative(ROOT, file)} is out of date: run npm run docs`);
  }
});

test('every built-in rule and later-stage check is documented with its options and defaults', async () => {
  const rules = readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');
  for (const id of ['range', 'class-spike', 'backdoor-trigger', 'relabel-suspects', 'model-cases', 'planted-rows']) assert.match(rules, new RegExp(`^## ${id}$`, 'm'));
  assert.match(rules, /\| `minFlipRate` \| `0\.25` \|/, 'a model threshold is an option with its default');
});
