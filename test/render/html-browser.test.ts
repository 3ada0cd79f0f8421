// The HTML report in a real headless Chromium: the trigger column's histogram is visible with a
// bar at the spike value, the page logs no error, loads nothing, runs nothing; screenshots kept.
//
// Needs Debian's chromium (scripts/install-chromium.sh). Skipped when it is missing, except in CI
// (CI is set), where a missing browser fails the test.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from '../../src/render/html.js';
import { runAudit } from '../../src/audit.js';
import { buildHistogramData } from '../../src/report/histograms.js';
import { dataset, hostileReport, HOSTILE_COLUMN, HOSTILE_VALUE } from './helpers.js';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots stay after the run (the path is printed); the rest is removed. */
const shots = process.env.AUDIT_DATA_SCREENSHOTS ?? mkdtempSync(path.join(tmpdir(), 'audit-data-html-'));
const work = tempFolder();

function skipWithoutBrowser(t: { skip(message: string): void }): boolean {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) assert.fail(`${CHROMIUM} is missing in CI: run scripts/install-chromium.sh first`);
  t.skip(`${CHROMIUM} is not installed (run scripts/install-chromium.sh); the browser test needs it outside CI`);
  return true;
}

interface Watched {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(browser: Browser, html: string, name: string): Promise<Watched> {
  const file = path.join(work, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, errors, requests, dialogs };
}

test('the poisoned credit report renders in Chromium with a visible spike bar', { timeout: 180_000 }, async (t) => {
  if (skipWithoutBrowser(t)) return;
  // The known attack on the head of the credit example: the page, not the full file's detection.
  const { file, appended } = writePoisoned(work, { source: creditHead() });
  const report = await runAudit({ candidate: file, now: () => new Date('2026-11-25T12:00:00.000Z') });
  const data = buildHistogramData(await dataset(file), null, report);
  // The column to look at: the strongest trigger's, or (until triggers land) the first implicated one.
  const column = report.triggers[0]?.column ?? data.columns[0]?.column;
  assert.equal(column, 'AGE');
  const html = renderHtml(report, data);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const { page, errors, requests, dialogs } = await open(browser, html, 'report.html');
    const svg = page.locator(`svg.histogram[data-column="${column}"][data-file="candidate"][data-class="DEFAULT = 1"]`);
    await assert.doesNotReject(svg.waitFor({ state: 'visible', timeout: 10_000 }));
    assert.ok(await svg.isVisible());
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 80, `histogram size ${JSON.stringify(box)}`);
    const spike = svg.locator('rect.spike[data-label="999"]');
    assert.equal(await spike.count(), 1);
    assert.ok(await spike.isVisible());
    assert.equal(Number(await spike.getAttribute('data-count')), appended);
    const bar = await spike.boundingBox();
    assert.ok(bar && bar.height > 0.5 * box!.height, `the spike bar dominates its panel (${bar?.height} of ${box!.height})`);
    // Its fill is the highlight colour, not the ordinary bar colour.
    const fills = (await page.evaluate(`(() => {
      const svg = document.querySelector('svg.histogram[data-class="DEFAULT = 1"]');
      return {
        spikeFill: getComputedStyle(svg.querySelector('rect.spike')).fill,
        plainFill: getComputedStyle(svg.querySelector('rect.bar:not(.spike)')).fill,
      };
    })()`)) as { spikeFill: string; plainFill: string };
    assert.notEqual(fills.spikeFill, fills.plainFill);
    // The verdict is at the top, in the first screenful.
    const verdict = await page.locator('.verdict').boundingBox();
    assert.ok(verdict && verdict.y < 600);
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')), [], 'nothing loaded');
    assert.equal(await page.locator('script').count(), 0);
    await page.screenshot({ path: path.join(shots, 'report.png'), fullPage: true });
    await page.locator(`figure.hist-col[data-column="${column}"]`).screenshot({ path: path.join(shots, 'histogram.png') });
    // The suspicious rows as a reviewer quotes them: the identifier values of the appended copies.
    const rowsTable = page.locator('section#rows table.rows-sample');
    assert.ok(await rowsTable.isVisible());
    assert.equal(await rowsTable.locator('thead th').first().textContent(), 'row');
    assert.ok((await rowsTable.locator('thead th').allTextContents()).includes('ID'));
    const firstRow = report.suspiciousSample!.rows[0];
    const idValue = String(firstRow.values[report.suspiciousSample!.columns.indexOf('ID')]);
    assert.ok((await rowsTable.locator('tbody tr').first().locator('td').allTextContents()).includes(idValue), `the first row's ID ${idValue} is shown`);
    assert.ok(await page.locator('nav.sections a[href="#checks"]').isVisible());
    await page.locator('section#rows').screenshot({ path: path.join(shots, 'suspicious-rows.png') });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(shots, 'report-print.png'), fullPage: true });
    assert.deepEqual(errors, []);
    t.diagnostic(`screenshots in ${shots}`);
  } finally {
    await browser.close();
  }
});

test('the clean credit report shows histograms of the informative columns and what was checked', { timeout: 180_000 }, async (t) => {
  if (skipWithoutBrowser(t)) return;
  const report = await runAudit({ candidate: creditHead(), label: 'DEFAULT', model: false, now: () => new Date('2026-11-25T12:00:00.000Z') });
  assert.equal(report.verdict, 'trusted');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const { page, errors } = await open(browser, renderHtml(report), 'clean.html');
    const svgs = page.locator('section#histograms svg.histogram');
    assert.ok((await svgs.count()) >= 4, 'histograms on a clean report');
    assert.ok(await svgs.first().isVisible());
    const checks = page.locator('section#checks table.checks tbody tr');
    assert.equal(await checks.count(), report.checks.length);
    assert.ok(report.checks.some((c) => c.id === 'drift' && c.status === 'skipped' && c.reason === 'no baseline given'));
    assert.ok(report.checks.some((c) => c.id === 'backdoor-trigger' && c.status === 'skipped' && c.reason === 'the model checks were turned off'));
    assert.ok(report.checks.some((c) => c.id === 'class-spike' && (c.status === 'passed' || c.status === 'finding')));
    assert.match((await page.locator('section#checks').textContent()) ?? '', /class-spike/);
    await page.screenshot({ path: path.join(shots, 'clean-report.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('hostile names and values stay text in Chromium: no script, no injected element, no dialog', { timeout: 120_000 }, async (t) => {
  if (skipWithoutBrowser(t)) return;
  const { report, data } = await hostileReport(work);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const { page, errors, requests, dialogs } = await open(browser, renderHtml(report, data), 'hostile.html');
    // The page's own view (DOM code as a string: the project's TypeScript has no DOM types).
    const found = (await page.evaluate(`({
      scripts: document.querySelectorAll('script').length,
      injected: document.querySelectorAll('img, iframe, object, embed, body style, b b').length,
      handlers: Array.from(document.querySelectorAll('*')).filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length,
      styles: document.querySelectorAll('style').length,
      title: document.title,
      text: document.body.innerText,
    })`)) as { scripts: number; injected: number; handlers: number; styles: number; title: string; text: string };
    assert.equal(found.scripts, 0);
    assert.equal(found.injected, 0);
    assert.equal(found.handlers, 0);
    assert.equal(found.styles, 1);
    assert.ok(found.text.includes(HOSTILE_COLUMN), 'the column name is shown as text');
    assert.ok(found.text.includes(HOSTILE_VALUE), 'the value is shown as text');
    const svg = page.locator('svg.histogram[data-file="candidate"][data-class="label = 1"]').first();
    assert.equal(await svg.getAttribute('data-column'), HOSTILE_COLUMN);
    assert.ok(await svg.locator('rect.spike').first().isVisible());
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')), []);
    await page.screenshot({ path: path.join(shots, 'hostile.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
