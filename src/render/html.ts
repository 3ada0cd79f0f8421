/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, nothing loaded from
 * the network, a strict Content-Security-Policy), readable on a laptop and printable.
 *
 * Order: verdict and score, findings ranked with their evidence, per-class histograms of the
 * implicated columns (candidate beside baseline), triggers, model comparison, schema, input.
 * Every text that comes from the data (column names, values, classes, paths, messages) goes
 * through `esc`, which also replaces control characters and bidirectional overrides.
 */
import type { Finding } from '../engine/finding.js';
import type { Report, Trigger } from '../report/report.js';
import type { FindingsDiff } from '../report/diff.js';
import { columnAndValue, displayValue, formatInteger, formatShort, percent, rowSample, triggerSentence, triggerWhere, visible } from '../format.js';
import { labelName, nextStep } from './text.js';
import { baseName, compactValue, humanKey, modelEnabled, modelEntries, perClass, tableColumns, title } from './report-text.js';
import { INFORMATIVE_REASON, type ClassCounts, type ColumnHistogram, type HistogramBar, type HistogramData } from '../report/histograms.js';

export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Text for HTML text and attribute values: & < > " ' escaped, control characters made visible. */
export function esc(text: string): string {
  return visible(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const VERDICT_TEXT = {
  reject: 'Reject: do not train on this file',
  review: 'Review before training',
  trusted: 'Trusted: nothing stands out',
} as const;

export function renderHtml(report: Report, given: HistogramData | null | undefined = report.histograms): string {
  const data = given ?? undefined;
  const name = baseName(report.candidate.path);
  const parts: string[] = [];
  parts.push('<!doctype html>');
  parts.push('<html lang="en">');
  parts.push('<head>');
  parts.push('<meta charset="utf-8">');
  parts.push(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push('<meta name="referrer" content="no-referrer">');
  parts.push(`<title>${esc(`audit-data: ${report.verdict} – ${name}`)}</title>`);
  parts.push(`<style>${STYLE}</style>`);
  parts.push('</head>');
  parts.push('<body>');
  parts.push('<main>');
  parts.push(header(report, name));
  parts.push(navigation(report));
  parts.push(verdictPanel(report));
  parts.push(sinceLastScanSection(report));
  parts.push(findingsSection(report));
  parts.push(suspiciousRowsSection(report));
  parts.push(histogramSection(data));
  parts.push(triggerSection(report));
  parts.push(modelSection(report));
  parts.push(informationalSection(report));
  parts.push(checksSection(report));
  parts.push(schemaSection(report, data));
  parts.push(inputSection(report));
  parts.push(footer(report));
  parts.push('</main>');
  parts.push('</body>');
  parts.push('</html>');
  return parts.join('\n') + '\n';
}

function navigation(report: Report): string {
  const links: [string, string][] = report.sinceLastScan ? [['since', 'Since the last scan'], ['findings', 'Findings']] : [['findings', 'Findings']];
  if (report.suspiciousSample) links.push(['rows', 'Suspicious rows']);
  links.push(['histograms', 'Histograms'], ['triggers', 'Triggers'], ['model', 'Models'], ['checks', 'What was checked'], ['schema', 'Schema'], ['input', 'Input']);
  return `<nav class="sections" aria-label="sections">${links.map(([id, text]) => `<a href="#${id}">${esc(text)}</a>`).join('')}</nav>`;
}

/** In a report written by `audit-data scan`: which findings are new since the dataset's last scan, gone or persisting. */
function sinceLastScanSection(report: Report): string {
  const since = report.sinceLastScan;
  if (!since) return '';
  const out: string[] = ['<section id="since">', '<h2>Since the last scan</h2>'];
  if (since.content === 'first') {
    out.push('<p>This is the first scan of this dataset: every finding is listed below.</p></section>');
    return out.join('\n');
  }
  const when = since.previousAt ? ` (run ${esc(since.previousRun ?? '')}, ${esc(since.previousAt)})` : '';
  out.push(
    `<p>${since.content === 'unchanged' ? 'The file is byte for byte the same as at the last scan' : 'The file changed since the last scan'}${when}${since.reused ? '; the audit was not run again.' : '.'}</p>`,
  );
  const accepted = new Set(since.accepted);
  const outgrown = new Set(since.outgrown);
  const rows: string[] = [];
  const add = (state: string, entries: FindingsDiff['added'], withBefore: boolean): void => {
    for (const e of entries) {
      if (e.severity === 'info' && (!e.before || e.before.severity === 'info')) continue;
      const tag = accepted.has(e.id) ? `${state}, accepted` : outgrown.has(e.id) ? `${state}, grown past its acceptance` : state;
      const where = columnAndValue(e);
      const before = withBefore && e.before ? `${e.before.severity}, ${formatInteger(e.before.count)} rows` : '';
      rows.push(
        `<tr><td>${esc(tag)}</td><td>${severityBadge(e.severity)}</td><td><code>${esc(e.rule)}</code></td><td>${esc(where)}</td><td class="num">${formatInteger(e.count)}</td><td>${esc(before)}</td><td><code>${esc(e.id)}</code></td></tr>`,
      );
    }
  };
  add('new', since.findings.added, false);
  add('grown', since.findings.grown, true);
  add('gone', since.findings.removed, false);
  add('shrunk', since.findings.shrunk, true);
  add('persists', since.findings.unchanged, false);
  if (rows.length === 0) out.push('<p class="empty">No finding above info, then or now.</p>');
  else out.push(`<table class="findings"><thead><tr><th>since the last scan</th><th>severity</th><th>rule</th><th>column = value</th><th class="num">rows</th><th>before</th><th>id</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`);
  out.push('</section>');
  return out.join('\n');
}

/** The first suspicious rows with the values a reviewer quotes to a supplier. */
function suspiciousRowsSection(report: Report): string {
  const sample = report.suspiciousSample;
  if (!sample) return '';
  const out: string[] = ['<section id="rows">', `<h2>Suspicious rows <span class="muted">${formatInteger(sample.total)}</span></h2>`];
  out.push(
    `<p class="muted small">${sample.rows.length < sample.total ? `The first ${formatInteger(sample.rows.length)} of ${formatInteger(sample.total)}` : `All ${formatInteger(sample.total)}`}, by row number (0-based data records, header excluded). Every one, with its reasons: <code>--quarantine FILE</code>; the file without them: <code>--emit-clean FILE</code>.</p>`,
  );
  const head = ['row', ...sample.columns].map((c, i) => `<th${i === 0 ? ' class="num"' : ''}>${esc(c)}</th>`).join('');
  const body = sample.rows
    .map((r) => `<tr><td class="num">${formatInteger(r.row)}</td>${r.values.map((v) => `<td>${v === null ? '<span class="muted">(missing)</span>' : esc(displayValue(v))}</td>`).join('')}</tr>`)
    .join('\n');
  out.push(`<table class="data rows-sample"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`, '</section>');
  return out.join('\n');
}

const CHECK_STATUS: Record<string, string> = { finding: 'finding', passed: 'passed', skipped: 'skipped', error: 'failed' };

/** Every rule and check of the run with its result: evidence that the data was examined, and for what. */
function checksSection(report: Report): string {
  const checks = report.checks ?? [];
  const out: string[] = ['<section id="checks">', `<h2>What was checked <span class="muted">${formatInteger(checks.length)} checks</span></h2>`];
  if (checks.length === 0) {
    out.push('<p class="empty">This report does not list its checks.</p></section>');
    return out.join('\n');
  }
  const ran = checks.filter((c) => c.status !== 'skipped').length;
  out.push(`<p class="muted small">${formatInteger(ran)} ran, ${formatInteger(checks.length - ran)} skipped. <code>audit-data rules ID</code> explains each.</p>`);
  const rows = checks.map((c) => {
    const result =
      c.status === 'finding'
        ? `${formatInteger(c.findings)} finding${c.findings === 1 ? '' : 's'}${c.highest ? `, the highest <span class="badge sev-${c.highest}">${c.highest}</span>` : ''}`
        : c.status === 'passed'
          ? 'nothing found'
          : esc(c.reason ?? '');
    return `<tr class="check-${c.status}"><td><code>${esc(c.id)}</code></td><td>${esc(c.title)}</td><td><span class="status status-${c.status}">${CHECK_STATUS[c.status]}</span></td><td>${result}</td></tr>`;
  });
  out.push(`<table class="checks"><thead><tr><th>check</th><th>what it looks for</th><th>result</th><th>details</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`, '</section>');
  return out.join('\n');
}

function header(report: Report, name: string): string {
  const c = report.candidate;
  const rows: [string, string][] = [
    ['File', `<span class="path">${esc(c.path)}</span> <span class="muted">${formatInteger(c.rows)} rows × ${formatInteger(c.columns)} columns</span>`],
    ['sha256', `<code class="hash">${esc(c.sha256)}</code>`],
  ];
  if (report.baseline) {
    const b = report.baseline;
    rows.push(['Baseline', `<span class="path">${esc(b.path)}</span> <span class="muted">${formatInteger(b.rows)} rows × ${formatInteger(b.columns)} columns</span>`]);
  } else {
    rows.push(['Baseline', '<span class="muted">none (pass --baseline FILE to compare with a trusted version)</span>']);
  }
  if (report.label) {
    const l = report.label;
    const classes = l.classes.map((cls, i) => `<span class="chip">${esc(cls)} <span class="muted">${formatInteger(l.classCounts[i] ?? 0)}</span></span>`).join(' ');
    rows.push(['Label', `<b>${esc(l.column)}</b> ${classes} <span class="muted">(${esc(l.source)}: ${esc(l.reason)})</span>`]);
  } else {
    rows.push(['Label', '<span class="muted">none found (pass --label COLUMN for label checks and models)</span>']);
  }
  return [
    '<header class="top">',
    `<div class="brand">audit-data <span class="muted">${esc(report.tool.version)}</span> · data poisoning audit</div>`,
    `<h1>${esc(name)}</h1>`,
    `<table class="meta"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>`,
    '</header>',
  ].join('\n');
}

/**
 * The verdict in plain words, for a reader who is not a statistician: what was found, in the
 * findings' and triggers' own sentences (the most severe first), or what was checked.
 */
function plainSummary(report: Report): string {
  const sentences: string[] = report.triggers.slice(0, 2).map((t) => triggerSentence(t, labelName(report)));
  for (const f of report.findings) {
    if (sentences.length >= 4) break;
    if (f.severity === 'critical' || f.severity === 'high' || (f.severity === 'medium' && sentences.length < 2)) sentences.push(f.message);
  }
  if (sentences.length === 0) {
    const ran = (report.checks ?? []).filter((c) => c.status !== 'skipped').length;
    sentences.push(
      `${formatInteger(report.candidate.rows)} rows were checked${ran ? ` by ${formatInteger(ran)} checks` : ''} for impossible or planted values, copies, label conflicts and shifts${report.baseline ? ' against the baseline' : ''}; nothing found calls for a closer look.`,
    );
  }
  return `<section class="summary" aria-label="summary"><h2>In plain words</h2><ul>${sentences.map((text) => `<li>${esc(text)}</li>`).join('')}</ul></section>`;
}

function verdictPanel(report: Report): string {
  const counts = (['critical', 'high', 'medium', 'low', 'info'] as const)
    .map((s) => `<span class="count sev-${s}${report.counts[s] === 0 ? ' zero' : ''}"><b>${formatInteger(report.counts[s])}</b> ${s}</span>`)
    .join('');
  const costs = report.scoring.filter((item) => item.cost > 0);
  const breakdown =
    costs.length > 0
      ? `<p class="score-breakdown">100 ${costs
          .map((item) => `<span class="cost">− ${formatInteger(item.cost)} <span class="muted">${esc(item.rule)} ${esc(item.severity)} ×${formatInteger(item.findings)}</span></span>`)
          .join(' ')} = <b>${formatInteger(report.trustScore)}</b></p>`
      : '';
  const score = Math.max(0, Math.min(100, report.trustScore));
  const suspicious =
    report.suspiciousRows.length > 0
      ? `<p class="suspicious"><b>${formatInteger(report.suspiciousRows.length)}</b> suspicious rows <span class="muted">(0-based data records, header excluded): ${esc(rowSample(report.suspiciousRows, report.suspiciousRows.length, 8))}</span></p>`
      : '';
  return [
    `<section class="verdict verdict-${report.verdict}" aria-label="verdict">`,
    '<div class="verdict-main">',
    `<div class="verdict-word">${esc(report.verdict.toUpperCase())}</div>`,
    `<div class="verdict-text">${esc(VERDICT_TEXT[report.verdict])}</div>`,
    '</div>',
    '<div class="score">',
    `<div class="score-number"><b>${formatInteger(report.trustScore)}</b><span>/100</span></div>`,
    `<div class="meter" role="img" aria-label="trust score ${formatInteger(report.trustScore)} of 100"><div class="meter-fill" style="width:${score}%"></div></div>`,
    '<div class="score-label">trust score</div>',
    '</div>',
    `<div class="verdict-detail"><div class="counts">${counts}</div>${breakdown}${suspicious}`,
    `<p class="next"><b>Next step.</b> ${esc(htmlNextStep(report))}</p></div>`,
    '</section>',
    plainSummary(report),
  ].join('\n');
}

/** The shared next step, minus the pointer to the HTML report we are in. */
export function htmlNextStep(report: Report): string {
  return report.verdict === 'review' ? 'Review the findings and histograms below before training on this file.' : nextStep(report);
}

function severityBadge(severity: string): string {
  return `<span class="badge sev-${esc(severity)}">${esc(severity)}</span>`;
}

function evidenceList(evidence: Record<string, unknown>): string {
  const entries = Object.entries(evidence).filter(([, v]) => v !== undefined && v !== null);
  if (entries.length === 0) return '';
  return `<div class="evidence">${entries
    .map(([k, v]) => `<span class="ev"><span class="ev-key">${esc(humanKey(k))}</span> ${esc(compactValue(v, k))}</span>`)
    .join('')}</div>`;
}

function findingRow(f: Finding, rank: number, withEvidence: boolean): string {
  const rows = f.rows.length > 0 ? `<div class="rows">rows ${esc(rowSample(f.rows, f.count))}</div>` : '';
  return [
    `<tr class="finding sev-row-${esc(f.severity)}">`,
    `<td class="num">${rank}</td>`,
    `<td>${severityBadge(f.severity)}</td>`,
    `<td><code>${esc(f.rule)}</code></td>`,
    `<td class="col">${f.column === null ? '<span class="muted">–</span>' : esc(f.column)}</td>`,
    `<td class="val">${f.value === null ? '<span class="muted">–</span>' : esc(displayValue(f.value))}</td>`,
    `<td class="num">${formatInteger(f.count)}</td>`,
    `<td class="msg">${esc(f.message)}${withEvidence ? evidenceList(f.evidence) + rows : ''}</td>`,
    '</tr>',
  ].join('');
}

const FINDINGS_HEAD =
  '<thead><tr><th class="num">#</th><th>severity</th><th>rule</th><th>column</th><th>value</th><th class="num">rows</th><th>finding</th></tr></thead>';

function informationalSection(report: Report): string {
  const main = report.findings.filter((f) => f.severity !== 'info').length;
  const info = report.findings.filter((f) => f.severity === 'info');
  if (info.length === 0) return '';
  const out: string[] = ['<section id="informational">', `<h2>Informational findings <span class="muted">${formatInteger(info.length)}</span></h2>`];
  out.push('<p class="muted small">Patterns that clean data also shows; they cost no trust score.</p>');
  out.push(`<table class="findings info">${FINDINGS_HEAD}<tbody>`);
  info.forEach((f, i) => out.push(findingRow(f, main + i + 1, false)));
  out.push('</tbody></table></section>');
  return out.join('\n');
}

function findingsSection(report: Report): string {
  const main = report.findings.filter((f) => f.severity !== 'info');
  const info = report.findings.filter((f) => f.severity === 'info');
  const out: string[] = ['<section id="findings">', `<h2>Findings <span class="muted">${formatInteger(main.length)}${info.length ? ` + ${formatInteger(info.length)} informational` : ''}</span></h2>`];
  if (main.length === 0) out.push('<p class="empty">No findings above info.</p>');
  else {
    out.push(`<table class="findings">${FINDINGS_HEAD}<tbody>`);
    main.forEach((f, i) => out.push(findingRow(f, i + 1, true)));
    out.push('</tbody></table>');
  }
  if (info.length > 0) out.push(`<p class="muted small">${formatInteger(info.length)} informational findings are listed <a href="#informational">further down</a>.</p>`);
  for (const error of report.errors) out.push(`<p class="error"><b>Error in ${esc(error.rule)}:</b> ${esc(error.message)}</p>`);
  out.push('</section>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Histograms

function histogramSection(data: HistogramData | undefined): string {
  const informative = data !== undefined && data.columns.length > 0 && data.columns.every((c) => c.reasons.includes(INFORMATIVE_REASON));
  const heading = informative ? 'The columns that tell the classes apart' : 'Where the suspicious values sit';
  const out: string[] = ['<section id="histograms">', `<h2>${heading}</h2>`];
  if (!data) {
    out.push('<p class="empty">Histograms were not computed for this rendering.</p></section>');
    return out.join('\n');
  }
  if (data.columns.length === 0) {
    out.push('<p class="empty">No column is implicated by a trigger or a high or critical finding.</p></section>');
    return out.join('\n');
  }
  out.push(
    `<p class="muted small">Rows per value${data.label ? `, one panel per class of ${esc(data.label)}` : ''}${
      data.hasBaseline ? ', candidate beside baseline' : ''
    }. <span class="legend-spike">Highlighted</span> bars are the values named by a trigger or a high or critical finding; each panel has its own scale.</p>`,
  );
  for (const column of data.columns) out.push(columnFigure(column, data));
  if (data.omitted.length > 0) out.push(`<p class="muted small">Not shown: ${data.omitted.map(esc).join(', ')}.</p>`);
  out.push('</section>');
  return out.join('\n');
}

function className(data: HistogramData, series: ClassCounts): string {
  if (series.unlabelled) return 'label missing';
  if (series.className === null) return 'all rows';
  return `${data.label ?? 'class'} = ${series.className}`;
}

function spikeSummary(column: ColumnHistogram, data: HistogramData): string {
  const items: string[] = [];
  column.bars.forEach((bar, i) => {
    if (!bar.spike) return;
    const cand = column.classes.map((s) => `${className(data, s)}: ${formatInteger(s.candidate[i])}`).join(', ');
    const hasBase = column.classes.some((s) => s.baseline !== null);
    const base = hasBase ? ` · baseline ${formatInteger(column.classes.reduce((sum, s) => sum + (s.baseline?.[i] ?? 0), 0))}` : '';
    items.push(`<li><b class="spike-text">${esc(bar.label)}</b>: candidate ${esc(cand)}${base}</li>`);
  });
  return items.length > 0 ? `<ul class="spikes">${items.join('')}</ul>` : '';
}

function columnFigure(column: ColumnHistogram, data: HistogramData): string {
  const withBaseline = column.classes.some((s) => s.baseline !== null);
  const out: string[] = [];
  out.push(`<figure class="hist-col" data-column="${esc(column.column)}">`);
  out.push(
    `<figcaption><span class="hist-name">${esc(column.column)}</span> <span class="reasons">${column.reasons
      .map((r) => `<span class="chip">${esc(r)}</span>`)
      .join(' ')}</span> <span class="muted small">${column.axis === 'binned' ? 'binned' : 'one bar per value'}</span></figcaption>`,
  );
  out.push(spikeSummary(column, data));
  if (column.baselineNote) out.push(`<p class="muted small">No baseline bars: ${esc(column.baselineNote)}.</p>`);
  out.push(`<div class="hist-grid${withBaseline ? ' with-baseline' : ''}">`);
  for (const series of column.classes) {
    const title = className(data, series);
    const total = (counts: number[]): number => counts.reduce((a, b) => a + b, 0);
    out.push(panel(column, series.candidate, 'candidate', title, `${title} · candidate · ${formatInteger(total(series.candidate))} rows`));
    if (withBaseline) {
      out.push(
        series.baseline
          ? panel(column, series.baseline, 'baseline', title, `${title} · baseline · ${formatInteger(total(series.baseline))} rows`)
          : '<div class="panel empty-panel"></div>',
      );
    }
  }
  out.push('</div>');
  out.push('</figure>');
  return out.join('\n');
}

const W = 560;
const H = 168;
const M = { left: 42, right: 10, top: 18, bottom: 30 };

function niceCeil(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * power >= max) return m * power;
  return 10 * power;
}

function panel(column: ColumnHistogram, counts: number[], file: 'candidate' | 'baseline', classTitle: string, title: string): string {
  const bars = column.bars;
  const n = Math.max(bars.length, 1);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const slot = plotW / n;
  const gap = slot > 6 ? Math.min(slot * 0.18, 4) : slot > 2.5 ? 0.6 : 0;
  const top = niceCeil(Math.max(...counts, 0));
  const y = (v: number): number => M.top + plotH - (v / top) * plotH;
  const f = (v: number): string => String(Math.round(v * 100) / 100);
  const parts: string[] = [];
  const aria = `${column.column}, ${classTitle}, ${file}: ${bars
    .filter((b) => b.spike)
    .map((b) => `${b.label} has ${formatInteger(counts[bars.indexOf(b)])} rows`)
    .join('; ')}`;
  parts.push(
    `<svg class="histogram" data-column="${esc(column.column)}" data-file="${file}" data-class="${esc(classTitle)}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(aria)}">`,
  );
  parts.push(`<title>${esc(title)}</title>`);
  // Grid and y labels.
  for (const t of [0, 0.5, 1]) {
    const yy = f(y(top * t));
    parts.push(`<line class="grid${t === 0 ? ' axis' : ''}" x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="ytick" x="${M.left - 5}" y="${yy}" dy="3" text-anchor="end">${esc(formatShort(top * t))}</text>`);
  }
  // Bars.
  bars.forEach((bar, i) => {
    const count = counts[i] ?? 0;
    const x = M.left + i * slot + gap / 2;
    const w = Math.max(slot - gap, 0.8);
    let h = (count / top) * plotH;
    if (count > 0 && h < 1.5) h = 1.5;
    const cls = `bar ${file}${bar.spike ? ' spike' : ''}${bar.kind === 'missing' || bar.kind === 'other' ? ' aside' : ''}${count === 0 ? ' zero' : ''}`;
    const tip = `${column.column} = ${bar.label}: ${formatInteger(count)} rows (${classTitle}, ${file})`;
    if (bar.spike && count === 0) {
      // An empty spike bar still shows where the value would be.
      parts.push(
        `<rect class="${cls}" x="${f(x)}" y="${f(M.top + plotH - 2)}" width="${f(w)}" height="2" data-label="${esc(bar.label)}" data-count="0"><title>${esc(tip)}</title></rect>`,
      );
    } else {
      parts.push(
        `<rect class="${cls}" x="${f(x)}" y="${f(M.top + plotH - h)}" width="${f(w)}" height="${f(h)}" data-label="${esc(bar.label)}" data-count="${count}"><title>${esc(tip)}</title></rect>`,
      );
    }
  });
  // Axis breaks where one bar per value jumps over a wide gap.
  bars.forEach((bar, i) => {
    if (!bar.gapBefore) return;
    const bx = M.left + i * slot;
    const by = M.top + plotH;
    parts.push(`<path class="axis-break" d="M${f(bx - 3)} ${f(by + 4)} L${f(bx + 1)} ${f(by - 4)} M${f(bx)} ${f(by + 4)} L${f(bx + 4)} ${f(by - 4)}"/>`);
  });
  // Spike counts above their bars.
  bars.forEach((bar, i) => {
    if (!bar.spike) return;
    const count = counts[i] ?? 0;
    const cx = M.left + (i + 0.5) * slot;
    const h = count > 0 ? Math.max((count / top) * plotH, 1.5) : 2;
    const ty = Math.max(M.top + plotH - h - 4, 11);
    const anchor = cx > W - M.right - 20 ? 'end' : cx < M.left + 20 ? 'start' : 'middle';
    parts.push(`<text class="spike-count" x="${f(cx)}" y="${f(ty)}" text-anchor="${anchor}">${formatInteger(count)}</text>`);
  });
  // X labels: spike bars always, others every `stride` bars where they do not collide.
  const charW = 5.4;
  const labelY = M.top + plotH + 13;
  const taken: [number, number][] = [];
  const place = (i: number, text: string, cls: string, force: boolean): void => {
    const cx = M.left + (i + 0.5) * slot;
    const width = text.length * charW + 4;
    let from = cx - width / 2;
    let anchor = 'middle';
    if (from < M.left - 12) {
      anchor = 'start';
      from = cx - slot / 2;
    } else if (cx + width / 2 > W) {
      anchor = 'end';
      from = cx + slot / 2 - width;
    }
    const to = from + width;
    if (!force && taken.some(([a, b]) => from < b && to > a)) return;
    taken.push([from, to]);
    const x = anchor === 'start' ? cx - slot / 2 : anchor === 'end' ? cx + slot / 2 : cx;
    parts.push(`<text class="${cls}" x="${f(x)}" y="${labelY}" text-anchor="${anchor}">${esc(text)}</text>`);
  };
  const label = (bar: HistogramBar): string => (bar.short.length > 14 ? bar.short.slice(0, 13) + '…' : bar.short);
  bars.forEach((bar, i) => {
    if (bar.spike) place(i, label(bar), 'xtick spike-tick', true);
  });
  const widest = Math.max(...bars.map((b) => label(b).length), 1);
  const stride = Math.max(1, Math.ceil((widest * charW + 8) / slot));
  bars.forEach((bar, i) => {
    if (!bar.spike && (i % stride === 0 || i === bars.length - 1 || bar.kind === 'missing' || bar.kind === 'other')) {
      place(i, label(bar), 'xtick', false);
    }
  });
  parts.push(`<text class="panel-title" x="${M.left}" y="11">${esc(title)}</text>`);
  parts.push('</svg>');
  return `<div class="panel">${parts.join('')}</div>`;
}

// ---------------------------------------------------------------------------------------------
// Triggers, model, schema, input

function triggerSection(report: Report): string {
  const out: string[] = ['<section id="triggers">', '<h2>Suspected backdoor triggers</h2>'];
  if (report.triggers.length === 0) {
    const ran = modelEnabled(report);
    out.push(
      ran
        ? '<p class="empty">No backdoor trigger was confirmed by the reference models.</p>'
        : '<p class="empty">The trigger search did not run (it needs a label and the model checks); the findings above still point at suspicious values.</p>',
    );
    out.push('</section>');
    return out.join('\n');
  }
  out.push(
    '<table class="triggers"><thead><tr><th>trigger</th><th>target class</th><th class="num">rows</th><th class="num">purity</th><th class="num">flips, candidate model</th><th class="num">flips, reference</th></tr></thead><tbody>',
  );
  for (const t of report.triggers) out.push(triggerRow(t));
  out.push('</tbody></table>');
  out.push(`<ul class="sentences">${report.triggers.slice(0, 5).map((t) => `<li>${esc(triggerSentence(t, labelName(report)))}</li>`).join('')}</ul>`);
  out.push('</section>');
  return out.join('\n');
}

function triggerRow(t: Trigger): string {
  const bar = (share: number, cls: string): string =>
    `<span class="rate"><span class="rate-bar ${cls}" style="width:${Math.round(Math.max(0, Math.min(1, share)) * 100)}%"></span></span>`;
  return [
    '<tr>',
    `<td class="val"><b>${esc(triggerWhere(t))}</b>${t.rows.length ? `<div class="rows">rows ${esc(rowSample(t.rows, t.support))}</div>` : ''}</td>`,
    `<td>${esc(t.targetClass)}</td>`,
    `<td class="num">${formatInteger(t.support)}</td>`,
    `<td class="num">${esc(percent(t.purity))}</td>`,
    `<td class="num">${esc(percent(t.flipRate))} ${bar(t.flipRate, 'hot')}</td>`,
    `<td class="num">${esc(percent(t.referenceFlipRate))} ${bar(t.referenceFlipRate, 'cool')}</td>`,
    '</tr>',
  ].join('');
}

function modelSection(report: Report): string {
  const out: string[] = ['<section id="model">', '<h2>Model comparison</h2>'];
  if (!modelEnabled(report)) {
    out.push('<p class="empty">The reference models did not run for this report.</p></section>');
    return out.join('\n');
  }
  const classes = report.label?.classes;
  const entries = modelEntries(report.model);
  const comparison = report.model.comparison;
  const compared = tableColumns(comparison);
  if (compared?.includes('name') && compared.includes('accuracy')) {
    const items = (comparison as Record<string, unknown>[]).map((m) => `<b>${esc(String(m.name))}</b> ${esc(compactValue(m.accuracy, 'accuracy'))}`);
    out.push(`<p>Accuracy on the same held-out rows: ${items.join(', ')}. Similar accuracy does not make a file clean: a backdoor only shows on rows that carry its trigger, which the probes below test.</p>`);
  } else {
    out.push('<p class="muted small">Similar accuracy does not make a file clean: a backdoor only shows on rows that carry its trigger.</p>');
  }
  // Tables first (comparison, then the others in report order), then the remaining details.
  const tables = entries.filter(([, v]) => tableColumns(v) !== null).sort(([a], [b]) => Number(b === 'comparison') - Number(a === 'comparison'));
  for (const [key, value] of tables) {
    out.push(`<h3>${esc(title(key))}</h3>${objectTable(value as Record<string, unknown>[], tableColumns(value)!, classes)}`);
  }
  const details = entries.filter(([, v]) => tableColumns(v) === null);
  if (details.length > 0) out.push(`<h3>Details</h3>${keyValues(details, classes)}`);
  out.push('</section>');
  return out.join('\n');
}

function cellText(value: unknown, key: string, classes: readonly string[] | undefined, limit = 160): string {
  return perClass(value, key, classes) ?? compactValue(value, key, limit);
}

function keyValues(entries: [string, unknown][], classes?: readonly string[]): string {
  return `<table class="kv"><tbody>${entries
    .map(([k, v]) => `<tr><th scope="row">${esc(humanKey(k))}</th><td>${esc(cellText(v, k, classes, 600))}</td></tr>`)
    .join('')}</tbody></table>`;
}

function objectTable(rows: Record<string, unknown>[], columns: string[], classes?: readonly string[], max = 25): string {
  const numeric = columns.map(
    (c) => rows.some((row) => typeof row[c] === 'number') && rows.every((row) => typeof row[c] === 'number' || row[c] === null || row[c] === undefined),
  );
  const head = columns.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(humanKey(c))}</th>`).join('');
  const body = rows
    .slice(0, max)
    .map((row) => `<tr>${columns.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${esc(cellText(row[c], c, classes))}</td>`).join('')}</tr>`)
    .join('');
  const more = rows.length > max ? `<p class="muted small">… and ${formatInteger(rows.length - max)} more (see --format json).</p>` : '';
  return `<table class="data"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

function schemaSection(report: Report, data: HistogramData | undefined): string {
  const implicated = new Set(data?.columns.map((c) => c.column) ?? []);
  for (const f of report.findings) if (f.column !== null && (f.severity === 'high' || f.severity === 'critical')) implicated.add(f.column);
  for (const t of report.triggers) implicated.add(t.column);
  const out: string[] = ['<section id="schema">', `<h2>Schema <span class="muted">${formatInteger(report.schema.length)} columns</span></h2>`];
  out.push(
    '<table class="schema"><thead><tr><th class="num">#</th><th>column</th><th>kind</th><th class="num">distinct</th><th class="num">missing</th><th>why</th></tr></thead><tbody>',
  );
  report.schema.forEach((c, i) => {
    const tags = [
      report.label?.column === c.name ? '<span class="tag tag-label">label</span>' : '',
      implicated.has(c.name) ? '<span class="tag tag-flag">flagged</span>' : '',
    ].join('');
    out.push(
      `<tr${implicated.has(c.name) ? ' class="flagged"' : ''}><td class="num">${i}</td><td class="col">${esc(c.name)} ${tags}</td><td>${esc(c.kind)}</td><td class="num">${formatInteger(c.distinct)}</td><td class="num">${formatInteger(c.missing)}</td><td class="muted">${esc(c.reason)}</td></tr>`,
    );
  });
  out.push('</tbody></table></section>');
  return out.join('\n');
}

function inputSection(report: Report): string {
  const i = report.input;
  const delimiter = i.delimiter === '\t' ? 'tab' : i.delimiter;
  const out: string[] = ['<section id="input">', '<h2>Input and notes</h2>'];
  out.push(
    `<p class="small">Delimiter <code>${esc(delimiter)}</code> (${esc(i.delimiterSource)}) · encoding ${esc(i.encoding)}${i.compressed ? ' · gzip' : ''} · ${formatInteger(
      i.blankLinesSkipped,
    )} blank lines skipped</p>`,
  );
  const notes = [...i.warnings, ...report.notes];
  if (notes.length > 0) out.push(`<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  out.push('</section>');
  return out.join('\n');
}

function footer(report: Report): string {
  return `<footer>Generated by ${esc(report.tool.name)} ${esc(report.tool.version)} at ${esc(report.generatedAt)}. Row numbers are 0-based data records of the candidate file, header excluded. This page is self-contained: it runs no script and loads nothing.</footer>`;
}

const STYLE = `
:root{--ink:#1d2733;--muted:#5f6b7a;--line:#dde3ea;--soft:#f5f7fa;--accent:#d9480f;--cand:#4263a8;--base:#8c99aa;
--critical:#b3261e;--high:#d9480f;--medium:#c77700;--low:#1f6fb2;--info:#7b8794;--ok:#2b8a3e}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#eef1f5;color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 32px 40px;background:#fff;min-height:100vh;box-shadow:0 0 0 1px var(--line)}
h1{font-size:24px;margin:2px 0 12px;word-break:break-all}
h2{font-size:18px;margin:34px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--ink)}
h3{font-size:15px;margin:18px 0 8px}
code,.hash{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.hash{word-break:break-all;color:var(--muted)}
.muted{color:var(--muted);font-weight:normal}
.small{font-size:12.5px}
.brand{font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:var(--muted)}
.path{font-weight:600;word-break:break-all}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);border-bottom:1px solid #b9c3ce;background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.col,td.val{overflow-wrap:break-word;max-width:240px;font-weight:600}
table.findings td:nth-child(3) code{white-space:nowrap}
a{color:var(--cand)}
table.meta{width:auto}
table.meta th{color:var(--muted);font-weight:600;padding:3px 16px 3px 0;border:0;white-space:nowrap}
table.meta td{padding:3px 0;border:0}
.chip{display:inline-block;padding:0 7px;margin:1px 0;border:1px solid var(--line);border-radius:10px;font-size:12px;background:var(--soft);font-weight:normal}
.verdict{display:grid;grid-template-columns:minmax(200px,1fr) 170px 2fr;gap:24px;align-items:center;margin:18px 0 8px;padding:18px 22px;border-radius:8px;border:1px solid var(--line);border-left:8px solid var(--v);background:linear-gradient(90deg,var(--vbg),#fff 55%)}
.verdict-reject{--v:var(--critical);--vbg:#fdecea}
.verdict-review{--v:var(--medium);--vbg:#fff4e0}
.verdict-trusted{--v:var(--ok);--vbg:#e8f5ec}
.verdict-word{font-size:30px;font-weight:800;letter-spacing:.04em;color:var(--v)}
.verdict-text{font-weight:600}
.score-number b{font-size:34px;font-variant-numeric:tabular-nums}
.score-number span{color:var(--muted);font-size:16px;margin-left:2px}
.score-label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.meter{height:8px;border-radius:4px;background:#e3e8ee;overflow:hidden;margin:4px 0}
.meter-fill{height:100%;background:var(--v)}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:8px}
.count{font-size:12.5px;padding:2px 9px;border-radius:12px;border:1px solid currentColor;background:#fff}
.count.zero{opacity:.45}
.count.sev-critical,.badge.sev-critical{color:var(--critical)}
.count.sev-high,.badge.sev-high{color:var(--high)}
.count.sev-medium,.badge.sev-medium{color:var(--medium)}
.count.sev-low,.badge.sev-low{color:var(--low)}
.count.sev-info,.badge.sev-info{color:var(--info)}
.score-breakdown,.suspicious,.next{margin:4px 0;font-size:13px}
.cost{white-space:nowrap;margin-right:6px}
.badge{display:inline-block;min-width:64px;text-align:center;font-size:11.5px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;padding:2px 6px;border-radius:4px;border:1.5px solid currentColor}
.badge.sev-critical,.badge.sev-high{color:#fff;border-color:transparent}
.badge.sev-critical{background:var(--critical)}
.badge.sev-high{background:var(--high)}
tr.sev-row-critical td:first-child,tr.sev-row-high td:first-child{box-shadow:inset 3px 0 0 var(--high)}
table.findings td.msg{min-width:320px}
table.findings.info td{padding:4px 8px;font-size:12.5px;color:#3e4a57}
.evidence{margin-top:5px;font-size:12px;color:var(--muted);line-height:1.6}
.ev{display:inline-block;margin-right:12px}
.ev-key{color:#8593a3}
.rows{font-size:12px;color:var(--muted);margin-top:2px;word-break:break-word;font-weight:normal}
.empty{color:var(--muted);font-style:italic}
.error{color:var(--critical)}
.legend-spike{color:var(--accent);font-weight:700}
.hist-col{margin:18px 0 26px;padding:14px 16px;border:1px solid var(--line);border-radius:8px;break-inside:avoid;page-break-inside:avoid}
.hist-col figcaption{font-size:15px;margin-bottom:4px}
.hist-name{font-weight:800;font-size:17px;margin-right:6px;word-break:break-all}
.spikes{margin:4px 0 10px;padding-left:18px;font-size:13px}
.spike-text{color:var(--accent)}
.hist-grid{display:grid;grid-template-columns:1fr 1fr;gap:10px 18px}
.panel{min-width:0}
svg.histogram{display:block;width:100%;height:auto;background:#fff}
svg.histogram .grid{stroke:#e6eaef;stroke-width:1}
svg.histogram .grid.axis{stroke:#9aa6b2}
svg.histogram .axis-break{stroke:#5f6b7a;stroke-width:1.2;fill:none}
svg.histogram .bar.candidate{fill:var(--cand)}
svg.histogram .bar.baseline{fill:var(--base)}
svg.histogram .bar.aside{fill:#c5ccd5}
svg.histogram .bar.spike{fill:var(--accent)}
svg.histogram text{font:9.5px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#5f6b7a}
svg.histogram .panel-title{font-size:11px;font-weight:700;fill:var(--ink)}
svg.histogram .spike-tick,svg.histogram .spike-count{fill:var(--accent);font-weight:700}
svg.histogram .spike-count{font-size:10.5px}
.triggers .rate{display:inline-block;width:60px;height:7px;background:#e6eaef;border-radius:4px;vertical-align:middle;margin-left:6px;overflow:hidden}
.rate-bar{display:block;height:100%}
.rate-bar.hot{background:var(--accent)}
.rate-bar.cool{background:var(--base)}
.sentences{font-size:13px}
table.kv{width:auto;min-width:50%}
table.kv th{font-weight:600;color:var(--muted);white-space:nowrap}
table.data td,table.data th{font-size:12.5px;padding:4px 8px}
table.schema td{padding:4px 8px;font-size:13px}
tr.flagged td{background:#fff6f0}
.tag{display:inline-block;font-size:10.5px;font-weight:700;text-transform:uppercase;padding:0 5px;border-radius:3px;margin-left:4px;vertical-align:1px}
.tag-label{background:#e7eefb;color:var(--cand)}
.tag-flag{background:#fde5d8;color:var(--accent)}
.notes{font-size:13px;color:#3e4a57}
nav.sections{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0 4px;font-size:13px}nav.sections a{text-decoration:none}.status{font-size:11.5px;font-weight:700;text-transform:uppercase;letter-spacing:.04em}.status-finding{color:var(--high)}.status-passed{color:var(--ok)}.status-skipped{color:var(--muted)}.status-error{color:var(--critical)}@media print{nav.sections{display:none}}footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--line);font-size:12px;color:var(--muted)}
@media screen and (max-width:860px){main{padding:18px}.verdict{grid-template-columns:1fr}.hist-grid{grid-template-columns:1fr}}
@media print{body{background:#fff;font-size:11.5px}main{max-width:none;padding:0;box-shadow:none}
h2{break-after:avoid;page-break-after:avoid}tr{break-inside:avoid}.verdict{break-inside:avoid}
@page{margin:14mm 12mm}}
`
  .replace(/\n/g, '')
  .trim();
