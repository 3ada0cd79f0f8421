/** The terminal report: header, findings table, triggers, model comparison, score and next step. */
import Table from 'cli-table3';
import type { Report } from '../report/report.js';
import { displayValue, percent, terminalSafe, triggerSentence, triggerWhere } from '../format.js';
import { labelName, nextStep } from './text.js';

export interface TerminalOptions {
  color: boolean;
  width?: number;
  maxFindings?: number;
}

const VERDICT_COLOR = { trusted: '32', review: '33', reject: '31' } as const;
const SEVERITY_COLOR: Record<string, string> = { critical: '31;1', high: '31', medium: '33', low: '36', info: '2' };

export function renderTerminal(report: Report, options: TerminalOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const safe = (text: string): string => terminalSafe(text);
  const width = Math.max(80, Math.min(options.width ?? 120, 160));
  const lines: string[] = [];
  const c = report.candidate;
  lines.push(`${paint('1', 'audit-data')} ${report.tool.version}`);
  lines.push(`File      ${safe(c.path)}  (${c.rows} rows x ${c.columns} columns, sha256 ${c.sha256.slice(0, 12)})`);
  if (report.baseline) lines.push(`Baseline  ${safe(report.baseline.path)}  (${report.baseline.rows} rows)`);
  if (report.label) {
    const classes = report.label.classes.map((cls, i) => `${safe(cls)} (${report.label!.classCounts[i]})`).join(', ');
    lines.push(`Label     ${safe(report.label.column)}: ${classes}  [${report.label.source}: ${safe(report.label.reason)}]`);
  } else {
    lines.push('Label     none found (pass --label COLUMN for label checks and models)');
  }
  lines.push(`Verdict   ${paint(VERDICT_COLOR[report.verdict] + ';1', report.verdict.toUpperCase())}   trust score ${report.trustScore}/100`);
  lines.push('');

  const shown = report.findings.filter((f) => f.severity !== 'info').slice(0, options.maxFindings ?? 15);
  if (shown.length > 0) {
    const table = new Table({
      head: ['severity', 'rule', 'column', 'value', 'rows', 'finding'],
      style: { head: [], border: [] },
      colWidths: [10, 19, 14, 10, 7, width - 70],
      wordWrap: true,
    });
    for (const f of shown) {
      table.push([paint(SEVERITY_COLOR[f.severity], f.severity), f.rule, safe(f.column ?? ''), safe(displayValue(f.value)), String(f.count), safe(f.message)]);
    }
    lines.push(table.toString());
    const hidden = report.findings.length - shown.length;
    if (hidden > 0) lines.push(`  ... and ${hidden} more (informational or lower-ranked); --format json lists all.`);
  } else {
    lines.push('No findings above info.');
  }

  if (report.triggers.length > 0) {
    lines.push('');
    lines.push(paint('1', 'Suspected backdoor triggers'));
    const table = new Table({
      head: ['trigger', 'target', 'rows', 'purity', 'flips (candidate)', 'flips (reference)'],
      style: { head: [], border: [] },
    });
    for (const t of report.triggers.slice(0, 5)) {
      table.push([safe(triggerWhere(t)), safe(t.targetClass), String(t.support), percent(t.purity), percent(t.flipRate), percent(t.referenceFlipRate)]);
    }
    lines.push(table.toString());
    for (const t of report.triggers.slice(0, 3)) lines.push(`  ${safe(triggerSentence(t, labelName(report)))}`);
  }

  const model = report.model as { enabled?: boolean; comparison?: { name: string; accuracy: number }[] };
  if (model.enabled && model.comparison?.length) {
    lines.push('');
    const names: Record<string, string> = { baseline: 'baseline model', cleaned: 'model without the implicated rows', candidate: 'candidate model' };
    lines.push(
      `Models    ${model.comparison.map((m) => `${safe(names[m.name] ?? m.name)} ${percent(m.accuracy)}`).join(', ')} accurate on the same clean held-out rows: accuracy alone does not reveal a backdoor.`,
    );
  }
  if (!report.baseline) {
    lines.push('Note      Without --baseline, schema, drift and label-shift checks are off and pure relabelling cannot be seen.');
  }
  lines.push('');
  const costs = report.scoring.filter((item) => item.cost > 0).map((item) => `${item.rule} ${item.severity} x${item.findings} -${item.cost}`);
  lines.push(`Score     100${costs.length ? ' ' + costs.join(', ') : ''} = ${report.trustScore}`);
  if (report.suspiciousRows.length > 0) lines.push(`Suspicious rows: ${report.suspiciousRows.length} (row numbers are 0-based data records, header excluded)`);
  for (const error of report.errors) lines.push(paint('31', `Error in ${safe(error.rule)}: ${safe(error.message)}`));
  lines.push(`Next      ${nextStep(report)}`);
  return lines.join('\n') + '\n';
}
