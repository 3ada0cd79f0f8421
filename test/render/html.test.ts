// The HTML report: structure, self-containment, escaping of every text from the data.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CONTENT_SECURITY_POLICY, esc, renderHtml } from '../../src/render/html.js';
import { compactValue, humanKey } from '../../src/render/report-text.js';
import { audit, checkHtml, hostileReport, HOSTILE_COLUMN, HOSTILE_VALUE } from './helpers.js';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';

const folder = tempFolder();
/** The known attack on the head of the credit example: the page, not the full file's detection. */
const poisonedCredit = () => writePoisoned(folder, { source: creditHead() });

test('esc escapes the five HTML characters and makes control characters visible', () => {
  assert.equal(esc(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  assert.equal(esc('a\u001b[31mb\u202ec\nd'), 'a\uFFFD[31mb\uFFFDc d');
});

test('the poisoned credit report: CSP, verdict first, findings, histogram with the spike, schema', async () => {
  const { file } = poisonedCredit();
  const { report, data } = await audit(file);
  const html = renderHtml(report, data);
  const tags = checkHtml(html);
  assert.ok(!tags.includes('script'));
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`));
  assert.equal(CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'), 'the policy comes before any content');
  const order = ['class="verdict', 'id="findings"', 'id="histograms"', 'id="triggers"', 'id="model"', 'id="schema"'].map((s) => html.indexOf(s));
  assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1])), `section order ${order}`);
  assert.match(html, new RegExp(`<div class="verdict-word">${report.verdict.toUpperCase()}</div>`));
  assert.match(html, new RegExp(`<b>${report.trustScore}</b><span>/100</span>`));
  // Nothing outside the page: no URL to load, no script.
  assert.doesNotMatch(html, /\b(src|href)="(?!#)/);
  assert.doesNotMatch(html, /https?:\/\//);
  // The AGE histogram of class 1 has a bar at 999 holding every appended row.
  const svg = html.match(/<svg class="histogram" data-column="AGE" data-file="candidate" data-class="DEFAULT = 1"[\s\S]*?<\/svg>/);
  assert.ok(svg, 'AGE histogram for DEFAULT = 1');
  const bar = svg[0].match(/<rect class="bar candidate spike" [^>]*data-label="999" data-count="(\d+)"/);
  assert.ok(bar, 'a spike bar at 999');
  assert.equal(Number(bar[1]), report.findings.find((f) => f.column === 'AGE' && f.value === 999)!.count);
  for (const column of report.schema) assert.ok(html.includes(`>${esc(column.name)} `) || html.includes(`>${esc(column.name)}<`));
  // Every finding is listed.
  assert.equal((html.match(/<tr class="finding /g) ?? []).length, report.findings.length);
});

test('a report with triggers and a model section shows both; without data, no histograms', async () => {
  const { report } = await hostileReport(folder);
  const html = renderHtml({ ...report, histograms: null });
  checkHtml(html);
  assert.match(html, /<table class="triggers">/);
  assert.match(html, /93%/);
  assert.match(html, /<h3>Comparison<\/h3>/);
  assert.match(html, /Accuracy on the same held-out rows: <b>candidate &lt;img src=x onerror=alert\(3\)&gt;<\/b> 81%/);
  assert.match(html, /81%/);
  assert.match(html, /Histograms were not computed/);
});

test('hostile column names, values, classes, messages and paths come out inert', async () => {
  const { report, data } = await hostileReport(folder);
  const html = renderHtml(report, data);
  const tags = checkHtml(html);
  for (const bad of ['script', 'img', 'iframe', 'style-in-body']) assert.equal(tags.filter((t) => t === bad).length, 0, bad);
  assert.equal(tags.filter((t) => t === 'style').length, 1, 'only our own style element');
  assert.ok(!html.includes('\u001b'), 'no ESC');
  assert.ok(html.includes(esc(HOSTILE_COLUMN)));
  assert.ok(html.includes('=HYPERLINK(&quot;x&quot;)'));
  // The implicated hostile column has its histogram, with the hostile value as the spike bar.
  assert.ok(data.columns.some((c) => c.column === HOSTILE_COLUMN));
  assert.match(html, new RegExp(`<svg class="histogram" data-column="${esc(HOSTILE_COLUMN).replace(/[()]/g, '\\$&')}"`));
  assert.ok(html.includes(`data-label="${esc(HOSTILE_VALUE)}"`));
  assert.ok(!html.includes(HOSTILE_COLUMN) && !html.includes('<img src=x') && !html.includes('<iframe'));
});

test('same report, same HTML', async () => {
  const { report, data } = await hostileReport(folder);
  assert.equal(renderHtml(report, data), renderHtml(report, data));
});

test('a clean file without a label: trusted, no histograms, still well-formed', async () => {
  const file = path.join(folder, 'plain.csv');
  writeFileSync(file, 'a,b\n' + Array.from({ length: 50 }, (_, i) => `${i},${i * 3.5}`).join('\n') + '\n');
  const { report, data } = await audit(file);
  const html = renderHtml(report, data);
  checkHtml(html);
  assert.equal(data.columns.length, 0);
  assert.match(html, /No column is implicated/);
  assert.match(html, /The trigger search did not run|No backdoor trigger/);
});

test('evidence in words: known keys named for a reader, chances as "1 in N", intervals as ranges; the verdict said in plain words', async () => {
  assert.equal(humanKey('log10PMcNemar'), 'chance the two models differ this much by luck');
  assert.equal(humanKey('shareText'), 'share of text cells');
  assert.equal(humanKey('someNewKey'), 'some new key');
  assert.equal(humanKey('toString'), 'to string', 'an own entry only, never a prototype property');
  assert.equal(compactValue(-12.4, 'log10P'), 'below 1 in a billion');
  assert.equal(compactValue(-3.5, 'log10PCount'), 'about 1 in 3,200');
  assert.equal(compactValue([2046, 6805], 'range'), '[2046, 6805]');
  const { file } = poisonedCredit();
  const { report, data } = await audit(file);
  const html = renderHtml(report, data);
  assert.match(html, /<section class="summary" aria-label="summary"><h2>In plain words<\/h2><ul><li>/);
  assert.doesNotMatch(html, /log10 p/);
});
