/**
 * column-constraints: what the team declared about a column in the config's `columns` (or what
 * `audit-data init` learned from a trusted file), checked cell by cell. One finding per column and
 * constraint broken, with the rows that break it:
 *   kind 'numeric' (every present cell a number), integer, allowed values, required (no missing
 *   cell), unique, pattern (a regular expression; a string must match the whole value), and check
 *   (your own function: false means the value is not acceptable).
 * min and max are checked by `range`, whose findings also hand the model checks a trigger
 * candidate. Severity: the column's `severity` in the config, else high for kind and allowed (a
 * value declared impossible) and medium for the others.
 * Fix: correct the rows at the source, or the constraint if the data is right.
 */
import { defineRule } from '../src/engine/rule.js';
import type { FindingDraft, Severity } from '../src/engine/finding.js';
import type { ColumnConstraint } from '../src/config/schema.js';
import type { Column } from '../src/table/table.js';
import { MISSING_CODE } from '../src/table/table.js';
import { displayValue, percent } from '../src/format.js';

type Constraint = 'kind' | 'integer' | 'allowed' | 'required' | 'unique' | 'pattern' | 'check';
const HIGH: ReadonlySet<Constraint> = new Set(['kind', 'allowed']);
/** Distinct offending values quoted in a finding's evidence. */
const EXAMPLES = 5;

export default defineRule({
  id: 'column-constraints',
  title: 'Values that break a configured column constraint',
  severities: "high (kind, allowed), medium (integer, required, unique, pattern, check), or the column's configured severity",
  docs: "Checks the config's column constraints cell by cell: kind 'numeric', integer, allowed values, required (no missing cell), unique, pattern (a regular expression; a string pattern must match the whole value) and check (a function of the value: false means not acceptable). min and max are checked by range. Each broken constraint is one finding with its rows and a few of the offending values. Fix: correct the rows at the source, or the constraint if the data is right.",
  defaults: { constraints: {} as Record<string, ColumnConstraint> },
  check({ candidate, options }) {
    const findings: FindingDraft[] = [];
    const { table } = candidate;
    for (const [name, constraint] of Object.entries(options.constraints)) {
      const column = table.columns.find((c) => c.name === name);
      if (!column) continue; // the config check rejects unknown columns before the audit
      for (const broken of violations(column, table.rowCount, constraint)) {
        const severity: Severity = constraint.severity ?? (HIGH.has(broken.constraint) ? 'high' : 'medium');
        findings.push({
          severity,
          column: name,
          message: `${broken.rows.length} rows (${percent(broken.rows.length / table.rowCount)}) break the configured constraint ${name}: ${broken.rule}${broken.examples.length ? ` (for example ${broken.examples.map(displayValue).join(', ')})` : ''}.`,
          rows: broken.rows,
          evidence: { constraint: broken.constraint, rule: broken.rule, examples: broken.examples },
        });
      }
    }
    return findings;
  },
});

interface Violation {
  constraint: Constraint;
  /** The constraint in words. */
  rule: string;
  rows: number[];
  examples: (string | number | null)[];
}

/** The cell as the data holds it: a number, the text as written, or null when missing. */
function cellReader(column: Column): (row: number) => number | string | null {
  if (column.kind === 'numeric') {
    const text = new Map<number, string>();
    column.nonNumeric?.rows.forEach((row, i) => text.set(row, column.nonNumeric!.tokens[column.nonNumeric!.codes[i]]));
    return (row) => {
      const value = column.values[row];
      return Number.isNaN(value) ? (text.get(row) ?? null) : value;
    };
  }
  return (row) => (column.codes[row] === MISSING_CODE ? null : column.dictionary[column.codes[row]]);
}

function asNumber(value: number | string): number {
  return typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
}

function violations(column: Column, rowCount: number, constraint: ColumnConstraint): Violation[] {
  const cell = cellReader(column);
  const tests: { constraint: Constraint; rule: string; fails: (value: number | string | null) => boolean }[] = [];
  if (constraint.kind === 'numeric') tests.push({ constraint: 'kind', rule: 'every value is a number', fails: (v) => v !== null && !Number.isFinite(asNumber(v)) });
  if (constraint.integer) {
    tests.push({ constraint: 'integer', rule: 'every value is a whole number', fails: (v) => v !== null && Number.isFinite(asNumber(v)) && !Number.isInteger(asNumber(v)) });
  }
  if (constraint.allowed) {
    const texts = new Set(constraint.allowed.map(String));
    const numbers = new Set(constraint.allowed.map(asNumber).filter(Number.isFinite));
    const shown = constraint.allowed.length <= 12 ? constraint.allowed.map(String).join(', ') : `${constraint.allowed.length} listed values`;
    tests.push({ constraint: 'allowed', rule: `allowed values ${shown}`, fails: (v) => v !== null && !texts.has(String(v)) && !numbers.has(asNumber(v)) });
  }
  if (constraint.required) tests.push({ constraint: 'required', rule: 'no missing values', fails: (v) => v === null });
  if (constraint.pattern !== undefined) {
    const pattern = typeof constraint.pattern === 'string' ? new RegExp(`^(?:${constraint.pattern})$`, 'u') : constraint.pattern;
    tests.push({ constraint: 'pattern', rule: `matches ${String(pattern)}`, fails: (v) => v !== null && !matches(pattern, String(v)) });
  }
  if (constraint.check) {
    const check = constraint.check;
    tests.push({ constraint: 'check', rule: `passes its check function${check.name ? ` ${check.name}` : ''}`, fails: (v) => check(v) !== true });
  }
  const found: Violation[] = tests.map((t) => ({ constraint: t.constraint, rule: t.rule, rows: [], examples: [] }));
  const exampleSets = tests.map(() => new Set<string>());
  for (let row = 0; row < rowCount; row++) {
    const value = cell(row);
    for (let i = 0; i < tests.length; i++) {
      if (!tests[i].fails(value)) continue;
      found[i].rows.push(row);
      const key = String(value);
      if (exampleSets[i].size < EXAMPLES && !exampleSets[i].has(key)) {
        exampleSets[i].add(key);
        found[i].examples.push(value);
      }
    }
  }
  if (constraint.unique) found.push(repeated(cell, rowCount));
  return found.filter((v) => v.rows.length > 0);
}

function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return pattern.test(text);
}

function repeated(cell: (row: number) => number | string | null, rowCount: number): Violation {
  const firstRow = new Map<string, number>();
  const inGroup = new Uint8Array(rowCount);
  const examples: (string | number | null)[] = [];
  for (let row = 0; row < rowCount; row++) {
    const value = cell(row);
    if (value === null) continue;
    const key = typeof value === 'number' ? `n${value}` : `s${value}`;
    const first = firstRow.get(key);
    if (first === undefined) {
      firstRow.set(key, row);
      continue;
    }
    if (!inGroup[first] && examples.length < EXAMPLES) examples.push(value);
    inGroup[first] = 1;
    inGroup[row] = 1;
  }
  const rows: number[] = [];
  for (let row = 0; row < rowCount; row++) if (inGroup[row]) rows.push(row);
  return { constraint: 'unique', rule: 'no value appears twice', rows, examples };
}
