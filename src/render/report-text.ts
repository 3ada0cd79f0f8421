/** Text helpers shared by the HTML and Markdown renderers: evidence keys in words, compact values. */
import type { Finding } from '../engine/finding.js';
import type { Report } from '../report/report.js';
import { formatCompact, percent } from '../format.js';

/** camelCase / snake_case key -> "camel case". */
export function humanKey(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

const SHARE_KEY = /(share|rate|purity|accuracy|agreement|recall|precision)$/i;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value from evidence or the model section as one short line: shares in percent (by key
 * name), arrays capped, objects as "a (b)" pairs or "key value" lists. At most `limit` characters.
 */
export function compactValue(value: unknown, key = '', limit = 160): string {
  const text = compact(value, key, 0);
  return text.length > limit ? text.slice(0, limit - 1) + '…' : text;
}

function compact(value: unknown, key: string, depth: number): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return SHARE_KEY.test(key) && value >= 0 && value <= 1 ? percent(value) : formatCompact(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return compact(Array.from(value as unknown as ArrayLike<number>), key, depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    const scalars = value.every((item) => typeof item !== 'object' || item === null);
    // A top-level list of names (features, columns) is shown whole, up to 40.
    const cap = depth === 0 && scalars ? 40 : 6;
    const shown = value.slice(0, cap).map((item) => compact(item, key, depth + 1));
    const more = value.length > cap ? ` … (${value.length})` : '';
    if (!scalars) return shown.join('; ') + more;
    const interval = (depth > 0 || /range|interval|bounds/i.test(key)) && value.length === 2 && typeof value[0] === 'number';
    return interval ? `[${shown.join(', ')}]` : shown.join(', ') + more;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    if (depth > 2) return '…';
    // {value, count} and similar pairs read best as "value (count)".
    if (entries.length === 2 && depth > 0 && entries.every(([, v]) => typeof v !== 'object')) {
      return `${compact(entries[0][1], entries[0][0], depth + 1)} (${compact(entries[1][1], entries[1][0], depth + 1)})`;
    }
    const text = entries.map(([k, v]) => `${humanKey(k)} ${compact(v, k, depth + 1)}`);
    return depth > 0 ? `(${text.join(', ')})` : text.join(' · ');
  }
  return String(value);
}

export function findingsAboveInfo(report: Report): Finding[] {
  return report.findings.filter((f) => f.severity !== 'info');
}

export function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] || file;
}

/** Model section: the `enabled` flag is shown as a sentence, not a row. */
export function modelEntries(model: Record<string, unknown>): [string, unknown][] {
  return Object.entries(model).filter(([key]) => key !== 'enabled');
}

/** A per-class array (one number per class) as "0: 95% · 1: 36%", else null. */
export function perClass(value: unknown, key: string, classes: readonly string[] | undefined): string | null {
  if (!classes || !Array.isArray(value) || value.length !== classes.length || value.length < 2) return null;
  if (!value.every((v) => typeof v === 'number')) return null;
  return value.map((v, i) => `${classes[i]}: ${compactValue(v, key)}`).join(' · ');
}

/** "comparison" -> "Comparison", "heldOut" -> "Held out". */
export function title(key: string): string {
  const text = humanKey(key);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function modelEnabled(report: Report): boolean {
  return report.model.enabled !== false && modelEntries(report.model).length > 0;
}

/** Columns of an array of plain objects (union of keys, first-seen order), or null if it is not one. */
export function tableColumns(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainObject)) return null;
  const keys: string[] = [];
  for (const row of value as Record<string, unknown>[]) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

