/**
 * Ordering of text by UTF-16 code units, never by locale: `localeCompare` and `Intl.Collator`
 * follow the machine's language (Swedish sorts 'å' after 'z', German does not), so a report
 * sorted with them would differ from one machine to the next. Use this for every sort of text.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
