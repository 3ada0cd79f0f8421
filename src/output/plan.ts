/**
 * Every path the run will write, checked before the audit starts: the folder exists and can be
 * written, a target is not a folder, exists only with --force, and no two targets, nor a target
 * and any file the run reads (candidate, baseline, config, rule modules), are the same file,
 * through symbolic and hard links too. A problem is one InputError, with nothing written yet.
 * The writes themselves stay atomic and re-check (writeFileAtomic): a file can still appear
 * between this plan and the write.
 */
import { accessSync, constants, lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { describeFileError } from '../load/byte-source.js';

export interface PlannedTarget {
  /** How the command line named it: `--out`, `--quarantine`, `--emit-clean`. */
  option: string;
  file: string;
}

export interface OutputPlan {
  /** Files the run writes. */
  targets: PlannedTarget[];
  /** Folders the run writes dated reports into (--out FOLDER, --save). */
  folders: { option: string; folder: string; create: boolean }[];
  force: boolean;
  /** Files the run reads; a folder stands for the files in it. */
  inputs: string[];
}

export function checkOutputPlan(plan: OutputPlan): void {
  const inputs = new Map<string, string>();
  for (const input of plan.inputs.flatMap(expandFolder)) {
    const key = identity(input);
    if (key) inputs.set(key, input);
  }
  for (const { option, folder, create } of plan.folders) checkFolder(option, folder, create);
  const seen = new Map<string, PlannedTarget>();
  for (const target of plan.targets) {
    const info = lstatOrNull(target.file);
    const parent = path.dirname(path.resolve(target.file));
    checkFolder(target.option, parent, false);
    if (info?.isDirectory()) throw new InputError(`${option(target)}: is a folder`);
    const key = identity(target.file) ?? `${realpathSync(parent)}${path.sep}${path.basename(target.file)}`;
    const input = inputs.get(key);
    if (input !== undefined) throw new InputError(`${option(target)}: refusing to overwrite an input file (${input})`);
    const other = seen.get(key);
    if (other) throw new InputError(`${option(other)} and ${option(target)} are the same file; give each output its own name`);
    seen.set(key, target);
    if (info && !plan.force) throw new InputError(`${option(target)}: already exists (use --force to overwrite it)`);
  }
}

function option(target: PlannedTarget): string {
  return `${target.option} ${target.file}`;
}

/** A file's identity through links: device and inode of what the path resolves to, or null when nothing is there. */
function identity(file: string): string | null {
  let info: Stats;
  try {
    info = statSync(file);
  } catch {
    const link = lstatOrNull(file);
    // A dangling symbolic link: writing through it would create its target.
    if (link?.isSymbolicLink()) return `${path.resolve(path.dirname(file), readlinkTarget(file))}`;
    return null;
  }
  return `${info.dev}:${info.ino}`;
}

function readlinkTarget(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return file;
  }
}

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

function expandFolder(file: string): string[] {
  try {
    if (statSync(file).isDirectory()) return readdirSync(file).map((name) => path.join(file, name));
  } catch {
    // Missing inputs are reported by the reader, with its own message.
  }
  return [file];
}

function checkFolder(optionName: string, folder: string, create: boolean): void {
  let info: Stats;
  try {
    info = statSync(folder);
  } catch (error) {
    if (create && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      checkFolder(optionName, path.dirname(path.resolve(folder)), false);
      return;
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${optionName}: the folder ${folder} does not exist`);
    throw describeFileError(folder, error);
  }
  if (!info.isDirectory()) throw new InputError(`${optionName}: ${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new InputError(`${optionName}: cannot write in the folder ${folder} (permission denied)`);
  }
}
