/**
 * missing-values: cells that are empty or hold a missing-value token (NA, N/A, null, NaN, None,
 * ?, ...). Basic hygiene: low severity, one finding per column, with the share missing. A column
 * that is never missing in the baseline but is now is reported by the baseline comparison.
 * Fix: impute or drop consciously; never let a missing cell pass as 0.
 */
import { defineRule } from '../src/engine/rule.js';
import { percent, round } from '../src/detect/describe.js';
import { isMissing } from '../src/table/table.js';

export default defineRule({
  id: 'missing-values',
  title: 'Missing values',
  docs: 'Columns with empty or missing-token cells; rules use the non-missing rows as their denominator.',
  defaults: { lowShare: 0.0 },
  check({ candidate, options }) {
    const { table, schema } = candidate;
    return table.columns
      .map((column, index) => ({ column, index }))
      .filter(({ column }) => column.missingCount > 0 && column.missingCount / table.rowCount > options.lowShare)
      .map(({ column, index }) => {
        const share = column.missingCount / table.rowCount;
        const rows: number[] = [];
        for (let row = 0; row < table.rowCount && rows.length < 10000; row++) if (isMissing(column, row)) rows.push(row);
        const role = schema.label?.column === index ? ' (the label)' : '';
        return {
          severity: 'low' as const,
          column: column.name,
          message: `${column.missingCount} cells of ${column.name}${role} are missing (${percent(share)}).`,
          count: column.missingCount,
          rows,
          evidence: { missing: column.missingCount, share: round(share), rowsTruncated: column.missingCount > rows.length },
        };
      });
  },
});
