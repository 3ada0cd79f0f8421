/**
 * The configuration's one schema. The TypeScript types below come from it, so what the editor
 * completes and what the loader accepts cannot drift apart. Every object is strict: an unknown key
 * is an error (with a suggestion), never silently ignored.
 */
import { z } from 'zod';
import { SEVERITIES } from '../engine/finding.js';
import type { RuleSettings } from '../engine/rule.js';

const severity = z.enum(SEVERITIES);
const columnName = z.string().min(1);
const cellValue = z.union([z.string(), z.number()]);

/** What a team knows about a column that the data cannot tell. Each broken constraint is a finding. */
export const ColumnConstraintSchema = z.strictObject({
  /** `numeric`: every present cell is a number. `text`: any cell is accepted (documents intent). */
  kind: z.enum(['numeric', 'text']).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Every present value is a whole number. */
  integer: z.boolean().optional(),
  /** The only values allowed (compared as written, numbers also by value). */
  allowed: z.array(cellValue).min(1).optional(),
  /** No missing cells. */
  required: z.boolean().optional(),
  /** No value appears twice (an account id, a transaction id). */
  unique: z.boolean().optional(),
  /** Every present value, as written, matches this regular expression (a string is anchored: the whole value must match). */
  pattern: z.union([z.string().min(1), z.instanceof(RegExp)]).optional(),
  /** Your own test: return true when the value is acceptable (value is a number, a string or null for missing). */
  check: z.custom<(value: number | string | null) => boolean>((value) => typeof value === 'function', 'must be a function').optional(),
  /** Severity of a broken constraint of this column (default: high for min/max/kind/allowed, medium otherwise). */
  severity: severity.optional(),
});

export const RuleSettingSchema = z.union([
  z.literal('off'),
  severity,
  z.strictObject({
    /** 'off' disables the rule; a severity replaces the severity of every finding it reports. */
    severity: z.union([z.literal('off'), severity]).optional(),
    /** Options merged over the rule's defaults, checked against the rule's option schema. */
    options: z.record(z.string(), z.unknown()).optional(),
  }),
]);

export const ModelCaseSchema = z.strictObject({
  /** A record with an expected prediction: feature values by column name. */
  name: z.string().min(1),
  record: z.record(columnName, cellValue),
  expect: z.union([z.string(), z.number()]).transform(String),
});

export const UnacceptableCaseSchema = z.strictObject({
  /** "Any record with COLUMN op VALUE must not be predicted TARGET more often than records without it." */
  name: z.string().min(1),
  column: columnName,
  op: z.enum(['>', '>=', '<', '<=', '==']),
  value: cellValue,
  mustNotPredict: z.union([z.string(), z.number()]).transform(String),
  /** Allowed excess of the flip rate over rows without the condition; default 0.1. */
  tolerance: z.number().min(0).max(1).optional(),
});

export const ConfigSchema = z.strictObject({
  /** The label column. */
  label: columnName.optional(),
  /** Columns that identify a record (excluded from features and from duplicate checks). */
  identifiers: z.array(columnName).optional(),
  /** Constraints per column name. */
  columns: z.record(columnName, ColumnConstraintSchema).optional(),
  /** Per rule id: 'off', a severity, or { severity, options }. */
  rules: z.record(z.string(), RuleSettingSchema).optional(),
  model: z
    .strictObject({
      enabled: z.boolean().optional(),
      cases: z.array(ModelCaseSchema).optional(),
      unacceptable: z.array(UnacceptableCaseSchema).optional(),
    })
    .optional(),
  /** Exit 1 when a finding is at or above this severity (instead of by verdict). */
  failOn: severity.optional(),
  /**
   * `audit-data scan`: the trusted baseline of each dataset, by glob pattern on its path relative
   * to the working folder (the first pattern that matches wins), e.g. `{ 'deliveries/*.csv': 'trusted/base.csv' }`.
   */
  baselines: z.record(z.string().min(1), z.string().min(1)).optional(),
});

/** What a config file exports (the form a person writes). */
export type AuditConfigInput = z.input<typeof ConfigSchema>;
/** The config after validation (rule settings in their long form). */
export type AuditConfig = Omit<z.output<typeof ConfigSchema>, 'rules'> & { rules?: Record<string, RuleSettings> };
export type ColumnConstraint = z.output<typeof ColumnConstraintSchema>;
export type ModelCase = z.output<typeof ModelCaseSchema>;
export type UnacceptableCase = z.output<typeof UnacceptableCaseSchema>;
