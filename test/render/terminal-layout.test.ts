// The terminal report fits the width it is given: blocks below 110 columns, tables from 110 on,
// words never split, rule ids never truncated; the poisoned credit report fits 60 lines at 80.
// (The known attack on the head of the credit example: the layout, not the full file's detection.)
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { renderTerminal, WIDE_LAYOUT } from '../../src/render/terminal.js';
import { runAudit } from '../../src/audit.js';
import type { Report } from '../../src/report/report.js';
import { creditHead, ROOT, tempFolder, writePoisoned } from '../fixtures.js';
import { runCli } from '../robustness/cli.js';

let report: Report;
before(async () => {
  const { file } = writePoisoned(tempFolder(), { source: creditHead() });
  report = await runAudit({ candidate: file, label: 'DEFAULT' });
});

const lengths = (text: string): number[] => text.trimEnd().split('\n').map((line) => [...line].length);

for (const width of [60, 80, 120, 200]) {
  test(`the poisoned credit report at ${width} columns: every line fits, every rule id is whole`, () => {
    const text = renderTerminal(report, { color: false, width });
    assert.ok(Math.max(...lengths(text)) <= width, `widest line ${Math.max(...lengths(text))}`);
    const words = new Set(text.split(/[\s│]+/));
    for (const f of report.findings.filter((x) => x.severity !== 'info').slice(0, 8)) assert.ok(words.has(f.rule), `${f.rule} is shown whole`);
    // The header's words are wrapped, not cut.
    for (const word of ['implicated', 'accurate', 'suspicious', 'backdoor.']) assert.ok(words.has(word), `'${word}' is whole`);
    assert.match(text, /AGE = 999/);
    if (width < WIDE_LAYOUT) {
      assert.doesNotMatch(text, /[┌│]/, 'blocks, not a table');
      assert.match(text, /^CRITICAL {2}backdoor-trigger · AGE = 999 · \d+ rows$/m);
    } else {
      assert.match(text, /┌/, 'a table');
    }
    if (width === 80) assert.ok(lengths(text).length <= 60, `${lengths(text).length} lines at 80 columns`);
  });
}

test('the CLI on a pipe takes COLUMNS, else 80', async () => {
  const sample = path.join(ROOT, 'test/fixtures/realworld-samples/transfusion.csv.gz');
  const narrow = await runCli([sample, '--no-model'], { env: { COLUMNS: '60' } });
  assert.ok(narrow.code === 0 || narrow.code === 1, narrow.stderr);
  assert.ok(Math.max(...lengths(narrow.stdout)) <= 60, narrow.stdout);
  const unset = await runCli([sample, '--no-model'], { env: { COLUMNS: undefined } });
  assert.ok(Math.max(...lengths(unset.stdout)) <= 80, unset.stdout);
  assert.ok(Math.max(...lengths(unset.stdout)) > 60, 'the default is 80, not the narrower width');
});
