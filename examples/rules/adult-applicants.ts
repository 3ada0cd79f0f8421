/**
 * An example of a team's own rule: credit applicants are 21 or older (the bank's lending policy,
 * something the data cannot tell). Run it with `audit-data data.csv --rules examples/rules/`.
 * It imports the authoring API from the package, so it works from any folder.
 */
import { defineRule, z } from 'audit-data';

const options = z.strictObject({
  /** The column holding the applicant's age. */
  column: z.string(),
  /** The youngest age the policy accepts. */
  minAge: z.number().int().min(0),
});

export default defineRule<z.infer<typeof options>, { minAge: number; youngest: number }>({
  id: 'adult-applicants',
  title: 'Applicants younger than the lending policy allows',
  severities: 'high',
  docs: 'Rows whose age column is below minAge (default 21): under the lending policy such an application cannot exist, so the row is an entry error or was planted. Fix: correct or remove the rows listed.',
  defaults: { column: 'AGE', minAge: 21 },
  optionsSchema: options,
  check({ candidate, options }) {
    const column = candidate.table.columns.find((c) => c.name === options.column);
    if (!column || column.kind !== 'numeric') return [];
    const rows: number[] = [];
    let youngest = Infinity;
    column.values.forEach((age, row) => {
      if (age < options.minAge) {
        rows.push(row);
        youngest = Math.min(youngest, age);
      }
    });
    if (rows.length === 0) return [];
    return [
      {
        severity: 'high',
        column: options.column,
        message: `${rows.length} applicants are younger than ${options.minAge}, which the lending policy does not allow.`,
        rows,
        evidence: { minAge: options.minAge, youngest },
      },
    ];
  },
});
