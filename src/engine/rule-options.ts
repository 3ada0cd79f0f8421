/** Checking a rule's options from the config: the rule's own schema, else one read off its defaults. */
import { z } from 'zod';

/** Anything configurable by id: a rule, or a check of a later stage (src/model/checks.ts). */
export interface Configurable {
  readonly id: string;
  readonly defaults: object;
  readonly optionsSchema?: unknown;
}

/** A strict schema in which each option has the type of its default. */
export function schemaFromDefaults(defaults: object): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(defaults)) shape[key] = schemaOfValue(value).optional();
  return z.strictObject(shape);
}

function schemaOfValue(value: unknown): z.ZodType {
  if (typeof value === 'number') return z.number();
  if (typeof value === 'boolean') return z.boolean();
  if (typeof value === 'string') return z.string();
  if (Array.isArray(value)) return z.array(z.unknown());
  if (value !== null && typeof value === 'object') return z.record(z.string(), z.unknown());
  return z.unknown();
}

export function optionsSchemaOf(rule: Configurable): z.ZodType {
  return (rule.optionsSchema as z.ZodType | undefined) ?? schemaFromDefaults(rule.defaults);
}

/** The options a check runs with: the config's merged over its defaults, as its schema reads them. */
export function resolvedOptions<Options extends object>(rule: Configurable & { defaults: Options }, given: Record<string, unknown> | undefined): Options {
  return optionsSchemaOf(rule).parse({ ...rule.defaults, ...(given ?? {}) }) as Options;
}
