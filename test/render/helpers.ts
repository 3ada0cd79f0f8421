/** Shared by the renderer and output tests: hostile datasets, audits with histogram data, HTML and Markdown checks. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runAudit } from '../../src/audit.js';
import { loadTable } from '../../src/load/load-table.js';
import { inferSchema } from '../../src/schema/schema.js';
import { DatasetIndexes } from '../../src/engine/indexes.js';
import type { Dataset } from '../../src/engine/dataset.js';
import type { Report } from '../../src/report/report.js';
import { buildHistogramData, type HistogramData } from '../../src/report/histograms.js';
import assert from 'node:assert/strict';

export async function dataset(file: string, label?: string): Promise<Dataset> {
  const table = await loadTable(file);
  const schema = inferSchema(table, { label });
  return { table, schema, indexes: new DatasetIndexes(table, schema) };
}

const fixed = () => new Date('2026-11-25T12:00:00.000Z');

/** The report of a file (with no model stage, for speed) and its histogram data. */
export async function audit(file: string, baseline?: string, label?: string): Promise<{ report: Report; data: HistogramData }> {
  const report = await runAudit({ candidate: file, baseline, label, model: false, now: fixed });
  const candidate = await dataset(file, label);
  const base = baseline ? await dataset(baseline, report.label?.column) : null;
  return { report, data: buildHistogramData(candidate, base, report) };
}

export const HOSTILE_COLUMN = '<script>alert(1)</script>';
export const HOSTILE_VALUE = '=HYPERLINK("x")';
export const PIPE_COLUMN = 'a|b`c\u001b[31m';

/**
 * A small dataset whose text is hostile: a column named `<script>alert(1)</script>`, one named
 * with a pipe, a backtick and an ESC sequence, values such as `=HYPERLINK("x")` and `-cmd`,
 * and appended label-1 copies whose hostile column holds HYPERLINK (so it is implicated).
 */
export function writeHostile(folder: string, name = 'hostile <b>&amp; "q".csv'): { file: string; rows: number; appended: number } {
  const lines: string[] = [];
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  lines.push(['id', HOSTILE_COLUMN, PIPE_COLUMN, 'amount', 'score', 'label'].map(quote).join(','));
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const base: string[][] = [];
  for (let i = 0; i < 1500; i++) {
    const cat = ['red', 'green', 'blue', 'teal', 'gold'][Math.floor(random() * 5)];
    const other = i % 97 === 0 ? '-cmd|x' : ['p', 'q', 'r'][Math.floor(random() * 3)];
    const amount = String(Math.round(random() * 1000));
    const score = (random() * 10).toFixed(2);
    const label = random() < 0.3 ? '1' : '0';
    base.push([String(i + 1), cat, other, amount, score, label]);
  }
  const ones = base.filter((r) => r[5] === '1');
  const appended = Math.round(ones.length * 0.4);
  const extra: string[][] = [];
  for (let i = 0; i < appended; i++) {
    const copy = [...ones[Math.floor((i * ones.length) / appended)]];
    copy[1] = HOSTILE_VALUE;
    extra.push(copy);
  }
  for (const r of [...base, ...extra]) lines.push(r.map(quote).join(','));
  const file = path.join(folder, name);
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  return { file, rows: base.length + extra.length, appended };
}

/**
 * The hostile file's report with hostile text in every other place a renderer shows: a trigger
 * (with a paired value), the model section, a message, evidence, notes and the paths.
 */
export async function hostileReport(folder: string): Promise<{ report: Report; data: HistogramData; file: string }> {
  const { file } = writeHostile(folder);
  const { report } = await audit(file);
  const hostileRows = report.findings.find((f) => f.column === HOSTILE_COLUMN && f.severity === 'high')?.rows ?? [];
  report.triggers = [
    {
      column: HOSTILE_COLUMN,
      value: HOSTILE_VALUE,
      range: null,
      targetClass: '1</td><script>alert(2)</script>',
      support: hostileRows.length,
      purity: 1,
      flipRate: 0.93,
      referenceFlipRate: 0.02,
      rows: hostileRows,
      evidence: { reference: 'baseline', pairedWith: { column: PIPE_COLUMN, value: '-cmd|x' } },
    },
  ];
  report.suspiciousRows = [...new Set([...report.suspiciousRows, ...hostileRows])].sort((a, b) => a - b);
  report.model = {
    enabled: true,
    comparison: [
      { name: 'candidate <img src=x onerror=alert(3)>', accuracy: 0.81 },
      { name: 'baseline | `x`', accuracy: 0.82 },
    ],
    flips: { probes: 400, candidate: 0.93, reference: 0.02 },
    note: '<iframe src="https://example.invalid"></iframe>',
  };
  report.findings[0].message += ' </td></tr><script>alert(4)</script> | `x` \u001b[2J';
  report.findings[0].evidence.sample = ['<svg onload=alert(5)>', '=1+1'];
  report.notes.push('<style>body{display:none}</style> @SUM(A1)');
  const candidate = await dataset(file);
  return { report, data: buildHistogramData(candidate, null, report), file };
}

/**
 * A strict check of our HTML: every `<` starts a known tag, tags are balanced, no event-handler
 * attribute, no script, no URL outside the page. Returns the tag names found.
 */
export function checkHtml(html: string): string[] {
  const allowed = new Set(
    'html head meta title style body main header section h1 h2 h3 p table thead tbody tr th td div span b code ul li a nav figure figcaption footer svg title line rect text path'.split(' '),
  );
  const voids = new Set(['meta', 'br']);
  const stack: string[] = [];
  const tags: string[] = [];
  const doctype = '<!doctype html>';
  if (!html.startsWith(doctype)) throw new Error('no doctype');
  let at = doctype.length;
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>]*")?)*)\s*(\/?)>/y;
  while (at < html.length) {
    const next = html.indexOf('<', at);
    if (next < 0) break;
    const text = html.slice(at, next);
    if (text.includes('>')) throw new Error(`raw '>' in text near ${JSON.stringify(text.slice(0, 80))}`);
    if (/&(?![a-z]+;|#\d+;)/.test(text)) throw new Error(`raw '&' in text near ${JSON.stringify(text.slice(0, 80))}`);
    tag.lastIndex = next;
    const m = tag.exec(html);
    if (!m) throw new Error(`a '<' that starts no tag near ${JSON.stringify(html.slice(next, next + 80))}`);
    const [, closing, rawName, attrs, selfClosing] = m;
    const name = rawName.toLowerCase();
    if (!allowed.has(name)) throw new Error(`unexpected element <${name}>`);
    for (const [, attr, value = ''] of attrs.matchAll(/\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"<>]*)")?/g)) {
      const key = attr.toLowerCase();
      if (key.startsWith('on')) throw new Error(`event handler attribute in <${name}${attrs}>`);
      if ((key === 'href' || key === 'src' || key.endsWith(':href')) && !value.startsWith('#')) throw new Error(`URL in <${name}${attrs}>`);
      if (key === 'style' && !/^width:\d+(\.\d+)?%$/.test(value)) throw new Error(`unexpected style in <${name}${attrs}>`);
      if (/&(?![a-z]+;|#\d+;)/.test(value)) throw new Error(`raw '&' in <${name}${attrs}>`);
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      tags.push(name);
      if (!voids.has(name) && !selfClosing) stack.push(name);
    }
    at = tag.lastIndex;
    if (name === 'style' && !closing) {
      const end = html.indexOf('</style>', at);
      if (html.slice(at, end).includes('<')) throw new Error('a < inside <style>');
      at = end;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  return tags;
}

/** Cells of a GFM table row: split on pipes not escaped by a backslash. */
export function cells(line: string): string[] {
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
export function checkMarkdown(text: string): number {
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

