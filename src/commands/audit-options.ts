/**
 * The audit settings the main command and `scan` read from the same options (label, rules, seed,
 * models, how the bytes are read, progress bars), so that both audit a file the same way.
 */
import type { AuditSettings } from '../audit.js';
import type { AuditConfig } from '../config/schema.js';
import type { LoadOptions } from '../load/load-table.js';
import type { Progress } from '../progress.js';

export interface SharedAuditArgs {
  label?: string;
  rules?: string[];
  seed: number;
  model: boolean;
  delimiter?: string;
  quote?: 'none' | 'double';
  encoding?: 'utf8' | 'latin1';
}


export function auditSettings(
  args: SharedAuditArgs,
  resolved: { config: AuditConfig; file: string | null },
  progress: Progress,
  limits: Omit<LoadOptions, 'delimiter' | 'quote' | 'encoding' | 'onProgress'>,
): AuditSettings {
  return {
    label: args.label,
    config: resolved.config,
    configFile: resolved.file ?? undefined,
    rulePaths: args.rules,
    seed: args.seed,
    model: args.model,
    load: {
      delimiter: args.delimiter,
      quote: args.quote,
      encoding: args.encoding,
      ...limits,
      onProgress: (read, total) => progress.loading(read, total),
    },
    onProgress: (stage, done, total, detail) => progress.step(stage, done, total, detail),
  };
}
