/**
 * The Markdown report, for a pull request: the same content as the HTML report in GitHub
 * Flavored Markdown, with no HTML. Text from the data goes through `md` (table cells and prose):
 * `\ | ` * _ [ ] ~` are backslash-escaped, `& < >` become entities, control characters and line
 * breaks are made visible on one line, so a cell can neither add a column nor inject markup.
 * Histograms are small text bar charts (one character per bar) in code blocks.
 */
import type { Finding } from '../engine/finding.js';
import type { Report } from '../report/report.js';
import { displayValue, formatInteger, percent, rowSample, triggerSentence, triggerWhere, visible } from '../format.js';
import { labelName, nextStep } from './text.js';
import { compactValue, humanKey, modelEnabled, modelEntries, perClass, tableColumns, title } from './report-text.js';
import { INFORMATIVE_REASON, type ClassCounts, type ColumnHistogram, type HistogramData } from '../report/histograms.js';

/** Text safe in a Markdown table cell or paragraph. */
export function md(text: string): string {
  return visible(text)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: string[], rows: string[][], align?: ('l' | 'r')[]): string[] {
  const rule = head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [row(head), row(rule), ...rows.map(row)];
}

const VERDICT_ICON = { reject: '⛔', review: '⚠️', trusted: '✅' } as const;

/** A pull-request comment holds about 65,536 characters: the Markdown report stays under this. */
export const MARKDOWN_BUDGET = 60_000;

/** Shorter forms tried in turn until the report fits MARKDOWN_BUDGET. */
interface Limits {
  /** Findings above info listed in full; the rest counted. */
  maxFindings: number;
  /** List the informational findings. */
  info: boolean;
  /** Every column in the schema table, else only the label and the flagged ones. */
  fullSchema: boolean;
  maxNotes: number;
}

const FULL: Limits = { maxFindings: Infinity, info: true, fullSchema: true, maxNotes: Infinity };
const SHORTER: Limits[] = [
  { maxFindings: 50, info: false, fullSchema: false, maxNotes: 20 },
  { maxFindings: 20, info: false, fullSchema: false, maxNotes: 5 },
  { maxFindings: 5, info: false, fullSchema: false, maxNotes: 0 },
];

export function renderMarkdown(report: Report, given: HistogramData | null | undefined = report.histograms): string {
  const data = given ?? undefined;
  let text = renderWith(report, data, FULL);
  for (const limits of SHORTER) {
    if (text.length <= MARKDOWN_BUDGET) break;
    text = renderWith(report, data, limits);
  }
  return text;
}

function renderWith(report: Report, data: HistogramData | undefined, limits: Limits): string {
  const out: string[] = [];
  const c = report.candidate;
  out.push(`## ${VERDICT_ICON[report.verdict]} audit-data: **${report.verdict.toUpperCase()}** · trust score ${formatInteger(report.trustScore)}/100`);
  out.push('');
  const meta: string[][] = [['File', `${md(c.path)} (${formatInteger(c.rows)} rows × ${formatInteger(c.columns)} columns)`], ['sha256', md(c.sha256)]];
  if (report.baseline) meta.push(['Baseline', `${md(report.baseline.path)} (${formatInteger(report.baseline.rows)} rows × ${formatInteger(report.baseline.columns)} columns)`]);
  else meta.push(['Baseline', 'none']);
  if (report.label) {
    const l = report.label;
    meta.push(['Label', `${md(l.column)}: ${l.classes.map((cls, i) => `${md(cls)} (${formatInteger(l.classCounts[i] ?? 0)})`).join(', ')}; ${md(l.source)}: ${md(l.reason)}`]);
  } else meta.push(['Label', 'none found (pass --label COLUMN)']);
  const counts = (['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => `${formatInteger(report.counts[s])} ${s}`).join(', ');
  meta.push(['Findings', counts]);
  const costs = report.scoring.filter((item) => item.cost > 0).map((item) => `−${formatInteger(item.cost)} ${md(item.rule)} ${item.severity} ×${formatInteger(item.findings)}`);
  meta.push(['Score', `100 ${costs.join(' ')} = **${formatInteger(report.trustScore)}**`]);
  if (report.suspiciousRows.length > 0) {
    meta.push(['Suspicious rows', `${formatInteger(report.suspiciousRows.length)}: ${md(rowSample(report.suspiciousRows, report.suspiciousRows.length))} (0-based data records, header excluded)`]);
  }
  out.push(...table(['', ''], meta));
  out.push('');
  out.push(`> **Next step.** ${md(report.verdict === 'review' ? 'Review the findings below before training; --format html draws the histograms.' : nextStep(report))}`);
  out.push('');

  const main = report.findings.filter((f) => f.severity !== 'info');
  const info = report.findings.filter((f) => f.severity === 'info');
  out.push(`### Findings (${formatInteger(main.length)}${info.length ? ` + ${formatInteger(info.length)} informational` : ''})`);
  out.push('');
  if (main.length === 0) out.push('No findings above info.');
  else out.push(...findingsTable(main.slice(0, limits.maxFindings), 0, true));
  out.push('');
  if (main.length > limits.maxFindings) {
    out.push(`_${formatInteger(main.length - limits.maxFindings)} more findings above info are not listed here, to keep this report short; \`--format html\` or \`--format json\` lists them all._`, '');
  }
  for (const error of report.errors) out.push(`- **Error in ${md(error.rule)}:** ${md(error.message)}`);
  if (report.errors.length > 0) out.push('');

  out.push(...histograms(data));
  out.push(...triggers(report));
  out.push(...model(report));

  if (info.length > 0 && limits.info) {
    out.push(`### Informational findings (${formatInteger(info.length)})`);
    out.push('');
    out.push(...findingsTable(info, main.length, false));
    out.push('');
  } else if (info.length > 0) {
    out.push(`_${formatInteger(info.length)} informational findings are not listed here; \`--format html\` lists them._`, '');
  }

  out.push(`### Schema (${formatInteger(report.schema.length)} columns)`);
  out.push('');
  const flagged = new Set<string>(data?.columns.map((col) => col.column) ?? []);
  for (const f of report.findings) if (f.column !== null && (f.severity === 'high' || f.severity === 'critical')) flagged.add(f.column);
  for (const t of report.triggers) flagged.add(t.column);
  out.push(
    ...table(
      ['#', 'Column', 'Kind', 'Distinct', 'Missing', 'Why'],
      report.schema.flatMap((col, i) => (limits.fullSchema || flagged.has(col.name) || report.label?.column === col.name ? [[
        String(i),
        `${md(col.name)}${report.label?.column === col.name ? ' **(label)**' : ''}${flagged.has(col.name) ? ' **(flagged)**' : ''}`,
        md(col.kind),
        formatInteger(col.distinct),
        formatInteger(col.missing),
        md(col.reason),
      ]] : [])),
      ['r', 'l', 'l', 'r', 'r', 'l'],
    ),
  );
  out.push('');
  const i = report.input;
  out.push(
    `Input: delimiter ${md(i.delimiter === '\t' ? 'tab' : i.delimiter)} (${md(i.delimiterSource)}), ${md(i.encoding)}${i.compressed ? ', gzip' : ''}, ${formatInteger(i.blankLinesSkipped)} blank lines skipped.`,
  );
  if (!limits.fullSchema) out.push('', `_Only the label and the flagged columns are listed; ${formatInteger(report.schema.length)} columns in all (\`--format html\`)._`);
  const notes = [...i.warnings, ...report.notes];
  if (notes.length > 0) {
    out.push('');
    for (const note of notes.slice(0, limits.maxNotes)) out.push(`- ${md(note)}`);
    if (notes.length > limits.maxNotes) out.push(`- _${formatInteger(notes.length - limits.maxNotes)} more notes in \`--format html\`._`);
  }
  out.push('');
  out.push(`_${md(`Generated by ${report.tool.name} ${report.tool.version} at ${report.generatedAt}. Row numbers are 0-based data records, header excluded.`)}_`);
  return out.join('\n') + '\n';
}

function findingsTable(findings: Finding[], offset: number, withEvidence: boolean): string[] {
  return table(
    ['#', 'Severity', 'Rule', 'Column', 'Value', 'Rows', 'Finding'],
    findings.map((f, k) => {
      let text = md(f.message);
      if (withEvidence) {
        const evidence = Object.entries(f.evidence)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([key, v]) => `${humanKey(key)} ${compactValue(v, key, 80)}`)
          .join(' · ');
        if (evidence) text += ` — ${md(evidence)}`;
        if (f.rows.length > 0) text += ` — rows ${md(rowSample(f.rows, f.count, 6))}`;
      }
      return [
        String(offset + k + 1),
        f.severity === 'critical' || f.severity === 'high' ? `**${f.severity}**` : f.severity,
        md(f.rule),
        f.column === null ? '' : md(f.column),
        f.value === null ? '' : md(displayValue(f.value)),
        formatInteger(f.count),
        text,
      ];
    }),
    ['r', 'l', 'l', 'l', 'l', 'r', 'l'],
  );
}

const LEVELS = ' ▁▂▃▄▅▆▇█';

/** One character per bar, scaled to the series maximum; a non-zero bar is never blank. */
export function sparkline(counts: number[]): string {
  const max = Math.max(...counts, 0);
  return counts
    .map((n) => {
      if (n <= 0 || max === 0) return ' ';
      return LEVELS[Math.max(1, Math.round((n / max) * (LEVELS.length - 1)))];
    })
    .join('');
}

/** Code block content: one line, no backticks (so the fence cannot be closed from the data). */
function plain(text: string): string {
  return visible(text).replace(/`/g, "'");
}

function seriesName(data: HistogramData, s: ClassCounts): string {
  if (s.unlabelled) return 'label missing';
  if (s.className === null) return 'all rows';
  return `${data.label ?? 'class'} = ${s.className}`;
}

function histograms(data: HistogramData | undefined): string[] {
  const informative = data !== undefined && data.columns.length > 0 && data.columns.every((c) => c.reasons.includes(INFORMATIVE_REASON));
  const out: string[] = [informative ? '### The columns that tell the classes apart' : '### Where the suspicious values sit', ''];
  if (!data) {
    out.push('Histograms were not computed for this rendering (`--format html` draws them).', '');
    return out;
  }
  if (data.columns.length === 0) {
    out.push('No column is implicated by a trigger or a high or critical finding.', '');
    return out;
  }
  out.push('One character per value or bin, scaled per row; `^` marks the values named by a trigger or a high or critical finding. `--format html` draws them in full.', '');
  for (const column of data.columns) out.push(...columnChart(column, data));
  if (data.omitted.length > 0) out.push(`Not shown: ${data.omitted.map(md).join(', ')}.`, '');
  return out;
}

function columnChart(column: ColumnHistogram, data: HistogramData): string[] {
  const out: string[] = [];
  out.push(`**${md(column.column)}** (${column.reasons.map(md).join(', ')})`);
  out.push('');
  const names: string[] = [];
  const lines: string[] = [];
  for (const s of column.classes) {
    names.push(`${seriesName(data, s)}, candidate`);
    lines.push(sparkline(s.candidate));
    if (s.baseline) {
      names.push(`${seriesName(data, s)}, baseline`);
      lines.push(sparkline(s.baseline));
    }
  }
  const width = Math.min(Math.max(...names.map((n) => plain(n).length)), 40);
  const pad = (text: string): string => {
    const t = plain(text);
    return t.length > width ? t.slice(0, width - 1) + '…' : t.padEnd(width);
  };
  const marks = column.bars.map((b) => (b.spike ? '^' : ' ')).join('').trimEnd();
  const first = column.bars[0]?.short ?? '';
  const last = column.bars[column.bars.length - 1]?.short ?? '';
  const body = names.map((n, k) => `${pad(n)} |${lines[k]}|`);
  body.push(`${' '.repeat(width)}  ${marks}`);
  body.push(`${' '.repeat(width)}  ${plain(first)}${column.bars.length > 1 ? ` … ${plain(last)}` : ''} (${column.axis === 'binned' ? 'bins' : 'one per value'})`);
  out.push('```text', ...body, '```');
  const spikes = column.bars.map((b, i) => [b, i] as const).filter(([b]) => b.spike);
  if (spikes.length > 0) {
    const withBase = column.classes.some((s) => s.baseline !== null);
    const head = ['Value', ...column.classes.map((s) => `${md(seriesName(data, s))} (candidate)`)];
    if (withBase) head.push('Baseline (all classes)');
    const rows = spikes.map(([b, i]) => {
      const cells = [md(b.label), ...column.classes.map((s) => formatInteger(s.candidate[i]))];
      if (withBase) cells.push(formatInteger(column.classes.reduce((sum, s) => sum + (s.baseline?.[i] ?? 0), 0)));
      return cells;
    });
    out.push('');
    out.push(...table(head, rows, head.map((_, k) => (k === 0 ? 'l' : 'r'))));
  }
  if (column.baselineNote) out.push('', `No baseline bars: ${md(column.baselineNote)}.`);
  out.push('');
  return out;
}

function triggers(report: Report): string[] {
  const out: string[] = ['### Suspected backdoor triggers', ''];
  if (report.triggers.length === 0) {
    out.push(
      modelEnabled(report)
        ? 'No backdoor trigger was confirmed by the reference models.'
        : 'The trigger search did not run (it needs a label and the model checks); the findings above still point at suspicious values.',
      '',
    );
    return out;
  }
  out.push(
    ...table(
      ['Trigger', 'Target class', 'Rows', 'Purity', 'Flips (candidate)', 'Flips (reference)'],
      report.triggers.map((t) => [md(triggerWhere(t)), md(t.targetClass), formatInteger(t.support), percent(t.purity), percent(t.flipRate), percent(t.referenceFlipRate)]),
      ['l', 'l', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  for (const t of report.triggers.slice(0, 5)) out.push(`- ${md(triggerSentence(t, labelName(report)))}`);
  out.push('');
  return out;
}

function model(report: Report): string[] {
  const out: string[] = ['### Model comparison', ''];
  if (!modelEnabled(report)) {
    out.push('The reference models did not run for this report.', '');
    return out;
  }
  const classes = report.label?.classes;
  const cell = (value: unknown, key: string, limit = 160): string => md(perClass(value, key, classes) ?? compactValue(value, key, limit));
  const comparison = report.model.comparison;
  const compared = tableColumns(comparison);
  if (compared?.includes('name') && compared.includes('accuracy')) {
    const items = (comparison as Record<string, unknown>[]).map((m) => `**${md(String(m.name))}** ${compactValue(m.accuracy, 'accuracy')}`);
    out.push(`Accuracy on the same held-out rows: ${items.join(', ')}. Similar accuracy does not make a file clean: a backdoor only shows on rows that carry its trigger.`, '');
  }
  const entries = modelEntries(report.model);
  const tables = entries.filter(([, v]) => tableColumns(v) !== null).sort(([a], [b]) => Number(b === 'comparison') - Number(a === 'comparison'));
  for (const [key, value] of tables) {
    const columns = tableColumns(value)!;
    const rows = (value as Record<string, unknown>[]).slice(0, 25);
    out.push(`**${md(title(key))}**`, '', ...table(columns.map((col) => md(humanKey(col))), rows.map((r) => columns.map((col) => cell(r[col], col)))), '');
    if ((value as unknown[]).length > 25) out.push(`… and ${formatInteger((value as unknown[]).length - 25)} more (see --format json).`, '');
  }
  const details = entries.filter(([, v]) => tableColumns(v) === null);
  if (details.length > 0) {
    out.push('**Details**', '', ...table(['', ''], details.map(([k, v]) => [md(humanKey(k)), cell(v, k, 600)])), '');
  }
  return out;
}
