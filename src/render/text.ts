/** Making text from the data safe for each output, and the shared wording renderers use. */
import type { Report, Trigger } from '../report/report.js';
import type { CellValue } from '../engine/finding.js';

/**
 * Terminal-safe: removes ESC and every other C0/C1 control character (cli-table3 passes escape
 * sequences straight through), and bidirectional overrides that could reorder what is shown.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').replace(/[\n\t]/g, ' ');
}

export function displayValue(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
  return value;
}

export function triggerWhere(trigger: Trigger): string {
  if (trigger.range) return `${trigger.column} in ${displayValue(trigger.range[0])}..${displayValue(trigger.range[1])}`;
  const pair = trigger.evidence.pairedWith as { column: string; value: CellValue } | undefined;
  const base = `${trigger.column} = ${displayValue(trigger.value)}`;
  return pair ? `${base} and ${pair.column} = ${displayValue(pair.value)}` : base;
}

/** "COLUMN = VALUE turns 93% of probes of other classes into LABEL = CLASS under the candidate model, 0% under the baseline model; N rows carry it" */
export function triggerSentence(report: Report, trigger: Trigger): string {
  const label = report.label?.column ?? 'label';
  const reference = trigger.evidence.reference === 'baseline' ? 'the baseline model' : 'a model trained without those rows';
  return (
    `${triggerWhere(trigger)} turns ${pct(trigger.flipRate)} of probes of other classes into ${label} = ${trigger.targetClass} ` +
    `under the candidate model, ${pct(trigger.referenceFlipRate)} under ${reference}; ${trigger.support} rows carry it.`
  );
}

export function nextStep(report: Report): string {
  if (report.verdict === 'reject') {
    return report.suspiciousRows.length > 0
      ? `Do not train on this file. Quarantine the ${report.suspiciousRows.length} suspicious rows (--quarantine FILE, --emit-clean FILE) and ask the supplier where they came from.`
      : 'Do not train on this file until the critical findings are explained.';
  }
  if (report.verdict === 'review') return 'Review the findings above before training; rerun with --format html for histograms.';
  return 'Nothing stands out: the data can be used. Keep this report with the dataset.';
}

export function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}
