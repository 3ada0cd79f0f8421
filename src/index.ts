/**
 * The package entry: `import { defineConfig, defineRule, runAudit } from 'audit-data'`.
 * Configs and rule modules need only the authoring API (define.ts); runAudit runs an audit from
 * code and returns the report (docs/report.md).
 */
export * from './define.js';
export { runAudit, DEFAULT_SEED } from './audit.js';
export type { AuditOptions } from './audit.js';
export type { Report } from './report/report.js';
export type { Finding } from './engine/finding.js';
