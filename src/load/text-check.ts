/**
 * Refuses bytes that are not text before anything is parsed: a NUL byte anywhere, or (for
 * UTF-8) an invalid sequence, reported with its byte offset. Never lets a replacement character
 * in silently. Chunks may split a UTF-8 character: the incomplete tail is carried to the next one.
 */
import { isUtf8 } from 'node:buffer';
import { InputError } from '../errors.js';

export class TextCheck {
  /** Offset of the next chunk's first byte in the text stream. */
  private offset = 0;
  /** An incomplete UTF-8 character at the end of the previous chunk. */
  private pending = Buffer.alloc(0);
  private startsLikeUtf16 = false;

  constructor(
    private readonly path: string,
    private readonly utf8: boolean,
  ) {}

  check(chunk: Buffer): void {
    if (this.offset === 0 && chunk.length >= 2) {
      this.startsLikeUtf16 = (chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff);
    }
    const nul = chunk.indexOf(0);
    if (nul !== -1) this.notText(this.offset + nul);
    if (this.utf8) this.checkUtf8(chunk);
    this.offset += chunk.length;
  }

  /** Call at the end of the text: a character cut off by the end of the file is invalid. */
  finish(): void {
    if (this.pending.length > 0) this.invalidUtf8(this.offset - this.pending.length);
  }

  private checkUtf8(chunk: Buffer): void {
    let from = 0;
    if (this.pending.length > 0) {
      const needed = sequenceLength(this.pending[0]) - this.pending.length;
      const taken = Math.min(needed, chunk.length);
      const joined = Buffer.concat([this.pending, chunk.subarray(0, taken)]);
      if (taken < needed && isPlausiblePrefix(joined)) {
        this.pending = joined;
        return;
      }
      const joinedStart = this.offset - this.pending.length;
      if (!isUtf8(joined)) this.invalidUtf8(joinedStart + firstInvalidUtf8(joined, 0, joined.length));
      this.pending = Buffer.alloc(0);
      from = taken;
    }
    const end = completeEnd(chunk, from);
    if (!isUtf8(chunk.subarray(from, end))) this.invalidUtf8(this.offset + firstInvalidUtf8(chunk, from, end));
    if (end < chunk.length) this.pending = Buffer.from(chunk.subarray(end));
  }

  private notText(offset: number): never {
    const hint = this.startsLikeUtf16 ? '; it looks like UTF-16: save it as UTF-8' : '';
    throw new InputError(`${this.path}: not a text file (NUL byte at offset ${offset})${hint}`);
  }

  private invalidUtf8(offset: number): never {
    throw new InputError(
      `${this.path}: invalid UTF-8 at byte offset ${offset}; use --encoding latin1 to read it as Latin-1`,
    );
  }
}

/** Bytes a sequence takes, judged from its first byte (1 for ASCII and for invalid lead bytes). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc0 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  return 1;
}

/** Whether `bytes` could still become a valid character once more bytes arrive. */
function isPlausiblePrefix(bytes: Buffer): boolean {
  for (let k = 1; k < bytes.length; k++) if ((bytes[k] & 0xc0) !== 0x80) return false;
  return true;
}

/** End of the chunk without a character that it cuts off. */
function completeEnd(chunk: Buffer, from: number): number {
  const n = chunk.length;
  for (let back = 1; back <= 3 && n - back >= from; back++) {
    const byte = chunk[n - back];
    if ((byte & 0xc0) === 0x80) continue;
    return sequenceLength(byte) > back ? n - back : n;
  }
  return n;
}

/** Offset of the first byte that is not part of a valid UTF-8 character (the range is known invalid). */
export function firstInvalidUtf8(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const lead = buf[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(lead);
    if (length === 1 || i + length > end) return i;
    let min = 0x80;
    if (length === 3) min = 0x800;
    if (length === 4) min = 0x10000;
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const byte = buf[i + k];
      if ((byte & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (byte & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return end;
}
