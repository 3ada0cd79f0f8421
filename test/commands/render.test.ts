/**
 * The report model holds what the human formats show (issue 11): the histogram data is part of
 * the JSON report, and `audit-data render REPORT.json` of a saved report gives the HTML and
 * Markdown that the renderers give for the report itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';
import { runAudit } from '../../src/audit.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderJson } from '../../src/render/json.js';
import { assertCleanError, runCli } from '../robustness/cli.js';

const dir = tempFolder('audit-data-render-');

test('render REPORT.json --format html|markdown equals what the renderers give the report itself', async () => {
  // The known attack on the head of the credit example: saving and rendering, not the full file's detection.
  const poisoned = writePoisoned(dir, { source: creditHead() });
  const report = await runAudit({ candidate: poisoned.file, label: 'DEFAULT', model: false });
  assert.ok(report.histograms && report.histograms.columns.some((c) => c.column === 'AGE' && c.bars.some((b) => b.spike)), 'the histograms are in the report model');
  const saved = path.join(dir, 'report.json');
  writeFileSync(saved, renderJson(report));
  for (const [format, expected] of [
    ['html', renderHtml(report)],
    ['markdown', renderMarkdown(report)],
  ] as const) {
    const out = path.join(dir, `again.${format === 'html' ? 'html' : 'md'}`);
    const result = await runCli(['render', saved, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(out, 'utf8'), expected, `${format}: the saved report renders the same`);
  }
  const table = await runCli(['render', saved], { env: { COLUMNS: '80' } });
  assert.match(table.stdout, /AGE/);
  assertCleanError(await runCli(['render', creditHead()]), /not JSON/);
  writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
  assertCleanError(await runCli(['render', path.join(dir, 'other.json')]), /not an audit-data report/);
});

test('a clean report shows the columns that tell the classes apart', async () => {
  const report = await runAudit({ candidate: creditHead(), label: 'DEFAULT', model: false });
  assert.equal(report.verdict, 'trusted');
  assert.equal(report.histograms?.columns.length, 4);
  assert.ok(report.histograms!.columns.some((c) => c.column === 'PAY_0'), report.histograms!.columns.map((c) => c.column).join(', '));
  assert.match(renderHtml(report), /<h2>The columns that tell the classes apart<\/h2>/);
  // What was checked: every rule and later-stage check, with its result.
  const status = new Map(report.checks.map((c) => [c.id, `${c.status}${c.reason ? `: ${c.reason}` : ''}`]));
  assert.equal(status.size, 20);
  assert.equal(status.get('drift'), 'skipped: no baseline given');
  assert.equal(status.get('backdoor-trigger'), 'skipped: the model checks were turned off');
  assert.equal(status.get('column-constraints'), 'passed');
  assert.match(status.get('duplicate-rows')!, /^(finding|passed)$/);
  assert.match(renderHtml(report), /<section id="checks">/);
});
