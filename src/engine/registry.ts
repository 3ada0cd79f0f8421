/**
 * Where rules come from: the built-in folder `rules/` (one rule per file, found by listing the
 * folder, so adding a rule is adding a file), and user files named with `--rules`. Rules are kept
 * in a Map keyed by id, never in a plain object.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { isRuleDefinition, type AnyRule } from './rule.js';

const BUILTIN_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export async function loadBuiltinRules(): Promise<Map<string, AnyRule>> {
  const rules = new Map<string, AnyRule>();
  for (const file of ruleFiles(BUILTIN_DIR)) {
    const rule = await importRule(file);
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
      const rule = await importRule(file);
      rules.set(rule.id, rule);
    }
  }
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') && !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name));
}

async function importRule(file: string): Promise<AnyRule> {
  let module: { default?: unknown };
  try {
    module = await importCode(file);
  } catch (error) {
    throw new InputError(`${file}: could not load the rule: ${firstLine(error)}`);
  }
  const rule = module.default;
  if (!isRuleDefinition(rule)) {
    throw new InputError(`${file}: the default export is not a rule (use \`export default defineRule({...})\`)`);
  }
  return rule;
}

/** Imports a .ts or .js file the user named (TypeScript through tsx's loader). */
export async function importCode(file: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(path.resolve(file)).href;
  if (/\.(ts|mts|cts)$/.test(file) && !process.execArgv.some((arg) => arg.includes('tsx'))) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as { default?: unknown };
  }
  return (await import(url)) as { default?: unknown };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
