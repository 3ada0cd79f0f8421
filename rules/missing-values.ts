/**
 * missing-values: cells that are empty or hold a missing-value token (NA, N/A, null, NaN, None,
 * ?, ...). Basic hygiene: low severity, one finding per column, with the share missing. A column
 * that is never missing in the baseline but is now is reported by the baseline comparison. Text
 * cells of a numeric column (`unknown`) are read as missing by the numeric checks but are not
 * counted here: `non-numeric-cells` reports them.
 * Fix: impute or drop consciously; never let a missing cell pass as 0.
 */
import { defineRule } from '../src/engine/rule.js';
import { percent, round } from '../src/format.js';
import { isMissing, missingCellCount } from '../src/table/table.js';

export default defineRule({
  id: 'missing-values',
  title: 'Missing values',
  severities: 'low',
  docs: 'Columns with empty or missing-token cells; rules use the non-missing rows as their denominator.',
  defaults: { lowShare: 0.0 },
  check({ candidate, options }) {
    const { table, schema } = candidate;
    return table.columns
      .map((column, index) => ({ column, index }))
      .map(({ column, index }) => ({ column, index, missing: missingCellCount(column) }))
      .filter(({ missing }) => missing > 0 && missing / table.rowCount > options.lowShare)
      .map(({ column, index, missing }) => {
        const share = missing / table.rowCount;
        const textRows = column.kind === 'numeric' ? column.nonNumeric?.rows : undefined;
        const rows: number[] = [];
        let text = 0;
        for (let row = 0; row < table.rowCount && rows.length < 10000; row++) {
          if (!isMissing(column, row)) continue;
          if (textRows !== undefined && text < textRows.length && textRows[text] === row) {
            text++;
            continue;
          }
          rows.push(row);
        }
        const role = schema.label?.column === index ? ' (the label)' : '';
        return {
          severity: 'low' as const,
          column: column.name,
          message: `${missing} cells of ${column.name}${role} are missing (${percent(share)}).`,
          count: missing,
          rows,
          evidence: { missing, share: round(share), rowsTruncated: missing > rows.length },
        };
      });
  },
});
