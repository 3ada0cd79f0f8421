/**
 * Column names from the header fields: surrounding ASCII whitespace trimmed; an empty name
 * becomes `column_<n>` (n = 1-based position); a name seen before becomes `<name>_2`, `<name>_3`...
 * (the first unused suffix, never taking a name that appears elsewhere in the header). Each
 * renaming is reported as a warning. Names are only ever Map keys or array items, so `__proto__`
 * is an ordinary name.
 */
export interface ColumnNames {
  readonly names: string[];
  readonly warnings: string[];
}

export function columnNames(headerFields: readonly string[]): ColumnNames {
  const trimmed = headerFields.map(trimAsciiSpace);
  const taken = new Set(trimmed.filter((name) => name !== ''));
  const used = new Set<string>();
  const warnings: string[] = [];
  const names = trimmed.map((name, index) => {
    const position = index + 1;
    let chosen = name;
    if (name === '') {
      chosen = `column_${position}`;
      if (taken.has(chosen) || used.has(chosen)) chosen = firstFreeSuffix(chosen, taken, used);
      warnings.push(`column ${position} has no name; it is called "${chosen}"`);
    } else if (used.has(name)) {
      chosen = firstFreeSuffix(name, taken, used);
      warnings.push(`column ${position} repeats the name "${name}"; it is called "${chosen}"`);
    }
    used.add(chosen);
    return chosen;
  });
  return { names, warnings };
}

function firstFreeSuffix(name: string, taken: ReadonlySet<string>, used: ReadonlySet<string>): string {
  for (let k = 2; ; k++) {
    const candidate = `${name}_${k}`;
    if (!taken.has(candidate) && !used.has(candidate)) return candidate;
  }
}

function trimAsciiSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isAsciiSpaceCode(text.charCodeAt(start))) start++;
  while (end > start && isAsciiSpaceCode(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isAsciiSpaceCode(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}
