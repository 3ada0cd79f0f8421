/**
 * JSON: exactly the report document. Non-finite numbers are written as the strings "Infinity",
 * "-Infinity" and "NaN" (JSON has no such numbers, and a silent null would hide them).
 */
import type { Report } from '../report/report.js';

export function renderJson(report: Report): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2) + '\n';
}
