/**
 * The config against what this run knows: rule ids and their options (once the rules are loaded),
 * column names (once the candidate's header is read). A name that does not exist is an error with
 * a suggestion, never silently ignored.
 */
import { InputError } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import { optionsSchemaOf, type Configurable } from '../engine/rule-options.js';
import type { AuditConfig } from './schema.js';
import { describeIssue, firstIssue } from './load.js';

/** Rule ids and options in the config, against the rules and the later-stage checks this run has. */
export function checkRuleSettings(config: AuditConfig, rules: ReadonlyMap<string, Configurable>, file: string): void {
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    const rule = rules.get(id);
    if (!rule) throw new InputError(`${file}: rules.${id}: no such rule${didYouMean(id, rules.keys())}`);
    if (!setting.options) continue;
    const schema = optionsSchemaOf(rule);
    const merged = { ...rule.defaults, ...setting.options };
    const parsed = schema.safeParse(merged);
    if (!parsed.success) {
      throw new InputError(`${file}: rules.${id}.options.${describeIssue(schema, firstIssue(parsed.error.issues), merged, [], 'option')}`);
    }
  }
}

/** Every column the config names must be a column of the candidate. */
export function checkColumnNames(config: AuditConfig, header: readonly string[], file: string): void {
  const names = new Set(header);
  const check = (name: string, where: string): void => {
    if (!names.has(name)) throw new InputError(`${file}: ${where}: no column '${name}' in the candidate${didYouMean(name, header)}`);
  };
  if (config.label !== undefined) check(config.label, 'label');
  config.identifiers?.forEach((name, i) => check(name, `identifiers[${i}]`));
  for (const name of Object.keys(config.columns ?? {})) check(name, `columns.${name}`);
  config.model?.cases?.forEach((modelCase, i) => {
    for (const name of Object.keys(modelCase.record)) check(name, `model.cases[${i}].record.${name}`);
  });
  config.model?.unacceptable?.forEach((rule, i) => check(rule.column, `model.unacceptable[${i}].column`));
}
