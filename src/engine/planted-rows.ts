/**
 * planted-rows: rows two rules single out together with label-free signals that natural data
 * does not produce together. One rule finds a value outside the column's domain or far outside
 * its bulk (`outside-domain`, `far-outside-bulk`); another finds that the rows holding it are
 * copies of other rows but for that value (`copies`). An impossible value on copies of real rows
 * is planted, whatever the label says and whether or not a model learns from it, so it is a
 * critical finding on those rows. It needs no confirmed label: a file audited with a guessed label
 * (where the model checks name no trigger) is still rejected for them.
 *
 * Built from the rules' trigger hints (src/engine/trigger-hint.ts), so it sees what the hints
 * carry: candidates that lean to one class. Left out when the model checks confirmed a trigger on
 * the same column and value, whose finding already stands for those rows.
 * Severity: critical; `rules: { 'planted-rows': { severity } }` in the config sets another, 'off' drops it.
 * Options (src/model/checks.ts): minRows, the fewest rows carrying both signals.
 */
import { completeFinding, type Finding } from './finding.js';
import type { Dataset } from './dataset.js';
import type { RuleHint } from './run-rules.js';
import type { TriggerSignal } from './trigger-hint.js';
import { formatValue, percent } from '../format.js';

export const PLANTED_ROWS = 'planted-rows';

const IMPLAUSIBLE: readonly TriggerSignal[] = ['outside-domain', 'far-outside-bulk'];

export function plantedRows(
  candidate: Dataset,
  hints: readonly RuleHint[],
  triggered: readonly { column: string; value: unknown }[],
  options: { minRows: number },
): Finding[] {
  const label = candidate.schema.label;
  const copies = hints.filter((h) => h.hint.signals.includes('copies') && h.hint.range === null && !h.hint.with?.length);
  const outside = hints.filter((h) => h.hint.signals.some((s) => IMPLAUSIBLE.includes(s)) && !h.hint.with?.length);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const copy of copies) {
    const { column, value } = copy.hint;
    const name = candidate.table.columns[column].name;
    const key = `${column}\u0000${String(value)}`;
    if (seen.has(key) || triggered.some((t) => t.column === name && t.value === value)) continue;
    const impossible = outside.find((h) => h.rule !== copy.rule && h.hint.column === column && holds(h.hint, value));
    if (!impossible) continue;
    const inRange = new Set(impossible.finding.rows);
    const rows = copy.finding.rows.filter((row) => inRange.has(row));
    if (rows.length < options.minRows) continue;
    seen.add(key);
    let classText = '';
    if (label) {
      const inClass = rows.filter((row) => label.y[row] === copy.hint.targetClass).length;
      classText = ` ${percent(inClass / rows.length)} of them have ${label.name} = ${label.classes[copy.hint.targetClass]}.`;
    }
    const why = impossible.hint.signals.includes('outside-domain') ? "outside the column's domain" : "far outside the column's bulk";
    findings.push(
      completeFinding(PLANTED_ROWS, {
        severity: 'critical',
        column: name,
        value,
        message:
          `${rows.length} rows are copies of other rows with ${name} set to ${formatValue(value)}, a value ${why} (${impossible.rule}, ${copy.rule}): ` +
          `rows planted in the file, not data.${classText}`,
        rows,
        evidence: { signals: [...new Set([...impossible.hint.signals, ...copy.hint.signals])], rules: [impossible.rule, copy.rule], rowsWithBoth: rows.length },
      }),
    );
  }
  return findings;
}

function holds(hint: RuleHint['hint'], value: number | string): boolean {
  if (hint.range) return typeof value === 'number' && value >= hint.range[0] && value <= hint.range[1];
  return hint.value === value;
}
