import type { Report } from '../report/report.js';
import { InputError } from '../errors.js';

/** Placeholder until quarantine lands (issue 5). */
export async function writeQuarantine(_report: Report, _file: string, _options: unknown, _guard: unknown): Promise<void> {
  throw new InputError('--quarantine is not available yet');
}

export async function writeClean(_report: Report, _file: string, _options: unknown, _guard: unknown): Promise<void> {
  throw new InputError('--emit-clean is not available yet');
}
