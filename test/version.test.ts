import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TOOL_VERSION } from '../src/version.js';
import { ROOT } from './fixtures.js';

test('the reported tool version is the package version', () => {
  assert.equal(TOOL_VERSION, (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
});
