/**
 * The large and binary members of the bad-input corpus (test/fixtures/bad/ holds the small
 * text ones). They are generated, deterministically, so that the repository does not carry
 * megabytes: the robustness tests write them into a temporary folder.
 * Usage: node --import tsx scripts/make-bad-fixtures.ts OUT_DIR   (writes all of them)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** A small deterministic byte generator (no Math.random: the corpus must be the same everywhere). */
function bytesFromSeed(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

function write(dir: string, name: string, data: string | Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

/** Size of the single big field, in bytes (10 MiB; under the 64 MiB default limit). */
export const BIG_FIELD_BYTES = 10 * 2 ** 20;

/** `id,text,label` with one 10 MiB unquoted field on line 2 and an ordinary row after it. */
export function makeBigField(dir: string): string {
  return write(dir, 'big-field.csv', `id,text,label\n1,${'x'.repeat(BIG_FIELD_BYTES)},0\n2,short,1\n`);
}

export const WIDE_COLUMNS = 10000;

/** 10,000 columns (c0 ... c9999), three data rows of small integers. */
export function makeWide(dir: string): string {
  const header = Array.from({ length: WIDE_COLUMNS }, (_, i) => `c${i}`).join(',');
  const row = (k: number) => Array.from({ length: WIDE_COLUMNS }, (_, i) => (i * k) % 7).join(',');
  return write(dir, 'wide.csv', [header, row(1), row(2), row(3)].join('\n') + '\n');
}

/** Offset of the first NUL in binary.csv (a PNG signature is 8 bytes, then a 4-byte length). */
export const BINARY_NUL_OFFSET = 8;

/** A PNG-like binary (signature, IHDR, noise) under a .csv name. */
export function makeBinary(dir: string): string {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
  return write(dir, 'binary.csv', Buffer.concat([signature, Buffer.from('IHDR'), bytesFromSeed(4096, 7)]));
}

/** Random bytes with every NUL replaced (so that only the UTF-8 check can refuse them). */
export function makeBinaryWithoutNul(dir: string): string {
  const bytes = bytesFromSeed(4096, 11);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) bytes[i] = 0xff;
  return write(dir, 'binary-no-nul.csv', bytes);
}

/** A CSV saved as UTF-16LE with its byte order mark (NUL bytes from the second character on). */
export function makeUtf16(dir: string): string {
  const text = 'id,amount,label\n1,10,a\n2,20,b\n';
  return write(dir, 'utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}

/** Rows of an ordinary numeric table, for the gzip members. */
function plainTable(rows: number): string {
  const lines = ['id,amount,age,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(i * 37) % 1000},${20 + (i % 50)},${i % 3 === 0 ? 1 : 0}`);
  return lines.join('\n') + '\n';
}

/** A gzip file cut in the middle of its deflate stream. */
export function makeTruncatedGzip(dir: string): string {
  const whole = gzipSync(plainTable(5000));
  return write(dir, 'truncated.csv.gz', whole.subarray(0, Math.floor(whole.length / 2)));
}

/** A gzip file whose deflate data is damaged (header and trailer intact). */
export function makeCorruptGzip(dir: string): string {
  const whole = Buffer.from(gzipSync(plainTable(2000)));
  for (let i = 40; i < 60; i++) whole[i] ^= 0x5a;
  return write(dir, 'corrupt.csv.gz', whole);
}

/** Decompressed size of bomb.csv.gz: 4 MiB of "1,2\n" after a header (its gzip is a few KiB). */
export const BOMB_DECOMPRESSED_BYTES = 4 + 4 * 2 ** 20;

/** A gzip bomb in miniature: a few KiB that expand to 4 MiB (about a thousand times). */
export function makeGzipBomb(dir: string): string {
  const text = 'a,b\n' + '1,2\n'.repeat(2 ** 20);
  return write(dir, 'bomb.csv.gz', gzipSync(text, { level: 9 }));
}

/** A label column with a distinct value in each of `rows` rows (more than the 200 classes allowed). */
export function makeClassPerRow(dir: string, rows = 250): string {
  const lines = ['a,b,cls'];
  for (let i = 0; i < rows; i++) lines.push(`${i % 7},${(i * 3) % 5},c${i}`);
  return write(dir, `class-per-row-${rows}.csv`, lines.join('\n') + '\n');
}

export const GENERATORS = {
  bigField: makeBigField,
  wide: makeWide,
  binary: makeBinary,
  binaryWithoutNul: makeBinaryWithoutNul,
  utf16: makeUtf16,
  truncatedGzip: makeTruncatedGzip,
  corruptGzip: makeCorruptGzip,
  gzipBomb: makeGzipBomb,
  classPerRow: (dir: string) => makeClassPerRow(dir),
} as const;

/** Writes every generated member into `dir`; returns their paths by name. */
export function makeBadFixtures(dir: string): Record<keyof typeof GENERATORS, string> {
  const out = {} as Record<keyof typeof GENERATORS, string>;
  for (const [name, make] of Object.entries(GENERATORS) as [keyof typeof GENERATORS, (dir: string) => string][]) {
    out[name] = make(dir);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node --import tsx scripts/make-bad-fixtures.ts OUT_DIR\n');
    process.exit(2);
  }
  for (const file of Object.values(makeBadFixtures(dir))) process.stdout.write(`wrote ${file}\n`);
}
