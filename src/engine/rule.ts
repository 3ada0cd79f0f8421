/**
 * The rule contract. A rule is pure: it reads the context and returns findings. It never prints,
 * reads files or exits. Built-in rules live one per file in `rules/`; users add their own with
 * `--rules` or tune these in `audit.config.ts`.
 */
import type { Dataset } from './dataset.js';
import type { ZodType } from 'zod';
import type { FindingDraft, Severity } from './finding.js';

export interface RuleContext<Options> {
  readonly candidate: Dataset;
  /** The trusted dataset to compare with, when `--baseline` was given. */
  readonly baseline: Dataset | null;
  readonly options: Options;
  /** The baseline column with the same name as a candidate column, or -1. */
  baselineColumnOf(candidateColumn: number): number;
}

export interface RuleDefinition<Options extends object = Record<string, unknown>, Evidence extends object = Record<string, unknown>> {
  /** Stable kebab-case id, used in config, JSON and the test file name `test/rules/<id>.test.ts`. */
  readonly id: string;
  readonly title: string;
  /** Why this matters, what triggers it, how to fix the data. */
  readonly docs: string;
  /** The severities its findings have, in words (for `audit-data rules`). */
  readonly severities?: string;
  readonly defaults: Options;
  /**
   * The options' schema (zod), checked against the config's options merged over the defaults.
   * Without one, each option must have the type of its default and no other option is accepted.
   */
  readonly optionsSchema?: ZodType<Options>;
  /** Skip the rule (no findings) when the audit has no baseline / no label. */
  readonly needsBaseline?: boolean;
  readonly needsLabel?: boolean;
  check(context: RuleContext<Options>): FindingDraft<Evidence>[];
}

// The registry holds rules of every option type; each rule sees its own options (merged over its defaults).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a rule's check is contravariant in its options; `object` would reject every rule
export type AnyRule = RuleDefinition<any, any>;

const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function isRuleId(id: string): boolean {
  return RULE_ID.test(id);
}

/** Typed helper for rule modules: `export default defineRule({ id, title, docs, defaults, check })`. */
export function defineRule<Options extends object, Evidence extends object = Record<string, unknown>>(
  rule: RuleDefinition<Options, Evidence>,
): RuleDefinition<Options, Evidence> {
  if (!RULE_ID.test(rule.id)) throw new Error(`rule id '${rule.id}' must be kebab-case`);
  return Object.freeze({ ...rule });
}

export function isRuleDefinition(value: unknown): value is AnyRule {
  const rule = value as AnyRule | null;
  return (
    typeof rule === 'object' &&
    rule !== null &&
    typeof rule.id === 'string' &&
    typeof rule.check === 'function' &&
    typeof rule.title === 'string'
  );
}

/** Per-rule settings from the config: options merged over the defaults, and a severity override. */
export interface RuleSettings {
  options?: Record<string, unknown>;
  /** 'off' disables the rule; a severity replaces the severity of every finding it reports. */
  severity?: Severity | 'off';
}
