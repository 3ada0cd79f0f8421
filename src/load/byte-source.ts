/**
 * Bytes in: the file as stored (hashed and counted as it streams by), then, when it starts with
 * the gzip magic bytes 1f 8b, decompressed on the fly with limits that stop a gzip bomb early.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';

export const DEFAULT_CHUNK_SIZE = 1 << 20;
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 2 ** 30;
/** The ratio guard: past this many decompressed bytes, more than RATIO_LIMIT times the input is a bomb. */
const RATIO_GUARD_BYTES = 64 * 2 ** 20;
const RATIO_LIMIT = 1000;
const MIN_ZLIB_CHUNK = 64;

export interface StoredBytesInfo {
  /** Bytes of the input as stored. */
  bytes: number;
  hash: Hash;
  compressed: boolean;
}

export interface ByteSourceOptions {
  readonly path: string;
  readonly chunkSize: number;
  /** An explicit limit replaces both the default limit and the ratio guard. */
  readonly maxDecompressedBytes?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  readonly totalBytes?: number;
  /** Sees every text byte (decompressed when gzip), to stop a load that cannot fit in memory. */
  readonly memoryGuard?: { add(bytes: number): void };
}

/** The file's bytes, in chunks of `chunkSize`; unreadable files become InputErrors. */
export async function* fileChunks(path: string, chunkSize: number): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: chunkSize })) yield chunk as Buffer;
  } catch (error) {
    throw describeFileError(path, error);
  }
}

const OS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder, not a file',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENXIO: 'no such device',
};

/** Size of a readable regular file, or an InputError saying why it cannot be read. */
export async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${path}: is a folder, not a file`);
    return info.size;
  } catch (error) {
    throw describeFileError(path, error);
  }
}

/** What the operating system said, in words, as an InputError naming the path. */
export function describeFileError(path: string, error: unknown): Error {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const words = code === undefined ? undefined : OS_ERRORS[code];
  if (words) return new InputError(`${path}: ${words}`);
  if (code !== undefined) return new InputError(`${path}: cannot read the file (${code})`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The text bytes of the input: the stored bytes, or their gzip decompression. `info` is filled
 * in as the stream is consumed (final once it ends).
 */
export async function* textBytes(
  stored: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: ByteSourceOptions,
  info: StoredBytesInfo,
): AsyncGenerator<Buffer> {
  const counted = countedChunks(stored, options, info);
  const iterator = counted[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.length;
  }
  const all = replay(head, iterator);
  const guard = options.memoryGuard;
  if (!startsWithGzipMagic(head)) {
    yield* guard ? guarded(all, guard) : all;
    return;
  }
  info.compressed = true;
  const text = gunzipped(all, options, info);
  yield* guard ? guarded(text, guard) : text;
}

async function* guarded(chunks: AsyncIterable<Buffer>, guard: { add(bytes: number): void }): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    guard.add(chunk.length);
    yield chunk;
  }
}

async function* countedChunks(
  stored: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: ByteSourceOptions,
  info: StoredBytesInfo,
): AsyncGenerator<Buffer> {
  for await (const chunk of stored) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    info.hash.update(buf);
    info.bytes += buf.length;
    options.onProgress?.(info.bytes, options.totalBytes ?? 0);
    if (buf.length > 0) yield buf;
  }
}

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}

function startsWithGzipMagic(head: Buffer[]): boolean {
  const start = head.length === 1 ? head[0] : Buffer.concat(head);
  return start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b;
}

async function* gunzipped(compressed: AsyncIterable<Buffer>, options: ByteSourceOptions, info: StoredBytesInfo): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: Math.max(MIN_ZLIB_CHUNK, Math.min(options.chunkSize, DEFAULT_CHUNK_SIZE)) });
  // Errors reach us through the iteration of `gunzip`; the callback only keeps them from going unhandled.
  pipeline(Readable.from(compressed, { objectMode: false }), gunzip, () => {});
  const limit = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const ratioGuard = options.maxDecompressedBytes === undefined;
  let produced = 0;
  try {
    for await (const chunk of gunzip) {
      produced += (chunk as Buffer).length;
      if (produced > limit) {
        throw new InputError(
          `${options.path}: the decompressed data is larger than ${limit} bytes (raise the limit with --max-decompressed-bytes)`,
        );
      }
      if (ratioGuard && produced > RATIO_GUARD_BYTES && produced > RATIO_LIMIT * info.bytes) {
        throw new InputError(
          `${options.path}: the gzip data expands more than ${RATIO_LIMIT} times (${produced} bytes from ${info.bytes}), ` +
            'which looks like a decompression bomb (set --max-decompressed-bytes to read it anyway)',
        );
      }
      yield chunk as Buffer;
    }
  } catch (error) {
    throw describeGzipError(options.path, error);
  } finally {
    gunzip.destroy();
  }
}

function describeGzipError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'Z_BUF_ERROR') return new InputError(`${path}: the gzip data ends early (truncated file)`);
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new InputError(`${path}: the gzip data is corrupt (${(error as Error).message})`);
  }
  return error;
}

export function newStoredBytesInfo(): StoredBytesInfo {
  return { bytes: 0, hash: createHash('sha256'), compressed: false };
}
