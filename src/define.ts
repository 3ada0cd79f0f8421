/**
 * The authoring API: what `import { defineConfig, defineRule } from 'audit-data'` gives a config
 * file or a rule module. Kept free of the audit's heavy modules, since user code loads it.
 */
export { defineRule } from './engine/rule.js';
/** zod, for a rule's optionsSchema, so that a rule module needs nothing installed beside it. */
export { z } from 'zod';
export type { RuleDefinition, RuleContext, RuleSettings } from './engine/rule.js';
export type { FindingDraft, Severity, CellValue } from './engine/finding.js';
export type { Dataset } from './engine/dataset.js';
import type { AuditConfigInput } from './config/schema.js';
export type { AuditConfigInput as AuditConfig, ColumnConstraint, ModelCase, UnacceptableCase } from './config/schema.js';

/** Typed helper for audit.config.ts: `export default defineConfig({ ... })`. */
export function defineConfig(config: AuditConfigInput): AuditConfigInput {
  return config;
}
