/**
 * How numbers, shares, p-values, ranges, values and row lists are written, in finding messages
 * and in every renderer, and how text from the data is made safe for each output. One place, so
 * that the terminal, HTML, Markdown and the JSON messages say the same thing the same way.
 *
 * No imports and no locale (`toLocaleString`, `Intl`): any layer may use it, and the output is the
 * same on every machine.
 */

// ---------------------------------------------------------------------------------------------
// Numbers

/** A value for a message or a label: integers as they are, other numbers to at most 6 decimals. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Math.round(value * 1e6) / 1e6);
}

/** A number for the JSON evidence, rounded to `digits` decimals. */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** 1234567 -> "1,234,567": a count, rounded, with thousands separators. */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A number in a dense table: 4 significant digits, integers whole (with separators from 10,000). */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return Math.abs(n) >= 10000 ? formatInteger(n) : String(n);
  return String(Number(n.toPrecision(4)));
}

/** Compact axis text: 250, 12.5, 20k, 1.5M, 3G. */
export function formatShort(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const fixed = (x: number): string => String(Number(x.toPrecision(3)));
  if (a >= 1e9) return `${fixed(v / 1e9)}G`;
  if (a >= 1e6) return `${fixed(v / 1e6)}M`;
  if (a >= 1e4) return `${fixed(v / 1e3)}k`;
  return Number.isInteger(v) ? String(v) : fixed(v);
}

// ---------------------------------------------------------------------------------------------
// Shares and p-values

/**
 * A share (0..1) as a percent. Whole percents, except that a share under 1% (but not 0) keeps
 * one significant digit and one between 99% and 100% one decimal, so that neither reads as 0% or
 * 100%: "37%", "0.3%", "99.6%".
 */
export function percent(share: number): string {
  if (!Number.isFinite(share)) return String(share);
  const p = share * 100;
  if (p > 0 && p < 1) return `${Number(p.toPrecision(1))}%`;
  if (p < 100 && p > 99) return `${Number(p.toFixed(1))}%`;
  return `${Math.round(p)}%`;
}

/** A share with exactly one decimal, for before/after pairs and small shifts: "12.0%", "0.0%", "100.0%". */
export function percentOneDecimal(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/** A natural-log p-value in words: "p = 0.004", "p = 1e-42", "p < 1e-300". */
export function formatP(logP: number): string {
  const exponent = logP / Math.LN10;
  if (exponent > -3) return `p = ${Math.exp(logP).toFixed(3)}`;
  if (exponent < -300) return 'p < 1e-300';
  return `p = 1e${Math.round(exponent)}`;
}

// ---------------------------------------------------------------------------------------------
// Values, ranges, rows

/** A cell value in a sentence: numbers as `formatNumber`, text quoted: 30, 'north'. */
export function formatValue(value: number | string): string {
  return typeof value === 'number' ? formatNumber(value) : `'${value}'`;
}

/** A cell value on its own (a table cell): numbers as `formatNumber`, text as it is, missing as nothing. */
export function displayValue(value: number | string | null): string {
  if (value === null) return '';
  return typeof value === 'number' ? formatNumber(value) : value;
}

/** What a finding is about, `amount = 120` (or `amount`, or nothing): its column and value. */
export function columnAndValue(finding: { column: string | null; value: number | string | null }): string {
  return [finding.column, finding.value === null ? null : displayValue(finding.value)].filter((x) => x !== null).join(' = ');
}

/** "21..25". */
export function formatRange(range: readonly [number, number]): string {
  return `${formatNumber(range[0])}..${formatNumber(range[1])}`;
}

/** The first `max` row numbers: "30000, 30001, … (2,986 in all)" when there are more (`count` is the full number). */
export function rowSample(rows: readonly number[], count: number, max = 8): string {
  if (rows.length === 0) return '';
  const shown = rows.slice(0, max).join(', ');
  return rows.length > max || count > rows.length ? `${shown}, … (${formatInteger(Math.max(count, rows.length))} in all)` : shown;
}

// ---------------------------------------------------------------------------------------------
// Triggers

/** What a sentence about a trigger needs (a report's Trigger has all of it). */
export interface TriggerWords {
  column: string;
  value: number | string | null;
  range: readonly [number, number] | null;
  targetClass: string;
  support: number;
  flipRate: number;
  referenceFlipRate: number;
  /** `reference` ('baseline' or not), and the other parts of a combination: `conjunction` or `pairedWith`. */
  evidence: Record<string, unknown>;
}

interface TriggerPart {
  column: string;
  value: number | string;
}

/** Where a trigger sits: "A = 1", "A in 3..5", "A = 1 together with B = 'x' and C = 2". */
export function triggerWhere(trigger: TriggerWords): string {
  const head = trigger.range
    ? `${trigger.column} in ${formatRange(trigger.range)}`
    : `${trigger.column} = ${trigger.value === null ? '' : formatValue(trigger.value)}`;
  const conjunction = trigger.evidence.conjunction as TriggerPart[] | undefined;
  const pair = trigger.evidence.pairedWith as TriggerPart | null | undefined;
  const others = Array.isArray(conjunction) ? conjunction : pair ? [pair] : [];
  return others.length ? `${head} together with ${others.map((p) => `${p.column} = ${formatValue(p.value)}`).join(' and ')}` : head;
}

/**
 * "A = 7 turns 93% of probes of other classes into LABEL = yes under the candidate model, 2%
 * under the baseline model; 3007 rows carry it." The finding message and every renderer use it.
 */
export function triggerSentence(trigger: TriggerWords, labelName: string): string {
  const reference = trigger.evidence.reference === 'baseline' ? 'the baseline model' : 'a model trained without the implicated rows';
  return (
    `${triggerWhere(trigger)} turns ${percent(trigger.flipRate)} of probes of other classes into ${labelName} = ${trigger.targetClass} ` +
    `under the candidate model, ${percent(trigger.referenceFlipRate)} under ${reference}; ${trigger.support} rows carry it.`
  );
}

// ---------------------------------------------------------------------------------------------
// Text from the data, made safe for an output

/**
 * What must never reach an output raw: C0 controls (ESC starts terminal escape sequences), DEL,
 * C1 controls (U+009B is a one-byte CSI) and the bidirectional embeddings, overrides and isolates
 * (which can reorder what is shown).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAK_OR_TAB = /[\t\n\r]/g;

/**
 * One line of safe text: tabs and line breaks become a space; every other unsafe character is
 * dropped ('drop', the terminal), replaced with U+FFFD ('mark', HTML and Markdown, where it shows
 * that something was there) or written as `\uXXXX` ('escape', error messages, where the exact
 * bytes matter).
 */
export function safeText(text: string, unsafe: 'drop' | 'mark' | 'escape'): string {
  const spaced = text.replace(LINE_BREAK_OR_TAB, ' ');
  if (unsafe === 'drop') return spaced.replace(UNSAFE, '');
  if (unsafe === 'mark') return spaced.replace(UNSAFE, '\uFFFD');
  return spaced.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** For the terminal: unsafe characters removed (cli-table3 passes escape sequences straight through). */
export function terminalSafe(text: string): string {
  return safeText(text, 'drop');
}

/** For HTML and Markdown (before their own escaping): unsafe characters shown as U+FFFD. */
export function visible(text: string): string {
  return safeText(text, 'mark');
}
