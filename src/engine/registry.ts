/**
 * Where rules come from: the built-in folder `rules/` (one rule per file, found by listing the
 * folder, so adding a rule is adding a file), and user files named with `--rules`. Rules are kept
 * in a Map keyed by id, never in a plain object.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { isRuleDefinition, isRuleId, type AnyRule } from './rule.js';
import { importDefault } from './load-code.js';
import { STAGE_CHECKS, type StageCheck } from '../model/checks.js';

/** Everything a config can name and `audit-data rules` lists: the rules, then the later-stage checks. */
export type RegisteredCheck = AnyRule | StageCheck;

export function allChecks(rules: ReadonlyMap<string, AnyRule>): Map<string, RegisteredCheck> {
  const all = new Map<string, RegisteredCheck>(rules);
  for (const check of STAGE_CHECKS) all.set(check.id, check);
  return all;
}

const BUILTIN_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export async function loadBuiltinRules(): Promise<Map<string, AnyRule>> {
  const rules = new Map<string, AnyRule>();
  for (const file of ruleFiles(BUILTIN_DIR)) {
    // Our own modules, compiled with the program (or run by tsx in tests): a plain import.
    const rule = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
    if (!isRuleDefinition(rule)) throw new Error(`${file}: the built-in rule module has no rule as its default export`);
    rules.set(rule.id, rule);
  }
  return rules;
}

/** Adds user rules from files or folders; a user rule with a built-in's id replaces it. */
export async function addUserRules(rules: Map<string, AnyRule>, paths: readonly string[]): Promise<void> {
  for (const given of paths) {
    let stat;
    try {
      stat = statSync(given);
    } catch {
      throw new InputError(`--rules ${given}: no such file or folder`);
    }
    const files = stat.isDirectory() ? ruleFiles(given) : [path.resolve(given)];
    for (const file of files) {
      const rule = await importUserRule(file);
      rules.set(rule.id, rule);
    }
  }
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.(ts|mts|js|mjs)$/.test(name) && !/\.d\.m?ts$/.test(name) && !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** A rule module the user wrote: `export default defineRule({...})` or a plain object of the same shape. */
async function importUserRule(file: string): Promise<AnyRule> {
  let rule: unknown;
  try {
    rule = await importDefault(file);
  } catch (error) {
    throw new InputError(`${file}: could not load the rule: ${firstLine(error)}`);
  }
  if (!isRuleDefinition(rule)) {
    throw new InputError(`${file}: the default export is not a rule (it needs id, title and check; use \`export default defineRule({...})\`)`);
  }
  if (!isRuleId(rule.id)) throw new InputError(`${file}: rule id '${rule.id}' must be kebab-case`);
  if (STAGE_CHECKS.some((check) => check.id === rule.id)) throw new InputError(`${file}: rule id '${rule.id}' is taken by a built-in model-stage check; choose another`);
  const { docs, defaults } = rule as { docs?: string; defaults?: object };
  return { ...rule, docs: docs ?? '', defaults: defaults ?? {} };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
