/**
 * An error the user can act on: bad input, bad usage, bad config. The CLI prints its message as
 * one line on stderr and exits with code 2. Anything else that escapes is an internal error,
 * also exit 2 with one line, but phrased as a bug.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A quoted field that does not end as RFC 4180 says; `detected`: quoting was only detected, not chosen. */
export class QuoteError extends InputError {
  constructor(
    message: string,
    readonly detected: boolean,
  ) {
    super(message);
    this.name = 'QuoteError';
  }
}

/** `file: line N: message`, the shape every input error takes when it has a place. */
export function inputErrorAt(file: string, line: number | null, message: string): InputError {
  return new InputError(line === null ? `${file}: ${message}` : `${file}: line ${line}: ${message}`);
}

/** A command line that cannot be run as given (unknown option, missing argument): exit 2, one line. */
export class UsageError extends Error {}
