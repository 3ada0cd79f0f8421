import { inputErrorAt } from '../errors.js';

/** Every record must have as many fields as the header: a ragged row is an input error. */
export function checkRecordWidth(path: string, startLine: number, expected: number, got: number): void {
  if (got !== expected) throw inputErrorAt(path, startLine, `expected ${expected} fields, got ${got}`);
}
