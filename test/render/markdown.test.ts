// The Markdown report: tables keep their column count whatever the data holds; no HTML from data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MARKDOWN_BUDGET, md, renderMarkdown, sparkline } from '../../src/render/markdown.js';
import { audit, cells, checkMarkdown, hostileReport, HOSTILE_COLUMN } from './helpers.js';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';

const folder = tempFolder();

test('md escapes pipes, backticks, markup characters, entities and line breaks', () => {
  assert.equal(md('a|b`c'), 'a\\|b\\`c');
  assert.equal(md('<b>&</b>'), '&lt;b&gt;&amp;&lt;/b&gt;');
  assert.equal(md('x\ny\r\nz'), 'x y  z');
  assert.equal(md('[link](u) *em* _u_ ~s~ \\|'), '\\[link\\](u) \\*em\\* \\_u\\_ \\~s\\~ \\\\\\|');
  assert.equal(cells(`| ${md('a|b\\|c')} | x |`).length, 2);
});

test('sparkline: one character per bar, a non-zero bar is never blank', () => {
  assert.equal(sparkline([0, 1, 100, 50]), ' ▁█▄');
  assert.equal(sparkline([0, 0]), '  ');
});

test('the poisoned credit report in Markdown', async () => {
  // The known attack on the head of the credit example: the Markdown, not the full file's detection.
  const { file, appended, originalRows } = writePoisoned(folder, { source: creditHead() });
  const { report, data } = await audit(file);
  const text = renderMarkdown(report, data);
  assert.ok(checkMarkdown(text) >= 4);
  assert.match(text, new RegExp(`\\*\\*${report.verdict.toUpperCase()}\\*\\* · trust score ${report.trustScore}/100`));
  assert.match(text, /\*\*AGE\*\*/);
  assert.ok(text.includes(`| 999 | 0 | ${appended.toLocaleString('en-US')} |`), 'the 999 row: no class-0 rows, every appended row in class 1');
  assert.ok(text.includes(` (${(originalRows + appended).toLocaleString('en-US')} rows × `), 'counts with thousands separators');
  const chart = text.match(/```text\n([\s\S]*?)```/);
  assert.ok(chart && chart[1].includes('^'), 'a text chart with the spike marked');
});

test('hostile text keeps every table intact and inert', async () => {
  const { report, data } = await hostileReport(folder);
  const text = renderMarkdown(report, data);
  checkMarkdown(text);
  assert.ok(text.includes(md(HOSTILE_COLUMN)));
  assert.ok(!text.includes('<script') && !text.includes('<img') && !text.includes('<iframe'));
  assert.match(text, /### Suspected backdoor triggers\n\n\| Trigger/);
  assert.match(text, /=HYPERLINK\("x"\)/);
});

test('a report with thousands of findings stays under the pull-request budget, tables still tables, with a pointer to the full report', async () => {
  const { report, data } = await hostileReport(folder);
  const base = report.findings[0];
  const many = Array.from({ length: 3000 }, (_, i) => ({ ...base, severity: i % 2 ? ('medium' as const) : ('info' as const), column: `column_${i}`, message: `${base.message} (${i})` }));
  const big = { ...report, findings: [...report.findings, ...many], notes: Array.from({ length: 500 }, (_, i) => `note ${i}`) };
  const full = renderMarkdown(big, data);
  assert.ok(full.length <= MARKDOWN_BUDGET, `${full.length} characters`);
  checkMarkdown(full);
  assert.match(full, /more findings above info are not listed here.*--format html/);
  assert.match(full, /informational findings are not listed here/);
  assert.match(full, /\| 1 \| \*\*high\*\*|\| 1 \| \*\*critical\*\*|\| 1 \| medium/, 'the top findings are still a table');
  // A small report is not shortened.
  assert.doesNotMatch(renderMarkdown(report, data), /not listed here/);
});
