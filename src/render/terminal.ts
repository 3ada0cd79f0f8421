/**
 * The terminal report: header, findings, triggers, model comparison, score and next step, laid
 * out for the width it is given (the terminal's, else COLUMNS, else 80: see src/cli.ts).
 * Below WIDE_LAYOUT columns each finding is a block (severity, rule, column = value, rows on one
 * line, the message wrapped at words beneath it) and the triggers are sentences; from WIDE_LAYOUT
 * on, findings and triggers are tables whose rule column fits the longest rule id. Every line is
 * wrapped at words to the width, with a hanging indent under the field names.
 */
import Table from 'cli-table3';
import wrapAnsi from 'wrap-ansi';
import type { Report } from '../report/report.js';
import type { Finding } from '../engine/finding.js';
import { displayValue, percent, terminalSafe, triggerSentence, triggerWhere } from '../format.js';
import { labelName, nextStep } from './text.js';

export interface TerminalOptions {
  color: boolean;
  /** Columns to fit (default 80). */
  width?: number;
  maxFindings?: number;
}

/** From this width on, findings and triggers are tables. */
export const WIDE_LAYOUT = 110;
const MIN_WIDTH = 40;
const MAX_WIDTH = 200;
/** Width of the field names ("Verdict   "). */
const FIELD = 10;
/** Findings listed in full; the rest are counted by severity. */
const DEFAULT_MAX_FINDINGS = { narrow: 8, wide: 15 };

const VERDICT_COLOR = { trusted: '32', review: '33', reject: '31' } as const;
const SEVERITY_COLOR: Record<string, string> = { critical: '31;1', high: '31', medium: '33', low: '36', info: '2' };

export function renderTerminal(report: Report, options: TerminalOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const safe = (text: string): string => terminalSafe(text);
  const width = Math.max(MIN_WIDTH, Math.min(Math.floor(options.width ?? 80), MAX_WIDTH));
  const narrow = width < WIDE_LAYOUT;
  /** A field: its name, then the text wrapped at words, continuation lines under the text. */
  const field = (name: string, text: string): string => hanging(name.padEnd(FIELD), text, width);
  const lines: string[] = [];
  const c = report.candidate;
  lines.push(`${paint('1', 'audit-data')} ${report.tool.version}`);
  lines.push(field('File', `${safe(c.path)}  (${c.rows} rows x ${c.columns} columns, sha256 ${c.sha256.slice(0, 12)})`));
  if (report.baseline) lines.push(field('Baseline', `${safe(report.baseline.path)}  (${report.baseline.rows} rows)`));
  if (report.label) {
    const classes = report.label.classes.map((cls, i) => `${safe(cls)} (${report.label!.classCounts[i]})`).join(', ');
    lines.push(field('Label', `${safe(report.label.column)}: ${classes}  [${report.label.source}: ${safe(report.label.reason)}]`));
  } else {
    lines.push(field('Label', 'none found (pass --label COLUMN for label checks and models)'));
  }
  lines.push(`${'Verdict'.padEnd(FIELD)}${paint(VERDICT_COLOR[report.verdict] + ';1', report.verdict.toUpperCase())}   trust score ${report.trustScore}/100`);
  lines.push('');

  const ranked = report.findings.filter((f) => f.severity !== 'info');
  const shown = ranked.slice(0, options.maxFindings ?? (narrow ? DEFAULT_MAX_FINDINGS.narrow : DEFAULT_MAX_FINDINGS.wide));
  if (shown.length === 0) lines.push('No findings above info.');
  else if (narrow) for (const f of shown) lines.push(...findingBlock(f, width, paint, safe));
  else lines.push(findingTable(shown, width, paint, safe));
  const hidden = report.findings.filter((f) => !shown.includes(f));
  if (hidden.length > 0) lines.push(wrapAnsi(`... and ${hidden.length} more (${countBySeverity(hidden)}); --format json or html lists all.`, width, { hard: true }));

  if (report.triggers.length > 0) {
    lines.push('');
    lines.push(paint('1', 'Suspected backdoor triggers'));
    if (!narrow) {
      const table = new Table({ head: ['trigger', 'target', 'rows', 'purity', 'flips (candidate)', 'flips (reference)'], style: { head: [], border: [] } });
      for (const t of report.triggers.slice(0, 5)) {
        table.push([safe(triggerWhere(t)), safe(t.targetClass), String(t.support), percent(t.purity), percent(t.flipRate), percent(t.referenceFlipRate)]);
      }
      lines.push(table.toString());
    }
    for (const t of report.triggers.slice(0, 3)) {
      // Narrow: the findings above already hold the sentence; one line of numbers per trigger.
      const text = narrow
        ? `${triggerWhere(t)} -> ${labelName(report)} = ${t.targetClass}: ${t.support} rows, ${percent(t.purity)} pure; probes flipped ${percent(t.flipRate)} (candidate) vs ${percent(t.referenceFlipRate)} (reference)`
        : triggerSentence(t, labelName(report));
      lines.push(hanging('  ', safe(text), width));
    }
    if (report.triggers.length > 3) lines.push(`  ... and ${report.triggers.length - 3} more.`);
  }

  const model = report.model as { enabled?: boolean; comparison?: { name: string; accuracy: number }[] };
  if (model.enabled && model.comparison?.length) {
    lines.push('');
    const names: Record<string, string> = { baseline: 'baseline model', cleaned: 'model without the implicated rows', candidate: 'candidate model' };
    lines.push(
      field('Models', `${model.comparison.map((m) => `${safe(names[m.name] ?? m.name)} ${percent(m.accuracy)}`).join(', ')} accurate on the same clean held-out rows: accuracy alone does not reveal a backdoor.`),
    );
  }
  if (!report.baseline) lines.push(field('Note', 'Without --baseline, schema, drift and label-shift checks are off and pure relabelling cannot be seen.'));
  lines.push('');
  const costs = report.scoring.filter((item) => item.cost > 0).map((item) => `${item.rule} ${item.severity} x${item.findings} -${item.cost}`);
  lines.push(field('Score', `100${costs.length ? ' ' + costs.join(', ') : ''} = ${report.trustScore}`));
  if (report.suspiciousRows.length > 0) lines.push(field('Rows', `${report.suspiciousRows.length} suspicious (0-based data records, header excluded)`));
  for (const error of report.errors) lines.push(paint('31', field('Error', `${safe(error.rule)}: ${safe(error.message)}`)));
  lines.push(field('Next', nextStep(report)));
  return lines.join('\n') + '\n';
}

/** `prefix` then `text` wrapped to `width` at words, continuation lines indented by the prefix's width. */
function hanging(prefix: string, text: string, width: number): string {
  const indent = ' '.repeat(prefix.length);
  return wrapAnsi(text, Math.max(10, width - prefix.length), { hard: true, trim: true })
    .split('\n')
    .map((line, i) => (i === 0 ? prefix : indent) + line)
    .join('\n');
}

function findingBlock(f: Finding, width: number, paint: (code: string, text: string) => string, safe: (text: string) => string): string[] {
  const what = f.column ? `${safe(f.column)}${f.value === null ? '' : ` = ${safe(displayValue(f.value))}`}` : '';
  const title = [f.rule, what, `${f.count} rows`].filter(Boolean).join(' · ');
  const severity = f.severity.toUpperCase().padEnd(FIELD);
  const head = hanging(severity, title, width);
  return [paint(SEVERITY_COLOR[f.severity], severity) + head.slice(severity.length), hanging('  ', safe(f.message), width)];
}

function findingTable(shown: readonly Finding[], width: number, paint: (code: string, text: string) => string, safe: (text: string) => string): string {
  const rule = Math.max(6, ...shown.map((f) => f.rule.length)) + 2;
  const fixed = [10, rule, 16, 12, 8];
  // cli-table3 draws a border before every column and after the last.
  const message = Math.max(30, width - fixed.reduce((a, b) => a + b, 0) - (fixed.length + 2));
  const table = new Table({
    head: ['severity', 'rule', 'column', 'value', 'rows', 'finding'],
    style: { head: [], border: [] },
    colWidths: [...fixed, message],
    wordWrap: true,
  });
  for (const f of shown) table.push([paint(SEVERITY_COLOR[f.severity], f.severity), f.rule, safe(f.column ?? ''), safe(displayValue(f.value)), String(f.count), safe(f.message)]);
  return table.toString();
}

function countBySeverity(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return [...counts].map(([severity, n]) => `${n} ${severity}`).join(', ');
}
