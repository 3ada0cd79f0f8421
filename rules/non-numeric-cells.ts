/**
 * non-numeric-cells: text in a column of numbers (`unknown`, `n/k`, `-`, a stray `12a`).
 *
 * Why it matters: a column that is at least 95% numbers stays numeric (src/load/column-builder.ts),
 * so its range, spike and trigger checks keep running; its few text cells read as missing there.
 * They are still data someone wrote, and they are how a pipeline breaks (a parser that refuses
 * the column) or silently differs (a parser that turns them into NaN or 0). Placed on purpose,
 * on rows of one class, they are a trigger the numbers cannot show.
 * What triggers it: any text cell in a numeric column; one finding per column listing its rows
 * and its tokens with their counts. Severity low, medium when the cells are many (at least
 * `mediumShare`, 1%, of the column's non-missing cells) or lean to one class (that class's share
 * of them closes half the gap from its prior share to 1, and a binomial test against the prior
 * rejects chance at `alpha`, 1e-3, Bonferroni over the columns reported).
 * Fix: decide what each token means (a missing value, a censored value, an error) and write it
 * as that in the export (empty for missing), or fix the rows that carry it.
 */
import { defineRule } from '../src/engine/rule.js';
import type { FindingDraft } from '../src/engine/finding.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { NonNumericCells } from '../src/table/table.js';
import { formatValue, percent, percentOneDecimal as formatShare, round } from '../src/format.js';
import { log10P, logBinomialUpper, logBonferroni } from '../src/stats/tails.js';

const LISTED_TOKENS = 5;

export default defineRule({
  id: 'non-numeric-cells',
  title: 'Text cells in numeric columns',
  severities: 'medium or low',
  docs: 'Cells of a numeric column (at least 95% numbers) that are not numbers: their rows and tokens. Low; medium when they are at least 1% of the cells or lean to one class (binomial against the class prior).',
  defaults: { mediumShare: 0.01, alpha: 1e-3 },
  check({ candidate, options }) {
    const columns = candidate.table.columns.flatMap((column, index) =>
      column.kind === 'numeric' && column.nonNumeric && column.nonNumeric.rows.length > 0 ? [{ index, cells: column.nonNumeric }] : [],
    );
    const threshold = logBonferroni(options.alpha, columns.length);
    return columns.map(({ index, cells }) => cellsFinding(candidate, index, cells, threshold, options.mediumShare));
  },
});

function cellsFinding(candidate: Dataset, index: number, cells: NonNumericCells, threshold: number, mediumShare: number): FindingDraft {
  const column = candidate.table.columns[index];
  const rows = Array.from(cells.rows);
  const counts = new Array<number>(cells.tokens.length).fill(0);
  for (const code of cells.codes) counts[code]++;
  const order = counts.map((_, code) => code).sort((a, b) => counts[b] - counts[a] || a - b);
  const nonMissing = candidate.table.rowCount - column.missingCount + rows.length;
  const share = rows.length / Math.max(1, nonMissing);
  const lean = leaningClass(candidate, index, rows);
  const many = share >= mediumShare;
  const leans = lean !== null && lean.logP <= threshold;
  const listed = order.slice(0, LISTED_TOKENS).map((code) => `${formatValue(cells.tokens[code])} (${counts[code]})`);
  const role = candidate.schema.label?.column === index ? ' (the label)' : '';
  const why = leans
    ? ` ${percent(lean.share)} of them have ${lean.labelName} = ${lean.className}, against ${percent(lean.prior)} of all rows.`
    : '';
  return {
    severity: many || leans ? 'medium' : 'low',
    column: column.name,
    value: cells.tokens[order[0]],
    message:
      `${rows.length} cells of ${column.name}${role} are not numbers (${formatShare(share)} of its values): ` +
      `${listed.join(', ')}${order.length > LISTED_TOKENS ? ', ...' : ''}; the numeric checks read them as missing.${why}`,
    count: rows.length,
    rows,
    evidence: {
      cells: rows.length,
      share: round(share),
      distinctTokens: order.length,
      tokens: order.slice(0, 20).map((code) => ({ value: cells.tokens[code], count: counts[code] })),
      ...(lean ? { targetClass: lean.className, classShare: round(lean.share), prior: round(lean.prior), log10P: log10P(lean.logP) } : {}),
    },
  };
}

interface Lean {
  labelName: string;
  className: string;
  share: number;
  prior: number;
  logP: number;
}

/** The class that most of the rows have, when it closes half the gap from its prior to 1. */
function leaningClass(candidate: Dataset, column: number, rows: readonly number[]): Lean | null {
  const label = candidate.schema.label;
  if (!label || label.column === column) return null;
  const counts = new Array<number>(label.classes.length).fill(0);
  let labelled = 0;
  for (const row of rows) {
    if (label.y[row] < 0) continue;
    counts[label.y[row]]++;
    labelled++;
  }
  const total = label.classCounts.reduce((a, b) => a + b, 0);
  if (labelled === 0 || total === 0) return null;
  let best: Lean | null = null;
  counts.forEach((count, cls) => {
    const prior = label.classCounts[cls] / total;
    const share = count / labelled;
    if (share < prior + 0.5 * (1 - prior)) return;
    const logP = logBinomialUpper(count, labelled, prior);
    if (best === null || logP < best.logP) best = { labelName: label.name, className: label.classes[cls], share, prior, logP };
  });
  return best;
}
