/**
 * The memory budget: how much memory the run may use (default: 80% of the memory the machine has
 * available, --max-memory to set it), and the guard that keeps a load inside it. An audit needs
 * about MEMORY_PER_TEXT_BYTE bytes of memory per byte of CSV text (the typed table, the rules'
 * indexes and their work; measured in docs/performance.md), so the load stops, with one clear
 * line, as soon as the text read so far shows the whole would not fit, instead of running the
 * machine into the kernel's OOM killer. The process's resident memory is checked as well.
 */
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { InputError } from '../errors.js';

/** Measured peak RSS over CSV bytes: 9.3 (1M rows x 25 columns, 97 MB), 8.7 with a baseline of the same size. */
export const MEMORY_PER_TEXT_BYTE = 10;
const DEFAULT_SHARE_OF_AVAILABLE = 0.8;
/** How often (text bytes) the resident memory is looked at. */
const RSS_CHECK_BYTES = 16 * 2 ** 20;

/** Memory the machine can give without swapping: MemAvailable on Linux, else the free memory. */
export function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: the operating system's free memory.
  }
  return freemem();
}

export function defaultMemoryBudget(): number {
  return Math.floor(availableMemory() * DEFAULT_SHARE_OF_AVAILABLE);
}

/** "4G", "512M", "1.5GiB", "2000000000": bytes. */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) return null;
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(match[1]) * 1024 ** power);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return `${Math.max(1, Math.round(bytes / 2 ** 20))} MiB`;
}

/** Watches one load: call `add(n)` for every n text bytes read. */
export class MemoryGuard {
  private text = 0;
  private nextRssCheck = RSS_CHECK_BYTES;
  private readonly startRss = process.memoryUsage.rss();

  constructor(
    private readonly path: string,
    private readonly budget: number,
  ) {}

  /** Refuses at once a file whose whole text size is known (an uncompressed file) and cannot fit. */
  checkWhole(textBytes: number): void {
    this.check(textBytes, true);
  }

  add(bytes: number): void {
    this.text += bytes;
    this.check(this.text, false);
    if (this.text >= this.nextRssCheck) {
      this.nextRssCheck += RSS_CHECK_BYTES;
      const rss = process.memoryUsage.rss();
      if (rss > this.budget) throw this.over(`the audit already uses ${formatBytes(rss)}`);
    }
  }

  private check(textBytes: number, whole: boolean): void {
    const needed = this.startRss + textBytes * MEMORY_PER_TEXT_BYTE;
    if (needed > this.budget) {
      throw this.over(`${whole ? 'its' : 'the'} ${formatBytes(textBytes)} of CSV text${whole ? '' : ' read so far'} need about ${formatBytes(needed)}`);
    }
  }

  private over(why: string): InputError {
    return new InputError(
      `${this.path}: too large for the memory budget of ${formatBytes(this.budget)}: ${why} (about ${MEMORY_PER_TEXT_BYTE} bytes per byte of CSV); raise it with --max-memory, or audit a sample`,
    );
  }
}
