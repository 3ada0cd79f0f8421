/**
 * The yargs setup every subcommand shares (rules, init, render, diff, scan, accept): help, strict
 * options, the last of a repeated option wins (a list option or positional collects every one),
 * and a usage problem as a UsageError (one line, exit 2).
 */
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';

/** `lists`: the options and positionals that take many values (`<paths...>`, `--rules`). */
export function commandParser(argv: string[], scriptName: string, usage: string, lists: readonly string[] = []): Argv {
  return lastWins(yargs(argv), lists)
    .scriptName(scriptName)
    .usage(usage)
    .help()
    .alias('h', 'help')
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw new UsageError(message || error?.message || 'invalid arguments');
    });
}

/** `--help` was asked for: yargs has printed it, the command has nothing more to do. */
export function askedForHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * yargs either keeps only the last value of everything given twice, list positionals included
 * (`duplicate-arguments-array: false`), or makes every repeated option an array. Here: arrays for
 * the lists, the last value for everything else, before validation (so `--format` is checked once).
 */
export function lastWins(parser: Argv, lists: readonly string[]): Argv {
  const keep = new Set(lists);
  return parser.parserConfiguration({ 'duplicate-arguments-array': true }).middleware((args) => {
    for (const key of Object.keys(args)) {
      const value = args[key];
      if (key !== '_' && key !== '--' && !keep.has(key) && Array.isArray(value)) args[key] = value[value.length - 1];
    }
  }, true);
}

/** Whether --format / -f was on the command line (its default would otherwise hide the --out name's). */
export function formatGiven(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '-f' || arg === '--format' || arg.startsWith('--format=') || /^-f./.test(arg));
}
