/**
 * The yargs setup every subcommand shares (rules, init, render, diff): help, strict options, the
 * last of a repeated option wins, and a usage problem as a UsageError (one line, exit 2).
 */
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';

export function commandParser(argv: string[], scriptName: string, usage: string): Argv {
  return yargs(argv)
    .scriptName(scriptName)
    .usage(usage)
    .parserConfiguration({ 'duplicate-arguments-array': false })
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
