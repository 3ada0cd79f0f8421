/**
 * `--timeout` that holds inside stages and inside user code: the audit runs in a child process of
 * this one (same program, same arguments, same standard streams), and this process stops it when
 * the time is up: SIGTERM, then SIGKILL a second later. An endless loop in a config or a rule, a
 * forest still training in a worker thread: all end with the child. The child also checks the
 * deadline between stages (AUDIT_DATA_DEADLINE), which ends it with a message naming the stage.
 */
import { spawn } from 'node:child_process';

export const DEADLINE_ENV = 'AUDIT_DATA_DEADLINE';
const KILL_GRACE_MS = 1000;

/** The deadline this process runs under (epoch ms), when it is the watched child. */
export function inheritedDeadline(): number | null {
  const value = Number(process.env[DEADLINE_ENV]);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** Runs this same command line as a child under the deadline; resolves to the exit code to use. */
export function runWatched(seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, [DEADLINE_ENV]: String(deadline) },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    }, Math.max(0, deadline - Date.now()));
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    process.on('SIGINT', forward('SIGINT'));
    process.on('SIGTERM', forward('SIGTERM'));
    child.on('error', (error) => {
      clearTimeout(timer);
      process.stderr.write(`audit-data: could not start the audit: ${error.message}\n`);
      resolve(2);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut && code !== 0 && code !== 1) {
        // The child may have been drawing a progress bar: end its line and show the cursor again.
        if (process.stderr.isTTY) process.stderr.write('\r\u001b[K\u001b[?25h');
        process.stderr.write(`audit-data: gave up after ${seconds} s (--timeout); the audit was stopped\n`);
        resolve(2);
        return;
      }
      if (signal) {
        process.stderr.write(`audit-data: the audit was stopped by ${signal}\n`);
        resolve(2);
        return;
      }
      resolve(code ?? 2);
    });
  });
}
