/**
 * audit.config.ts: TypeScript, not YAML. `export default defineConfig({...})`. Loaded only from
 * the path the user names with --config (never discovered next to the data).
 */
import { existsSync } from 'node:fs';
import { InputError } from './errors.js';
import { isSeverity, type Severity } from './engine/finding.js';
import type { RuleSettings } from './engine/rule.js';
import { importCode } from './engine/registry.js';

export interface ModelCase {
  /** A record with an expected prediction: feature values by column name. */
  name: string;
  record: Record<string, number | string>;
  expect: string;
}

export interface UnacceptableCase {
  /** "Any record with COLUMN op VALUE must not be predicted TARGET more often than records without it." */
  name: string;
  column: string;
  op: '>' | '>=' | '<' | '<=' | '==';
  value: number | string;
  mustNotPredict: string;
  /** Allowed excess of the flip rate over rows without the condition; default 0.1. */
  tolerance?: number;
}

export interface AuditConfig {
  label?: string;
  identifiers?: string[];
  /** Hard bounds per column, used by the range rule before anything else. */
  columns?: Record<string, { min?: number; max?: number }>;
  rules?: Record<string, RuleSettings>;
  model?: {
    enabled?: boolean;
    cases?: ModelCase[];
    unacceptable?: UnacceptableCase[];
  };
  failOn?: Severity;
}

export function defineConfig(config: AuditConfig): AuditConfig {
  return config;
}

export async function loadConfig(file: string): Promise<AuditConfig> {
  if (!existsSync(file)) throw new InputError(`--config ${file}: no such file`);
  let module: { default?: unknown };
  try {
    module = await importCode(file);
  } catch (error) {
    throw new InputError(`${file}: could not load the config: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`);
  }
  return validateConfig(module.default, file);
}

function validateConfig(value: unknown, file: string): AuditConfig {
  if (typeof value !== 'object' || value === null) {
    throw new InputError(`${file}: the default export must be a config object (export default defineConfig({...}))`);
  }
  const config = value as AuditConfig;
  if (config.label !== undefined && typeof config.label !== 'string') throw new InputError(`${file}: 'label' must be a column name`);
  if (config.failOn !== undefined && !isSeverity(config.failOn)) throw new InputError(`${file}: 'failOn' must be a severity`);
  for (const [id, settings] of Object.entries(config.rules ?? {})) {
    const severity = settings?.severity;
    if (severity !== undefined && severity !== 'off' && !isSeverity(severity)) {
      throw new InputError(`${file}: rules.${id}.severity must be 'off' or a severity`);
    }
  }
  return config;
}
