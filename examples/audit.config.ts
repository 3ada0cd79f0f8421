/**
 * An example config for the credit-card default data (examples/data/default_credit_card.csv):
 * what the bank knows and the data cannot tell. Use it with
 *   audit-data examples/data/default_credit_card.csv --config examples/audit.config.ts --rules examples/rules/
 * or copy it to audit.config.ts in the folder you run audit-data from.
 */
import { defineConfig } from 'audit-data';

export default defineConfig({
  label: 'DEFAULT',
  identifiers: ['ID'],
  columns: {
    ID: { unique: true, required: true },
    AGE: { kind: 'numeric', integer: true, min: 18, max: 100 },
    SEX: { allowed: [1, 2] },
    LIMIT_BAL: { kind: 'numeric', min: 0 },
  },
  rules: {
    'adult-applicants': { options: { minAge: 21 } },
    'missing-values': 'low',
  },
  model: {
    // The countermeasure of the original write-up: an impossible age must not decide the label.
    unacceptable: [{ name: 'an impossible age decides default', column: 'AGE', op: '>=', value: 125, mustNotPredict: '1' }],
  },
  failOn: 'high',
});
