// Reporter invariants for any text in any place (RELIABILITY 29): the HTML stays well-formed with
// no element from the data, Markdown tables keep their column count, the terminal gets no control
// character from the data.
import assert from 'node:assert/strict';
import { CONTROL_CHARACTERS } from '../fixtures.js';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderTerminal } from '../../src/render/terminal.js';
import type { HistogramData } from '../../src/report/histograms.js';
import type { Report } from '../../src/report/report.js';
import { checkHtml, checkMarkdown } from './helpers.js';

const nasty = fc.constantFrom(
  '<script>alert(1)</script>',
  '=HYPERLINK("x")',
  '</td></tr></table><img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'; x='",
  'a|b\\|c`d`',
  '```',
  '\u001b[31mred\u001b[0m',
  '\u009b31m',
  '\u202eevil',
  'line\nbreak\r\nx',
  '&amp;&lt;',
  '[x](javascript:alert(1))',
  '__proto__',
  '',
);
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), nasty);

function report(t: string[]): { report: Report; data: HistogramData } {
  const [column, value, message, classA, classB, path, other, note] = t;
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'audit-data', version: '0.1.0' },
    generatedAt: '2026-11-25T12:00:00.000Z',
    candidate: { path, rows: 10, columns: 3, sha256: 'ab' },
    baseline: { path: other, rows: 10, columns: 3, sha256: 'cd' },
    label: { column: other, source: 'option', classes: [classA, classB], reason: note, classCounts: [6, 4] },
    verdict: 'reject',
    trustScore: 0,
    counts: { critical: 1, high: 1, medium: 0, low: 0, info: 1 },
    findings: [
      { rule: 'class-spike', severity: 'high', column, value, message, count: 2, rows: [1, 2], evidence: { [note]: value, list: [{ value, count: 2 }], other } },
      { rule: 'range', severity: 'info', column: other, value: 3, message: note, count: 1, rows: [3], evidence: {} },
    ],
    triggers: [
      {
        column, value, range: null, targetClass: classB, support: 2, purity: 1, flipRate: 0.9, referenceFlipRate: 0.1, rows: [1, 2],
        evidence: { reference: 'baseline', pairedWith: { column: other, value: note } },
      },
    ],
    suspiciousRows: [1, 2],
    // Model names are the tool's own ('candidate', 'baseline'); data goes in the other fields.
    model: { enabled: true, comparison: [{ name: 'candidate', accuracy: 0.8, recall: [0.9, 0.5], note: message }], [note]: { [value]: other } },
    timings: {},
    scoring: [{ rule: 'class-spike', severity: 'high', findings: 1, cost: 20 }],
    schema: [column, other, value].map((name) => ({ name, kind: 'categorical', reason: note, distinct: 2, missing: 0 })),
    input: { delimiter: ',', delimiterSource: 'detected', quote: 'double', quoteSource: 'detected', encoding: 'utf8', compressed: false, blankLinesSkipped: 0, warnings: [note] },
    errors: [{ rule: other, message }],
    notes: [note, message],
    histograms: null,
    checks: [],
    suspiciousSample: null,
  };
  const data: HistogramData = {
    label: other,
    hasBaseline: true,
    omitted: [note],
    columns: [
      {
        column,
        axis: 'categorical',
        numeric: false,
        reasons: [message],
        bars: [
          { label: value, short: value, kind: 'value', spike: true },
          { label: other, short: other, kind: 'value', spike: false },
        ],
        classes: [
          { className: classA, candidate: [0, 6], baseline: [0, 6] },
          { className: classB, candidate: [2, 2], baseline: [0, 4] },
        ],
        candidateRows: 10,
        baselineRows: 10,
        baselineNote: note,
      },
    ],
  };
  return { report, data };
}

test('any text anywhere: well-formed HTML, intact Markdown tables, no control characters in the terminal', () => {
  fc.assert(
    fc.property(fc.array(text, { minLength: 8, maxLength: 8 }), (t) => {
      const { report: r, data } = report(t);
      const tags = checkHtml(renderHtml(r, data));
      assert.ok(!tags.some((tag) => ['script', 'img', 'iframe'].includes(tag)));
      assert.equal(tags.filter((tag) => tag === 'style').length, 1);
      checkMarkdown(renderMarkdown(r, data));
      const terminal = renderTerminal(r, { color: false });
      assert.ok(!CONTROL_CHARACTERS.test(terminal));
    }),
    { numRuns: 300 },
  );
});
