/** Wording the renderers share beyond src/format.ts: the next step to take, by verdict. */
import type { Report } from '../report/report.js';

/** The label's column name for sentences (a report without a label still reads). */
export function labelName(report: Report): string {
  return report.label?.column ?? 'label';
}

export function nextStep(report: Report): string {
  return `${verdictStep(report)}${guessedLabelStep(report)}`;
}

function verdictStep(report: Report): string {
  if (report.verdict === 'reject') {
    return report.suspiciousRows.length > 0
      ? `Do not train on this file. Quarantine the ${report.suspiciousRows.length} suspicious rows (--quarantine FILE, --emit-clean FILE) and ask the supplier where they came from.`
      : 'Do not train on this file until the critical findings are explained.';
  }
  if (report.verdict === 'review') return 'Review the findings above before training; rerun with --format html for histograms.';
  return 'Nothing stands out: the data can be used. Keep this report with the dataset.';
}

/** A guessed label gets the label-free checks only: say how to get the trigger search too. */
function guessedLabelStep(report: Report): string {
  if (!report.label?.guessed || report.model.enabled !== true) return '';
  return ` The label ${report.label.column} was guessed, so no backdoor trigger was tested: rerun with --label ${report.label.column} (or another column) to test for triggers.`;
}
