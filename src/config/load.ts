/**
 * Finding and loading audit.config.*: the config in the working folder (like ESLint), or the file
 * named with --config; never a config next to the data. A config is code and runs with the user's
 * rights. What it exports is checked against the schema; the first problem is one line naming
 * the file, the path inside it and, for a misspelling, the likely intended name.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { importDefault, USER_CODE_EXTENSIONS } from '../engine/load-code.js';
import { didYouMean } from '../util/suggest.js';
import { ColumnConstraintSchema, ConfigSchema, type AuditConfig } from './schema.js';
import type { RuleSettings } from '../engine/rule.js';

export const CONFIG_NAMES = USER_CODE_EXTENSIONS.map((extension) => `audit.config${extension}`);

export interface LoadedConfig {
  config: AuditConfig;
  /** The file it came from, or null when no config is used. */
  file: string | null;
}

/** The config this run uses: --config FILE, else audit.config.* in the working folder, else none (--no-config: none). */
export async function resolveConfig(given: string | false | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  if (given === false) return { config: {}, file: null };
  if (given !== undefined) return { config: await loadConfig(given), file: given };
  const found = CONFIG_NAMES.find((name) => existsSync(path.join(cwd, name)));
  if (!found) return { config: {}, file: null };
  return { config: await loadConfig(path.join(cwd, found), found), file: found };
}

/** Loads and checks a config; `shown` is how messages name the file. */
export async function loadConfig(file: string, shown = file): Promise<AuditConfig> {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new InputError(`--config ${file}: no such file`);
  }
  if (stat.isDirectory()) throw new InputError(`--config ${file}: is a folder, not a config file`);
  if (!USER_CODE_EXTENSIONS.some((extension) => file.endsWith(extension))) {
    throw new InputError(`${shown}: a config is a .ts, .mts, .js or .mjs module (export default defineConfig({...}))`);
  }
  let exported: unknown;
  try {
    exported = await importDefault(file);
  } catch (error) {
    throw new InputError(`${shown}: could not load the config: ${loadError(error)}`);
  }
  return parseConfig(exported, shown);
}

/** Checks a config object against the schema and brings rule settings to their long form. */
export function parseConfig(value: unknown, file: string): AuditConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${file}: the default export must be a config object (export default defineConfig({...}))`);
  }
  const parsed = ConfigSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${file}: ${describeIssue(ConfigSchema, firstIssue(parsed.error.issues), value)}`);
  const { rules, ...rest } = parsed.data;
  keepProtoKey(value, rest);
  if (!rules) return rest;
  const settings: Record<string, RuleSettings> = {};
  for (const [id, setting] of Object.entries(rules)) settings[id] = typeof setting === 'string' ? { severity: setting } : setting;
  return { ...rest, rules: settings };
}

/**
 * A column named __proto__ is an own key of the config's `columns`, but copying it into a plain
 * object sets the prototype instead; define it as an own property again.
 */
function keepProtoKey(input: object, output: { columns?: Record<string, unknown> }): void {
  const columns = (input as { columns?: unknown }).columns;
  if (typeof columns !== 'object' || columns === null || !Object.prototype.hasOwnProperty.call(columns, '__proto__') || !output.columns) return;
  const parsed = ColumnConstraintSchema.parse((columns as Record<string, unknown>)['__proto__']);
  Object.setPrototypeOf(output.columns, Object.prototype);
  Object.defineProperty(output.columns, '__proto__', { value: parsed, enumerable: true, writable: true, configurable: true });
}

type Issue = z.core.$ZodIssue;

/** The issue to report: a misspelt key first, since it usually explains a missing one. */
export function firstIssue(issues: readonly Issue[]): Issue {
  return issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
}

/** One issue as `path: what is wrong (did you mean ...?)`. */
export function describeIssue(schema: z.ZodType, issue: Issue, input: unknown, prefix: PropertyKey[] = [], keyWord = 'key'): string {
  const at = [...prefix, ...issue.path];
  const given = valueAt(input, at);
  if (given === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return `${formatPath(at)}: is required`;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    return `${formatPath([...at, key])}: unknown ${keyWord}${didYouMean(key, keysAt(schema, at))}`;
  }
  if (issue.code === 'invalid_union') {
    // The branch that got furthest (an object branch with a problem inside) explains best.
    const inner = issue.errors.map((branch) => branch[0]).find((first) => first && (first.path.length > 0 || first.code === 'unrecognized_keys'));
    if (inner) return describeIssue(schema, inner, input, at, keyWord);
    const { text, words } = unionExpectation(schema, at);
    return `${formatPath(at)}: ${text}${typeof given === 'string' ? didYouMean(given, words) : ''}`;
  }
  if (issue.code === 'invalid_value') {
    const hint = typeof given === 'string' ? didYouMean(given, issue.values.map(String)) : '';
    return `${formatPath(at)}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${hint}`;
  }
  return `${formatPath(at)}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

export function formatPath(parts: readonly PropertyKey[]): string {
  let text = '';
  for (const part of parts) text += typeof part === 'number' ? `[${part}]` : text ? `.${String(part)}` : String(part);
  return text || '(the config)';
}

/** What a union accepts, and the words among its literal choices (for suggestions). */
function unionExpectation(schema: z.ZodType, at: readonly PropertyKey[]): { text: string; words: string[] } {
  const union = unwrap(schemaAt(schema, at));
  if (!(union instanceof z.ZodUnion)) return { text: 'has the wrong type', words: [] };
  const words: string[] = [];
  const forms = (union.options as z.ZodType[]).map((option) => {
    const inner = unwrap(option);
    if (inner instanceof z.ZodLiteral) {
      words.push(String(inner.value));
      return JSON.stringify(inner.value);
    }
    if (inner instanceof z.ZodEnum) {
      words.push(...inner.options.map(String));
      return `one of ${inner.options.map(String).join('|')}`;
    }
    if (inner instanceof z.ZodObject) return `{ ${Object.keys(inner.shape).join(', ')} }`;
    return inner?.type ?? 'another form';
  });
  return { text: `must be ${forms.join(' or ')}`, words };
}

function valueAt(input: unknown, at: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of at) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The keys an object at this path accepts (for suggestions). */
function keysAt(schema: z.ZodType, at: readonly PropertyKey[]): string[] {
  const target = unwrap(schemaAt(schema, at));
  if (target instanceof z.ZodObject) return Object.keys(target.shape);
  if (target instanceof z.ZodUnion) {
    const object = (target.options as z.ZodType[]).map(unwrap).find((o) => o instanceof z.ZodObject);
    if (object instanceof z.ZodObject) return Object.keys(object.shape);
  }
  return [];
}

function schemaAt(schema: z.ZodType, at: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of at) {
    let node = unwrap(current);
    if (node instanceof z.ZodUnion) node = (node.options as z.ZodType[]).map(unwrap).find((o) => o instanceof z.ZodObject || o instanceof z.ZodRecord || o instanceof z.ZodArray);
    if (node instanceof z.ZodObject) current = (node.shape as Record<string, z.ZodType>)[String(key)];
    else if (node instanceof z.ZodRecord) current = node.valueType as z.ZodType;
    else if (node instanceof z.ZodArray) current = node.element as z.ZodType;
    else return undefined;
  }
  return current;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}

/** The loader's message on one line; a syntax error keeps its line and column. */
function loadError(error: unknown): string {
  const [first, ...rest] = String(error instanceof Error ? error.message : error).split('\n').map((line) => line.trim());
  const location = rest.map((line) => /:(\d+):(\d+)$/.exec(line)).find(Boolean);
  return location ? `${first} (line ${location[1]}, column ${location[2]})` : first;
}
