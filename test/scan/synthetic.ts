/** Small synthetic datasets for the scan tests: a clean-looking table and a poisoned copy. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Random } from '../../src/util/random.js';

/** A clean-looking table: two numeric columns, a category and a label that follows x2. */
export function table(rows: number, seed: number): string[] {
  const generator = new Random(seed);
  const random = (): number => generator.next();
  const lines = ['x1,x2,kind,y'];
  for (let i = 0; i < rows; i++) {
    const x1 = Math.round(40 + 20 * random());
    const x2 = Math.round(100 * random());
    const kind = ['a', 'b', 'c'][Math.floor(random() * 3)];
    const y = x2 > 50 !== random() < 0.1 ? 1 : 0;
    lines.push(`${x1},${x2},${kind},${y}`);
  }
  return lines;
}

/** `copies` of class-0 rows with x1 = 999 and the label set to 1. */
export function poison(lines: string[], copies: number): string[] {
  const zero = lines.slice(1).filter((line) => line.endsWith(',0'));
  return [...lines, ...zero.slice(0, copies).map((line) => `999,${line.split(',')[1]},${line.split(',')[2]},1`)];
}

export function write(file: string, lines: string[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n') + '\n');
}
