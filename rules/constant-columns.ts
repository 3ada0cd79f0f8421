/**
 * constant-columns: columns with a single distinct value (or none). They carry no information for
 * a model and often mean a broken export. Low severity.
 * Fix: drop the column, or check the export that produced it.
 */
import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'constant-columns',
  title: 'Constant or empty columns',
  severities: 'low',
  docs: 'Columns holding one distinct value, or only missing cells.',
  defaults: {},
  check({ candidate }) {
    return candidate.schema.columns
      .filter((info) => info.kind === 'constant' || info.kind === 'empty')
      .map((info) => ({
        severity: 'low' as const,
        column: info.name,
        value: info.kind === 'constant' ? firstValue(candidate, info.index) : null,
        message: info.kind === 'empty' ? `${info.name} is missing in every row.` : `${info.name} holds a single value in every row.`,
        count: candidate.table.rowCount,
        evidence: { kind: info.kind },
      }));
  },
});

function firstValue(candidate: { indexes: { valueIndex(c: number): { values: Float64Array | readonly string[]; counts: Uint32Array } } }, column: number): number | string | null {
  const index = candidate.indexes.valueIndex(column);
  for (let id = 0; id < index.values.length; id++) if (index.counts[id] > 0) return index.values[id];
  return null;
}
