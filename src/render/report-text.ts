/** Text helpers shared by the HTML and Markdown renderers: evidence keys in words, compact values. */
import type { Finding } from '../engine/finding.js';
import type { Report } from '../report/report.js';
import { formatCompact, formatInteger, percent } from '../format.js';

/**
 * Evidence and model keys in words for a reader who is not a statistician. A key not listed reads
 * as its camelCase split into words.
 */
const KEY_WORDS: Record<string, string> = {
  reference: 'compared with',
  probes: 'rows stamped to test it',
  candidateFlips: 'stamped rows the model switched',
  referenceFlips: 'switched by the reference model',
  flipRate: 'switched by the model trained on this file',
  referenceFlipRate: 'switched by the reference model',
  log10PMcNemar: 'chance the two models differ this much by luck',
  log10P: 'chance of this by luck',
  log10PClassMix: 'chance of this class mix by luck',
  log10PCount: 'chance of this many rows by luck',
  extensionLog10P: 'chance of the extra column by luck',
  foundBy: 'found by',
  signals: 'signs it was planted',
  pairedWith: 'together with',
  targetClass: 'pushes towards',
  support: 'rows carrying it',
  purity: 'of them in one class',
  rowsInClass: 'rows of that class with it',
  rowsWithValue: 'rows with the value',
  expectedInClass: 'expected in that class',
  expectedWithValue: 'expected with the value',
  ratio: 'times more than expected',
  classShare: 'share in the class',
  expectedClassShare: 'expected share in the class',
  excessPurity: 'of the extra rows in one class',
  newToBaseline: 'a value the baseline never had',
  modelCheck: 'what the models said',
  twins: 'rows identical but for this value',
  twinShare: 'share of such copies',
  expectedTwins: 'copies expected',
  oddsRatio: 'times more likely than elsewhere',
  backgroundTwinShare: 'share of copies elsewhere in the file',
  baselineTwinShare: 'share of copies in the baseline',
  dirtyLabelTwins: 'copies with a different label',
  outsideRows: 'rows outside',
  boundsSource: 'bounds from',
  distance: 'how far out',
  farRows: 'rows far out',
  observedRange: 'range in the file',
  distinctValues: 'distinct values',
  topValues: 'most frequent values',
  classMix: 'rows per class',
  shareText: 'share of text cells',
  repeatedValues: 'values repeated',
  largestGroup: 'largest group',
  classDuplicates: 'duplicates within one class',
  expectedClassDuplicates: 'expected within one class',
  excessRows: 'extra rows',
  baselineShare: 'share in the baseline',
  rowsInConflict: 'rows with conflicting labels',
  rowsWithCombination: 'rows with the combination',
  classPrior: 'share of the class in the file',
  partClassShare: 'share of the class for each part alone',
  restOfRow: 'what the rest of each row predicts',
  carrierShare: 'share of rows carrying it',
  contradicts: 'labels contradicted by the rest of the row',
  copies: 'copies of other rows',
  copyRate: 'share that are copies',
  lo: 'from',
  hi: 'to',
};

/** Evidence key -> words. */
export function humanKey(key: string): string {
  return Object.hasOwn(KEY_WORDS, key) ? KEY_WORDS[key] : splitKey(key);
}

/** camelCase / snake_case key -> "camel case". */
function splitKey(key: string): string {
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

/** A log10 p-value in words: "1 in 3,000", "below 1 in a billion". */
function chance(log10: number): string {
  if (!Number.isFinite(log10) || log10 <= -9) return 'below 1 in a billion';
  if (log10 >= -0.3) return 'likely';
  const odds = 10 ** -log10;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(odds)) - 1);
  return `about 1 in ${formatInteger(Math.round(odds / step) * step)}`;
}

function compact(value: unknown, key: string, depth: number): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number' && /log10P/i.test(key)) return chance(value);
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

