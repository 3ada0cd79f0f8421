// The Markdown report: tables keep their column count whatever the data holds; no HTML from data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { md, renderMarkdown, sparkline } from '../../src/render/markdown.js';
import { audit, hostileReport, HOSTILE_COLUMN, tempFolder, writePoisoned } from './helpers.js';

const folder = tempFolder();

/** Cells of a GFM table row: split on pipes not escaped by a backslash. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      cell += c + line[i + 1];
      i++;
    } else if (c === '|') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out.slice(1, -1); // the leading and trailing pipes
}

/** Checks every table (outside code blocks) and returns how many there were. */
function checkMarkdown(text: string): number {
  const lines = text.split('\n');
  let inCode = false;
  let tables = 0;
  let width = -1;
  for (const line of lines) {
    if (line.startsWith('```')) {
      inCode = !inCode;
      width = -1;
      continue;
    }
    if (inCode) {
      assert.ok(!line.includes('`'), `a backtick inside a code block: ${line}`);
      continue;
    }
    assert.ok(!/[<>]/.test(line.replace(/^> /, '')), `raw < or > outside code: ${line}`);
    if (line.startsWith('|')) {
      const n = cells(line).length;
      if (width < 0) {
        width = n;
        tables++;
      } else assert.equal(n, width, `row with ${n} cells in a table of ${width}: ${line}`);
    } else width = -1;
  }
  assert.equal(inCode, false, 'code fences balanced');
  assert.ok(!text.includes('\u001b'), 'no ESC');
  return tables;
}

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
  const { file } = writePoisoned(folder);
  const { report, data } = await audit(file);
  const text = renderMarkdown(report, data);
  assert.ok(checkMarkdown(text) >= 4);
  assert.match(text, new RegExp(`\\*\\*${report.verdict.toUpperCase()}\\*\\* · trust score ${report.trustScore}/100`));
  assert.match(text, /\*\*AGE\*\*/);
  assert.match(text, /\| 999 \| 0 \| 2,\d{3} \|/);
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
